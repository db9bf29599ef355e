package dev.weft.http.server;

/**
 * Reads a {@code Range} request header (RFC 9110 section 14.2) against the length of a
 * representation and decides what to send. Only the {@code bytes} unit is known. A single range,
 * {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n}, selects a part (206) when it overlaps
 * the content, and is unsatisfiable (416) when it does not. Several ranges are answered with the
 * whole representation (200), as the RFC allows: no {@code multipart/byteranges}, so many small
 * or overlapping ranges cannot multiply the work. A header that does not parse, another unit, or
 * an empty representation: the header is ignored (200).
 */
final class ByteRanges {

    /** What to send. */
    enum Kind {
        /** The whole representation (200): no usable range. */
        WHOLE,
        /** The bytes {@code first..last} (206). */
        PART,
        /** Nothing: the range does not overlap the content (416). */
        UNSATISFIABLE
    }

    /** The decision; {@code first} and {@code last} (inclusive) only for {@link Kind#PART}. */
    record Selection(Kind kind, long first, long last) {

        static final Selection WHOLE = new Selection(Kind.WHOLE, 0, -1);
        static final Selection UNSATISFIABLE = new Selection(Kind.UNSATISFIABLE, 0, -1);

        /** The number of bytes of a part. */
        long length() {
            return last - first + 1;
        }
    }

    private ByteRanges() {
    }

    /** Decides what to send for {@code header} (a {@code Range} value) over {@code size} bytes. */
    static Selection select(String header, long size) {
        int eq = header.indexOf('=');
        if (eq < 0 || !header.substring(0, eq).trim().equalsIgnoreCase("bytes") || size == 0) {
            return Selection.WHOLE;
        }
        Selection found = null;
        for (String spec : header.substring(eq + 1).split(",", -1)) {
            String s = spec.strip();
            if (s.isEmpty()) {
                continue; // empty list elements are allowed (RFC 9110 section 5.6.1)
            }
            if (found != null) {
                return Selection.WHOLE; // several ranges: send everything
            }
            found = one(s, size);
            if (found == null) {
                return Selection.WHOLE; // malformed
            }
        }
        return found == null ? Selection.WHOLE : found;
    }

    /** One range spec; null if malformed. */
    private static Selection one(String s, long size) {
        int dash = s.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String a = s.substring(0, dash);
        String b = s.substring(dash + 1);
        if (a.isEmpty()) { // suffix: the last n bytes
            long n = digits(b);
            if (n < 0) {
                return null;
            }
            return n == 0 ? Selection.UNSATISFIABLE : new Selection(Kind.PART, Math.max(0, size - n), size - 1);
        }
        long first = digits(a);
        long last = b.isEmpty() ? Long.MAX_VALUE : digits(b);
        if (first < 0 || last < 0 || last < first) {
            return null;
        }
        if (first >= size) {
            return Selection.UNSATISFIABLE;
        }
        return new Selection(Kind.PART, first, Math.min(last, size - 1));
    }

    /** A run of decimal digits; saturates at {@code Long.MAX_VALUE}; -1 if empty or not digits. */
    private static long digits(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : v * 10 + (c - '0');
        }
        return v;
    }
}
