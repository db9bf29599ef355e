package dev.weft.crawler.politeness;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads a {@code Retry-After} header (RFC 9110 section 10.2.3): a number of seconds, or an
 * HTTP-date. Stateless.
 */
public final class RetryAfter {

    /**
     * What a number of seconds too large to hold in a {@code long} (20 digits and more) asks for:
     * longer than any wait. {@link Duration#toNanos()} overflows on it: compare it, never add it.
     */
    public static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE);

    private RetryAfter() {
    }

    /**
     * How long a {@code Retry-After} value asks to wait.
     *
     * @param value the header value, or null
     * @param now   the current wall-clock time (for an HTTP-date)
     * @return the wait (zero for a date in the past; {@link #FOREVER} for a number too large to
     *         hold), or null if there is no usable value
     */
    public static Duration parse(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        if (v.chars().allMatch(Character::isDigit)) {
            try {
                return Duration.ofSeconds(Long.parseLong(v));
            } catch (NumberFormatException e) {
                return FOREVER; // too many digits: longer than anyone can wait, not "no value"
            }
        }
        try {
            Instant when = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return when.isAfter(now) ? Duration.between(now, when) : Duration.ZERO;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
