package dev.weft.crawler.parse;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mozilla.universalchardet.UniversalDetector;

/**
 * Finds the charset of a fetched page the way browsers do (WHATWG Encoding and HTML's
 * "prescan"): a byte-order mark first, then the {@code charset} of {@code Content-Type}, then a
 * {@code <meta charset>} or {@code <meta http-equiv=Content-Type content="…; charset=…">} (or an
 * XML declaration) within the first 4 KiB, then UTF-8 if the bytes are valid UTF-8; a page
 * that declares nothing and is not UTF-8 is guessed from its bytes by Mozilla's universal
 * charset detector (juniversalchardet, as browsers guess: an undeclared GBK page comes out as
 * GBK's superset GB18030), and windows-1252 when it cannot tell. Labels map as WHATWG says: {@code gb2312}, {@code gbk} and {@code x-gbk} are
 * GBK, {@code iso-8859-1} and {@code ascii} are windows-1252, {@code shift_jis} is windows-31j.
 * Stateless.
 */
public final class CharsetDetector {

    private static final int PRESCAN = 4096;
    private static final int GUESS = 64 * 1024;
    private static final Pattern META_CHARSET = Pattern.compile(
            "<meta[^>]+charset\\s*=\\s*[\"']?\\s*([A-Za-z0-9_.:\\-]+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern XML_ENCODING = Pattern.compile(
            "^\\s*<\\?xml[^>]+encoding\\s*=\\s*[\"']([A-Za-z0-9_.:\\-]+)[\"']");

    private CharsetDetector() {
    }

    /**
     * A charset and how many bytes of byte-order mark precede the text.
     *
     * @param charset   the charset
     * @param bomLength the byte-order mark's length (0 if none)
     */
    public record Detected(Charset charset, int bomLength) {
    }

    /**
     * The charset of a body.
     *
     * @param contentType the {@code Content-Type} header, or null
     * @param body        the body (possibly truncated)
     * @param length      how many bytes of {@code body} are valid
     * @return the charset, and the length of a byte-order mark to skip
     */
    public static Detected detect(String contentType, byte[] body, int length) {
        if (length >= 3 && (body[0] & 0xff) == 0xEF && (body[1] & 0xff) == 0xBB && (body[2] & 0xff) == 0xBF) {
            return new Detected(StandardCharsets.UTF_8, 3);
        }
        if (length >= 2 && (body[0] & 0xff) == 0xFE && (body[1] & 0xff) == 0xFF) {
            return new Detected(StandardCharsets.UTF_16BE, 2);
        }
        if (length >= 2 && (body[0] & 0xff) == 0xFF && (body[1] & 0xff) == 0xFE) {
            return new Detected(StandardCharsets.UTF_16LE, 2);
        }
        Charset declared = contentType == null ? null : forLabel(param(contentType, "charset"));
        if (declared != null) {
            return new Detected(declared, 0);
        }
        String head = new String(body, 0, Math.min(length, PRESCAN), StandardCharsets.ISO_8859_1);
        Matcher m = XML_ENCODING.matcher(head);
        if (m.find() && forLabel(m.group(1)) != null) {
            return new Detected(forLabel(m.group(1)), 0);
        }
        m = META_CHARSET.matcher(head);
        while (m.find()) {
            Charset c = forLabel(m.group(1));
            if (c != null) {
                // A page that says UTF-16 in a meta tag was decodable as ASCII: WHATWG says UTF-8.
                return new Detected(c.name().startsWith("UTF-16") ? StandardCharsets.UTF_8 : c, 0);
            }
        }
        if (validUtf8(body, length)) {
            return new Detected(StandardCharsets.UTF_8, 0);
        }
        Charset guessed = guess(body, length);
        return new Detected(guessed != null ? guessed : Charset.forName("windows-1252"), 0);
    }

    /** What the bytes look like (the first {@value #GUESS} of them), or null if unsure. */
    private static Charset guess(byte[] body, int length) {
        UniversalDetector d = new UniversalDetector();
        d.handleData(body, 0, Math.min(length, GUESS));
        d.dataEnd();
        Charset c = forLabel(d.getDetectedCharset());
        return c == null || c.name().startsWith("UTF-16") || c.name().startsWith("UTF-32") ? null : c;
    }

    /**
     * The value of a parameter of a header like {@code Content-Type}.
     *
     * @param header the header value
     * @param name   the parameter name, any case
     * @return its value without quotes, or null
     */
    public static String param(String header, String name) {
        String[] parts = header.split(";");
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase(name)) {
                String v = p.substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return v;
            }
        }
        return null;
    }

    /**
     * The charset for a label found in a document, as WHATWG maps labels.
     *
     * @param label a label such as {@code gb2312}
     * @return the charset, or null if unknown
     */
    public static Charset forLabel(String label) {
        if (label == null || label.isBlank()) {
            return null;
        }
        String l = label.trim().toLowerCase(Locale.ROOT);
        String name = switch (l) {
            case "gb2312", "gbk", "x-gbk", "chinese", "csgb2312", "gb_2312-80", "iso-ir-58", "gb_2312", "cp936" -> "GBK";
            case "gb18030" -> "GB18030";
            case "big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5" -> "Big5-HKSCS";
            case "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j", "ms932" ->
                "windows-31j";
            case "euc-jp", "x-euc-jp" -> "EUC-JP";
            case "euc-kr", "ks_c_5601-1987", "korean" -> "x-windows-949";
            case "iso-8859-1", "latin1", "l1", "ascii", "us-ascii", "iso8859-1", "windows-1252", "cp1252" ->
                "windows-1252";
            case "utf8", "unicode-1-1-utf-8" -> "UTF-8";
            default -> l;
        };
        try {
            return Charset.forName(name);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean validUtf8(byte[] body, int length) {
        // A truncated body may end inside a character: judge all but its last three bytes.
        int n = Math.max(0, length - 3);
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body, 0, n));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
