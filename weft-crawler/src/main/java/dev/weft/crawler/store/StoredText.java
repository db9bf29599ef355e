package dev.weft.crawler.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Text from the web made fit for every store, so that no page can fail a commit (and with it
 * the crawl, on every resume): cut to a length each engine's column holds (MariaDB's
 * {@code VARCHAR(255)} and 64 KiB {@code TEXT}), on a character boundary and marked with an
 * ellipsis; and without the NUL character, which PostgreSQL refuses in {@code TEXT} and
 * {@code JSONB} (it becomes U+FFFD, as an HTML parser does). A lone surrogate becomes U+FFFD too.
 * Stateless.
 */
public final class StoredText {

    /** The longest title kept, in characters (a title cut is marked with an ellipsis). */
    public static final int MAX_TITLE = 4_096;
    /** The longest {@code Content-Type} kept (MariaDB's {@code VARCHAR(255)}). */
    public static final int MAX_CONTENT_TYPE = 255;
    /** The longest error message kept. */
    public static final int MAX_ERROR = 4_096;
    /** The longest URL kept in {@code final_url}, {@code referrer} and {@code canonical}. */
    public static final int MAX_URL = 8_192;
    /** The longest value of one extracted field kept. */
    public static final int MAX_FIELD = 65_536;

    private static final char REPLACEMENT = '\uFFFD';
    private static final char ELLIPSIS = '\u2026';

    private StoredText() {
    }

    /**
     * Text cut to at most {@code max} characters (the last one an ellipsis when cut, never half a
     * surrogate pair), with NUL and lone surrogates replaced by U+FFFD.
     *
     * @param s   the text, or null
     * @param max the most characters kept, at least 1
     * @return the text fit to store, or null for null; {@code s} itself when it was fit already
     */
    public static String bounded(String s, int max) {
        if (s == null) {
            return null;
        }
        int n = s.length();
        boolean fit = n <= max;
        for (int i = 0; fit && i < n; i++) {
            char c = s.charAt(i);
            if (c == 0 || Character.isSurrogate(c)) {
                fit = false;
            }
        }
        if (fit) {
            return s;
        }
        int keep = Math.min(n, max);
        boolean cut = keep < n;
        if (cut) {
            keep = max - 1; // room for the ellipsis
        }
        StringBuilder out = new StringBuilder(keep + 1);
        for (int i = 0; i < keep; i++) {
            char c = s.charAt(i);
            if (c == 0) {
                out.append(REPLACEMENT);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                if (i + 1 < keep) {
                    out.append(c).append(s.charAt(i + 1));
                }
                i++; // a pair that does not fit whole is left out whole
            } else if (Character.isSurrogate(c)) {
                out.append(REPLACEMENT);
            } else {
                out.append(c);
            }
        }
        if (cut) {
            out.append(ELLIPSIS);
        }
        return out.toString();
    }

    /**
     * Extracted fields with every name and value {@link #bounded}.
     *
     * @param fields the fields, or null
     * @return the same map when every entry was fit already, else a bounded copy in the same order
     */
    public static Map<String, String> bounded(Map<String, String> fields) {
        if (fields == null || fields.isEmpty()) {
            return fields;
        }
        boolean fit = true;
        for (Map.Entry<String, String> e : fields.entrySet()) {
            if (bounded(e.getKey(), MAX_FIELD) != e.getKey() || bounded(e.getValue(), MAX_FIELD) != e.getValue()) {
                fit = false;
                break;
            }
        }
        if (fit) {
            return fields;
        }
        Map<String, String> out = new LinkedHashMap<>();
        fields.forEach((k, v) -> out.put(bounded(k, MAX_FIELD), bounded(v, MAX_FIELD)));
        return out;
    }

    /**
     * JSON text without the escaped NUL (a backslash, {@code u0000}) that PostgreSQL's
     * {@code JSONB} refuses: it becomes the escape of U+FFFD. An escaped backslash followed by
     * {@code u0000} is text, and is left alone.
     *
     * @param json JSON text
     * @return the same text when it held no escaped NUL
     */
    public static String jsonWithoutNul(String json) {
        int at = json.indexOf("\\u0000");
        if (at < 0) {
            return json;
        }
        StringBuilder out = new StringBuilder(json.length());
        int n = json.length();
        int i = 0;
        while (i < n) {
            char c = json.charAt(i);
            if (c != '\\' || i + 1 >= n) {
                out.append(c);
                i++;
            } else if (json.charAt(i + 1) != 'u') {
                out.append(json, i, i + 2); // an escape of two characters, \\ included
                i += 2;
            } else {
                int end = Math.min(n, i + 6);
                out.append(json.startsWith("u0000", i + 1) ? "\\uFFFD" : json.substring(i, end));
                i = end;
            }
        }
        return out.toString();
    }
}
