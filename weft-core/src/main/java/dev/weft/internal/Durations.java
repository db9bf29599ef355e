package dev.weft.internal;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Durations written the way people write them, for messages: {@code 500 ms}, {@code 2 s},
 * {@code 1.5 s}, {@code 1 min 30 s}, {@code 2 h}, instead of {@link Duration#toString()}'s
 * ISO-8601 {@code PT0.5S}.
 *
 * <p>Below a second the unit is the largest of ns, µs and ms that keeps a whole number in front
 * of the point ({@code 250 µs}, {@code 1.5 ms}); from one second to a minute, seconds with up to
 * three decimals ({@code 2.345 s}); from a minute on, whole units joined ({@code 1 h 5 min},
 * {@code 2 min 0.5 s}), leaving out the ones that are zero. A negative duration gets a minus
 * sign. Stateless and thread-safe.
 */
public final class Durations {

    private static final long NANOS_PER_MICRO = 1_000L;
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private Durations() {
    }

    /**
     * Formats {@code d} for a message.
     *
     * @param d the duration; null gives {@code "null"}
     * @return the duration in words, e.g. {@code "500 ms"}
     */
    public static String format(Duration d) {
        if (d == null) {
            return "null";
        }
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        long seconds = d.getSeconds();
        int nanos = d.getNano();
        if (seconds == 0) {
            if (nanos == 0) {
                return "0 s";
            }
            if (nanos < NANOS_PER_MICRO) {
                return nanos + " ns";
            }
            if (nanos < NANOS_PER_MILLI) {
                return decimal(nanos, 3) + " µs";
            }
            return decimal(nanos, 6) + " ms";
        }
        if (seconds < 60) {
            return seconds(seconds, nanos);
        }
        long hours = seconds / 3600;
        long minutes = seconds % 3600 / 60;
        long secs = seconds % 60;
        StringBuilder out = new StringBuilder();
        if (hours > 0) {
            out.append(hours).append(" h");
        }
        if (minutes > 0) {
            out.append(out.isEmpty() ? "" : " ").append(minutes).append(" min");
        }
        if (secs > 0 || nanos > 0) {
            out.append(out.isEmpty() ? "" : " ").append(seconds(secs, nanos));
        }
        return out.toString();
    }

    /**
     * Formats a number of milliseconds for a message, as {@link #format(Duration)} does.
     *
     * @param millis the duration in milliseconds
     * @return the duration in words, e.g. {@code "1.5 s"}
     */
    public static String millis(long millis) {
        return format(Duration.ofMillis(millis));
    }

    /**
     * Formats a number of nanoseconds for a message, as {@link #format(Duration)} does.
     *
     * @param nanos the duration in nanoseconds
     * @return the duration in words, e.g. {@code "250 µs"}
     */
    public static String nanos(long nanos) {
        return format(Duration.ofNanos(nanos));
    }

    /** {@code seconds.nanos s}, at most three decimals (a millisecond), trailing zeros dropped. */
    private static String seconds(long seconds, int nanos) {
        long millis = Math.round(nanos / (double) NANOS_PER_MILLI);
        if (millis == 1000) { // 1.9996 s rounds up to 2 s
            return (seconds + 1) + " s";
        }
        if (millis == 0) {
            return seconds + " s";
        }
        return BigDecimal.valueOf(seconds * 1000 + millis, 3).stripTrailingZeros().toPlainString() + " s";
    }

    /** {@code value / 10^scale}, with at most three decimals, trailing zeros dropped. */
    private static String decimal(long value, int scale) {
        BigDecimal v = BigDecimal.valueOf(value, scale).setScale(3, java.math.RoundingMode.HALF_UP);
        return v.stripTrailingZeros().toPlainString();
    }
}
