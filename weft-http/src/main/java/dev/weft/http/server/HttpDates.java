package dev.weft.http.server;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * HTTP dates (RFC 9110 section 5.6.7) as epoch seconds: written as IMF-fixdate
 * ({@code Sun, 06 Nov 1994 08:49:37 GMT}); read in that form and the two obsolete ones a
 * recipient must still accept, RFC 850 ({@code Sunday, 06-Nov-94 08:49:37 GMT}) and asctime
 * ({@code Sun Nov  6 08:49:37 1994}). Stateless and thread-safe.
 */
final class HttpDates {

    /** What {@link #parse} returns for a value that is not an HTTP date. */
    static final long INVALID = Long.MIN_VALUE;

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RFC_850 =
            DateTimeFormatter.ofPattern("dd-MMM-yy HH:mm:ss 'GMT'", Locale.US);
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("MMM d HH:mm:ss yyyy", Locale.US);

    private HttpDates() {
    }

    /** {@code epochSeconds} as an IMF-fixdate. */
    static String format(long epochSeconds) {
        return IMF_FIXDATE.format(Instant.ofEpochSecond(epochSeconds));
    }

    /** The epoch seconds of an HTTP date in any of the three forms, or {@link #INVALID} (also for null). */
    static long parse(String value) {
        if (value == null) {
            return INVALID;
        }
        String v = value.strip();
        try {
            int comma = v.indexOf(',');
            if (comma == 3) {
                return IMF_FIXDATE.parse(v, Instant::from).getEpochSecond();
            }
            if (comma > 3) {
                // RFC 850's two-digit year: one more than 50 years ahead is read as the past (RFC 9110)
                LocalDateTime t = LocalDateTime.parse(v.substring(comma + 1).strip(), RFC_850);
                if (t.isAfter(LocalDateTime.now(ZoneOffset.UTC).plusYears(50))) {
                    t = t.minusYears(100);
                }
                return t.toEpochSecond(ZoneOffset.UTC);
            }
            if (v.length() > 4 && v.charAt(3) == ' ') {
                return LocalDateTime.parse(v.substring(4).replaceAll(" +", " "), ASCTIME).toEpochSecond(ZoneOffset.UTC);
            }
        } catch (DateTimeParseException e) {
            return INVALID;
        }
        return INVALID;
    }
}
