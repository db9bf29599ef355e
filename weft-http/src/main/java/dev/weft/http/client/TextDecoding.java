package dev.weft.http.client;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Picks the charset of a text body, in the order browsers use: a byte-order mark, the
 * {@code charset} of {@code Content-Type}, a {@code <meta>} tag or XML declaration within the
 * first 2 KiB, JSON's UTF-8, then UTF-8 if the bytes are valid UTF-8; only when all of these
 * are silent, a guess from the bytes (Mozilla's universal charset detector, as juniversalchardet:
 * GBK and GB18030, Big5, Shift_JIS, EUC-JP, EUC-KR, …, on the first {@value #SNIFF_BYTES}
 * bytes), and windows-1252 when it has none.
 * Labels are mapped as the WHATWG Encoding standard does ({@code gb2312} → GBK,
 * {@code shift_jis} → windows-31j, {@code big5} → Big5-HKSCS, {@code iso-8859-1} →
 * windows-1252). Stateless.
 */
final class TextDecoding {

    private static final Pattern META_CHARSET = Pattern.compile(
            "<meta[^>]+charset\\s*=\\s*[\"']?\\s*([A-Za-z0-9_.:\\-]+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern XML_ENCODING = Pattern.compile(
            "^<\\?xml[^>]+encoding\\s*=\\s*[\"']([A-Za-z0-9_.:\\-]+)[\"']");

    /** How much of a body the detector looks at. */
    static final int SNIFF_BYTES = 64 * 1024;

    private TextDecoding() {
    }

    /** The charset to decode {@code body} with, given the response's Content-Type (may be null). */
    static Charset detect(String contentType, byte[] body) {
        Charset bom = bom(body);
        if (bom != null) {
            return bom;
        }
        Charset declared = contentType == null ? null : forLabel(param(contentType, "charset"));
        if (declared != null) {
            return declared;
        }
        String media = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (media.isEmpty() || media.contains("html") || media.contains("xml")) {
            String head = new String(body, 0, Math.min(body.length, 2048), StandardCharsets.ISO_8859_1);
            Matcher m = XML_ENCODING.matcher(head);
            if (m.find()) {
                Charset c = forLabel(m.group(1));
                if (c != null) {
                    return c;
                }
            }
            m = META_CHARSET.matcher(head);
            if (m.find()) {
                Charset c = forLabel(m.group(1));
                if (c != null) {
                    return c;
                }
            }
        }
        if (media.endsWith("json") || validUtf8(body)) {
            return StandardCharsets.UTF_8;
        }
        Charset guessed = guess(body);
        return guessed != null ? guessed : Charset.forName("windows-1252");
    }

    /** The charset the detector finds in (the start of) {@code body}, or null. */
    private static Charset guess(byte[] body) {
        org.mozilla.universalchardet.UniversalDetector detector = new org.mozilla.universalchardet.UniversalDetector();
        detector.handleData(body, 0, Math.min(body.length, SNIFF_BYTES));
        detector.dataEnd();
        return forLabel(detector.getDetectedCharset());
    }

    /** The length of the byte-order mark at the start of {@code body} (0 if none). */
    static int bomLength(byte[] b) {
        Charset c = bom(b);
        return c == null ? 0 : c == StandardCharsets.UTF_8 ? 3 : 2;
    }

    private static Charset bom(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
            return StandardCharsets.UTF_8;
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0xFE && (b[1] & 0xff) == 0xFF) {
            return StandardCharsets.UTF_16BE;
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xFE) {
            return StandardCharsets.UTF_16LE;
        }
        return null;
    }

    /** The value of parameter {@code name} of a header like Content-Type, or null. */
    static String param(String header, String name) {
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

    /** A charset for a label as found in documents, or null if unknown. */
    static Charset forLabel(String label) {
        if (label == null || label.isBlank()) {
            return null;
        }
        String l = label.trim().toLowerCase(Locale.ROOT);
        String name = switch (l) {
            case "gb2312", "gbk", "x-gbk", "chinese", "csgb2312", "gb_2312-80", "iso-ir-58" -> "GBK";
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

    private static boolean validUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
