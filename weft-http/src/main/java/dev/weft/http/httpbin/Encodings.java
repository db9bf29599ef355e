package dev.weft.http.httpbin;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * The pages of {@code /encoding/{charset}}: one short HTML document per charset, its text in a
 * script that charset can encode, with the charset declared where the test asks for it.
 */
final class Encodings {

    /**
     * A page.
     *
     * @param bytes       the encoded document
     * @param contentType the Content-Type header
     * @param text        the document as text
     */
    record Page(byte[] bytes, String contentType, String text) {
    }

    private static final String CHINESE_SIMPLIFIED = "你好，世界！异步编程让一个线程同时等待许多网络请求。";
    private static final String CHINESE_TRADITIONAL = "你好，世界！非同步程式設計讓一個執行緒同時等待許多網路請求。";
    private static final String JAPANESE = "こんにちは、世界！非同期プログラミングで多くの要求を同時に待ちます。";
    private static final String KOREAN = "안녕하세요, 세계! 비동기 프로그래밍.";
    private static final String LATIN = "Grüße aus Köln: café, naïve, façade, señor.";

    private static final Map<String, String> SAMPLES = Map.ofEntries(
            Map.entry("gbk", CHINESE_SIMPLIFIED), Map.entry("gb2312", CHINESE_SIMPLIFIED),
            Map.entry("gb18030", CHINESE_SIMPLIFIED), Map.entry("big5", CHINESE_TRADITIONAL),
            Map.entry("shift_jis", JAPANESE), Map.entry("euc-jp", JAPANESE), Map.entry("euc-kr", KOREAN),
            Map.entry("iso-8859-1", LATIN), Map.entry("windows-1252", LATIN));

    private Encodings() {
    }

    static String sample(String charset) {
        String cs = normalize(charset);
        String s = SAMPLES.get(cs);
        if (s != null) {
            return s;
        }
        if (cs.startsWith("utf")) {
            return CHINESE_SIMPLIFIED + " " + CHINESE_TRADITIONAL + " " + JAPANESE + " " + KOREAN + " " + LATIN;
        }
        throw new IllegalArgumentException("no sample page for charset " + charset);
    }

    private static String normalize(String charset) {
        String cs = charset.toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (cs) {
            case "utf8" -> "utf-8";
            case "shift-jis", "sjis" -> "shift_jis";
            case "latin1", "latin-1" -> "iso-8859-1";
            case "cp1252" -> "windows-1252";
            case "utf-16" -> "utf-16be";
            default -> cs;
        };
    }

    /**
     * The page for {@code charset}, declared in the {@code header} (Content-Type), a {@code meta}
     * tag only, a {@code bom} only (UTF-8/UTF-16) or {@code none} at all.
     */
    static Page page(String charset, String where) {
        String cs = normalize(charset);
        String text = sample(cs);
        Charset java = Charset.forName(cs);
        boolean meta = where.equals("meta");
        if (!where.equals("header") && !meta && !where.equals("bom") && !where.equals("none")) {
            throw new IllegalArgumentException("unknown declaration place " + where + " (header, meta, bom, none)");
        }
        if (where.equals("bom") && !cs.startsWith("utf")) {
            throw new IllegalArgumentException("a byte order mark exists only for UTF-8 and UTF-16");
        }
        String html = "<!DOCTYPE html>\n<html>\n<head>\n"
                + (meta ? "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=" + cs + "\">\n" : "")
                + "<title>" + cs + "</title>\n</head>\n<body>\n<p>" + text + "</p>\n</body>\n</html>\n";
        byte[] body = html.getBytes(java);
        if (where.equals("bom")) {
            byte[] bom = switch (cs) {
                case "utf-8" -> new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
                case "utf-16le" -> new byte[] {(byte) 0xFF, (byte) 0xFE};
                default -> new byte[] {(byte) 0xFE, (byte) 0xFF};
            };
            byte[] all = new byte[bom.length + body.length];
            System.arraycopy(bom, 0, all, 0, bom.length);
            System.arraycopy(body, 0, all, bom.length, body.length);
            body = all;
        }
        String type = where.equals("header") ? "text/html; charset=" + cs : "text/html";
        return new Page(body, type, html);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
