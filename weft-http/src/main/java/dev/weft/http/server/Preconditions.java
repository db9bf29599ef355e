package dev.weft.http.server;

import dev.weft.http.Headers;
import java.util.List;

/**
 * Evaluates the conditional headers of a {@code GET} or {@code HEAD} request against the
 * validators of what would be sent — its entity tag and last-modification time — in the order
 * of RFC 9110 section 13.2.2:
 *
 * <ol>
 * <li>{@code If-Match}: no current tag matches (strong comparison) → 412;</li>
 * <li>else {@code If-Unmodified-Since}: modified after that date → 412;</li>
 * <li>{@code If-None-Match}: a tag matches (weak comparison) or {@code *} → 304;</li>
 * <li>else {@code If-Modified-Since}: not modified since that date → 304;</li>
 * <li>{@code If-Range} (see {@link #ifRangeHolds}) decides whether a {@code Range} is honoured.</li>
 * </ol>
 *
 * <p>Dates that do not parse are ignored, and so are dates later than now (a client cannot have
 * got them from this server). A malformed tag list matches nothing. Stateless.
 */
final class Preconditions {

    /** The request may go on (200, or 206 with a range). */
    static final int PROCEED = 0;

    private Preconditions() {
    }

    /**
     * The status the preconditions call for.
     *
     * @param etag         the current entity tag (as sent, quoted), or null
     * @param lastModified the current last-modification time in epoch seconds, or {@link HttpDates#INVALID}
     * @param now          the current time in epoch seconds
     * @return {@link #PROCEED}, 304 or 412
     */
    static int evaluate(Headers request, String etag, long lastModified, long now) {
        String ifMatch = combined(request, "If-Match");
        if (ifMatch != null) {
            if (!matches(ifMatch, etag, true)) {
                return 412;
            }
        } else {
            long since = date(request, "If-Unmodified-Since", now);
            if (since != HttpDates.INVALID && lastModified != HttpDates.INVALID && lastModified > since) {
                return 412;
            }
        }
        String ifNoneMatch = combined(request, "If-None-Match");
        if (ifNoneMatch != null) {
            if (matches(ifNoneMatch, etag, false)) {
                return 304;
            }
        } else {
            long since = date(request, "If-Modified-Since", now);
            if (since != HttpDates.INVALID && lastModified != HttpDates.INVALID && lastModified <= since) {
                return 304;
            }
        }
        return PROCEED;
    }

    /**
     * True if a {@code Range} may be honoured under {@code ifRange} (RFC 9110 section 13.1.5):
     * an entity tag must be strong and equal to the current one; a date must equal the
     * last-modification time exactly, and that time must be at least a second old, so the file
     * cannot have changed again within the same second unnoticed. Anything else: the range is
     * ignored and the whole representation sent.
     */
    static boolean ifRangeHolds(String ifRange, String etag, long lastModified, long now) {
        String v = ifRange.strip();
        if (v.startsWith("\"") || v.startsWith("W/")) {
            return matches(v, etag, true);
        }
        long date = HttpDates.parse(v);
        return date != HttpDates.INVALID && date == lastModified && lastModified < now;
    }

    /** Every value of a list header joined with commas, or null if absent. */
    private static String combined(Headers h, String name) {
        List<String> all = h.getAll(name);
        return all.isEmpty() ? null : String.join(", ", all);
    }

    /** A date header, or INVALID if absent, unparsable, listed twice or in the future. */
    private static long date(Headers h, String name, long now) {
        List<String> all = h.getAll(name);
        if (all.size() != 1) {
            return HttpDates.INVALID;
        }
        long d = HttpDates.parse(all.get(0));
        return d > now ? HttpDates.INVALID : d;
    }

    /**
     * True if {@code list} ({@code *} or entity tags separated by commas) matches {@code current}.
     * Strong comparison: both tags strong and equal; weak comparison: equal opaque parts.
     */
    static boolean matches(String list, String current, boolean strong) {
        if (list.strip().equals("*")) {
            return true; // a current representation exists
        }
        if (current == null) {
            return false;
        }
        Tag cur = Tag.first(current, 0);
        if (cur == null) {
            return false;
        }
        int i = 0;
        int n = list.length();
        while (i < n) {
            char c = list.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') {
                i++;
                continue;
            }
            Tag t = Tag.first(list, i);
            if (t == null) {
                return false; // malformed: matches nothing
            }
            if (t.opaque.equals(cur.opaque) && (!strong || (!t.weak && !cur.weak))) {
                return true;
            }
            i = t.end;
        }
        return false;
    }

    /** An entity tag parsed from {@code s} at {@code from}: {@code [W/]"opaque"}; {@code end} is just past it. */
    private record Tag(boolean weak, String opaque, int end) {

        static Tag first(String s, int from) {
            int i = from;
            boolean weak = s.startsWith("W/", i);
            if (weak) {
                i += 2;
            }
            if (i >= s.length() || s.charAt(i) != '"') {
                return null;
            }
            int close = s.indexOf('"', i + 1);
            if (close < 0) {
                return null;
            }
            for (int k = i + 1; k < close; k++) {
                char c = s.charAt(k);
                if (c < 0x21 || c == 0x7f) {
                    return null; // etagc: visible characters (and obs-text) only
                }
            }
            return new Tag(weak, s.substring(i + 1, close), close + 1);
        }
    }
}
