package dev.weft.crawler.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Where a page's charset comes from, in the order browsers look: BOM, header, meta, the bytes. */
public class CharsetDetectorTest {

    private static final Charset GBK = Charset.forName("GBK");
    public static final String CHINESE = "<html><head><title>新闻中心</title></head><body><p>今天上午，市政府召开新闻发布会，"
            + "介绍了今年以来全市经济社会发展的主要情况。会议指出，各部门要进一步加强协调配合，"
            + "确保各项工作任务按时完成，为人民群众创造更加美好的生活环境。</p></body></html>";

    private static String decode(String contentType, byte[] body) {
        CharsetDetector.Detected d = CharsetDetector.detect(contentType, body, body.length);
        return new String(body, d.bomLength(), body.length - d.bomLength(), d.charset());
    }

    @Test
    void aByteOrderMarkWinsOverTheHeader() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] text = "<title>café</title>".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, body, 0, 3);
        System.arraycopy(text, 0, body, 3, text.length);
        assertEquals("<title>café</title>", decode("text/html; charset=iso-8859-1", body));
        CharsetDetector.Detected d = CharsetDetector.detect(null, body, body.length);
        assertEquals(3, d.bomLength());
    }

    @Test
    void theHeaderThenAMetaTagNameTheCharset() {
        byte[] gbk = CHINESE.getBytes(GBK);
        assertEquals(CHINESE, decode("text/html; charset=\"gb2312\"", gbk));
        String meta = "<meta charset=gbk>" + CHINESE;
        assertEquals(meta, decode("text/html", meta.getBytes(GBK)));
        String httpEquiv = "<meta http-equiv=Content-Type content='text/html; charset=GB2312'>" + CHINESE;
        assertEquals(httpEquiv, decode(null, httpEquiv.getBytes(GBK)));
    }

    @Test
    void anUndeclaredGbkPageIsRecognisedFromItsBytes() {
        assertEquals(CHINESE, decode("text/html", CHINESE.getBytes(GBK)));
    }

    @Test
    void anUndeclaredPageIsUtf8WhenItsBytesAreAndWindows1252WhenNothingElseFits() {
        String utf8 = "<title>naïve café — 中文</title>";
        assertEquals(utf8, decode("text/html", utf8.getBytes(StandardCharsets.UTF_8)));
        String latin = "<title>Caf\u00e9 cr\u00e8me</title>";
        assertEquals(latin, decode(null, latin.getBytes(StandardCharsets.ISO_8859_1)));
    }
}
