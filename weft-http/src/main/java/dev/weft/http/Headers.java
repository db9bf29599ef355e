package dev.weft.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * HTTP header fields: an ordered multimap whose names compare case-insensitively (aiohttp's
 * {@code CIMultiDict}). Names keep the spelling they were added with.
 *
 * <pre>{@code
 * Headers h = new Headers().add("Accept", "text/html").add("accept", "application/json");
 * h.get("ACCEPT");        // "text/html"
 * h.getAll("Accept");     // [text/html, application/json]
 * }</pre>
 *
 * <p>Names must be RFC 9110 tokens and values may hold no control character but HTAB (no CR,
 * LF, NUL, ESC or DEL): a header can never smuggle a second header or a body, nor a terminal
 * escape into a log. Anything else throws {@link IllegalArgumentException} naming the header and
 * the character. Not thread-safe.
 */
public final class Headers implements Iterable<Map.Entry<String, String>> {

    /** Names and values, interleaved: name0, value0, name1, value1… */
    private final ArrayList<String> fields;

    /** Empty headers. */
    public Headers() {
        fields = new ArrayList<>(16);
    }

    private Headers(ArrayList<String> fields) {
        this.fields = fields;
    }

    /**
     * Headers from name/value pairs: {@code Headers.of("Accept", "*&#47;*", "X-Id", "7")}.
     *
     * @param namesAndValues the names and values
     * @return the headers
     */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        Headers h = new Headers();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            h.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return h;
    }

    /** {@return a copy that can be changed independently} */
    public Headers copy() {
        return new Headers(new ArrayList<>(fields));
    }

    /**
     * Appends a field (another value for a name that is already there is kept beside it).
     *
     * @param name the name
     * @param value the value
     * @return this headers
     */
    public Headers add(String name, String value) {
        checkName(name);
        checkValue(name, value);
        fields.add(name);
        fields.add(value);
        return this;
    }

    /**
     * Replaces every value of {@code name} by {@code value}.
     *
     * @param name the name
     * @param value the value
     * @return this headers
     */
    public Headers set(String name, String value) {
        checkName(name);
        checkValue(name, value);
        int at = indexOf(name, 0);
        if (at < 0) {
            fields.add(name);
            fields.add(value);
            return this;
        }
        fields.set(at + 1, value);
        int next;
        while ((next = indexOf(name, at + 2)) >= 0) {
            fields.remove(next);
            fields.remove(next);
        }
        return this;
    }

    /**
     * Sets {@code name} only if it is absent.
     *
     * @param name the name
     * @param value the value
     * @return this headers
     */
    public Headers setIfAbsent(String name, String value) {
        if (!contains(name)) {
            add(name, value);
        }
        return this;
    }

    /**
     * Removes every value of {@code name}; returns true if there was one.
     *
     * @param name the name
     * @return true if there was one
     */
    public boolean remove(String name) {
        boolean any = false;
        int at;
        while ((at = indexOf(name, 0)) >= 0) {
            fields.remove(at);
            fields.remove(at);
            any = true;
        }
        return any;
    }

    /**
     * The first value of {@code name}, or null.
     *
     * @param name the name
     * @return the first value of {@code name}, or null
     */
    public String get(String name) {
        int at = indexOf(name, 0);
        return at < 0 ? null : fields.get(at + 1);
    }

    /**
     * Every value of {@code name}, in order (empty if none).
     *
     * @param name the name
     * @return every value of the field, in order (empty if none)
     */
    public List<String> getAll(String name) {
        List<String> out = null;
        for (int i = 0; i < fields.size(); i += 2) {
            if (fields.get(i).equalsIgnoreCase(name)) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(fields.get(i + 1));
            }
        }
        return out == null ? List.of() : Collections.unmodifiableList(out);
    }

    /**
     * True if {@code name} has a value.
     *
     * @param name the name
     * @return true if {@code name} has a value
     */
    public boolean contains(String name) {
        return indexOf(name, 0) >= 0;
    }

    /**
     * True if a comma-separated value of {@code name} equals {@code token} ignoring case, e.g.
     * {@code hasToken("Connection", "close")}.
     *
     * @param name the name
     * @param token the token
     * @return true if a comma-separated value of {@code name} equals {@code token} ignoring case, e.g
     */
    public boolean hasToken(String name, String token) {
        for (int i = 0; i < fields.size(); i += 2) {
            if (fields.get(i).equalsIgnoreCase(name)) {
                for (String part : fields.get(i + 1).split(",")) {
                    if (part.trim().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** {@return the distinct names, in first-seen order, lower-cased} */
    public Set<String> names() {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < fields.size(); i += 2) {
            out.add(fields.get(i).toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /** {@return the number of fields (a name with two values counts twice)} */
    public int size() {
        return fields.size() / 2;
    }

    /** {@return true if there is no field} */
    public boolean isEmpty() {
        return fields.isEmpty();
    }

    /**
     * The name of field {@code i}.
     *
     * @param i the index
     * @return the name of field {@code i}
     */
    public String name(int i) {
        return fields.get(2 * i);
    }

    /**
     * The value of field {@code i}.
     *
     * @param i the index
     * @return the value of field {@code i}
     */
    public String value(int i) {
        return fields.get(2 * i + 1);
    }

    private int indexOf(String name, int from) {
        for (int i = from; i < fields.size(); i += 2) {
            if (fields.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < fields.size();
            }

            @Override
            public Map.Entry<String, String> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Map.Entry<String, String> e = Map.entry(fields.get(i), fields.get(i + 1));
                i += 2;
                return e;
            }
        };
    }

    /**
     * True if {@code name} is a valid RFC 9110 token.
     *
     * @param name the name
     * @return true if {@code name} is a valid RFC 9110 token
     */
    public static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * A URL sent in a header ({@code Location}, {@code Content-Location}) with its raw bytes
     * 0x80-0xFF percent-encoded as those bytes, as browsers read it. Header values are read as
     * ISO-8859-1, one character per byte, so a raw UTF-8 {@code é} arrives as the two characters
     * {@code Ã©}; encoded again as UTF-8 they became {@code %C3%83%C2%A9}, a URL the server
     * never named. Here they become {@code %C3%A9}, the bytes the server sent (and a byte that
     * is not UTF-8, such as 0xFF, stays {@code %FF}). Other characters are left as they are.
     *
     * @param value a header value as read
     * @return the value with its bytes 0x80-0xFF percent-encoded; {@code value} itself if it has none
     */
    public static String urlFromBytes(String value) {
        int i = 0;
        int n = value.length();
        while (i < n && value.charAt(i) < 0x80) {
            i++;
        }
        if (i == n) {
            return value;
        }
        java.util.HexFormat hex = java.util.HexFormat.of().withUpperCase();
        StringBuilder out = new StringBuilder(n + 16).append(value, 0, i);
        for (; i < n; i++) {
            char c = value.charAt(i);
            if (c >= 0x80 && c <= 0xFF) {
                out.append('%').append(hex.toHexDigits((byte) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** RFC 9110 tchar, by US-ASCII code. */
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (int c = 0; c < 128; c++) {
            TCHAR[c] = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
    }

    /**
     * True if {@code c} may appear in an RFC 9110 token (a header name, a method, a chunk
     * extension name).
     *
     * @param c a character code
     * @return whether it is a {@code tchar}
     */
    public static boolean isTokenChar(int c) {
        return c >= 0 && c < 128 && TCHAR[c];
    }

    private static void checkName(String name) {
        if (!isToken(name)) {
            throw new IllegalArgumentException("invalid header name: \"" + name + "\"");
        }
    }

    /** RFC 9110 field-value: visible characters, SP and HTAB (and obs-text); no other control character. */
    private static void checkValue(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                throw new IllegalArgumentException("invalid character " + describe(c) + " at index " + i
                        + " in the value of header " + name + ": a header value may hold no control character"
                        + " but HTAB (RFC 9110 section 5.5)");
            }
        }
    }

    private static String describe(char c) {
        String code = String.format("U+%04X", (int) c);
        return switch (c) {
            case '\r' -> code + " (CR)";
            case '\n' -> code + " (LF)";
            case 0 -> code + " (NUL)";
            case 0x7f -> code + " (DEL)";
            default -> code;
        };
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.size(); i += 2) {
            sb.append(fields.get(i)).append(": ").append(fields.get(i + 1)).append('\n');
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Headers h && h.fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }
}
