package dev.weft.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Durations in messages read as people write them, never as ISO-8601 ({@code PT0.5S}). */
class DurationsTest {

    private static String f(Duration d) {
        return Durations.format(d);
    }

    @Test
    void belowASecondInTheLargestUnitThatKeepsAWholeNumber() {
        assertEquals("0 s", f(Duration.ZERO));
        assertEquals("1 ns", f(Duration.ofNanos(1)));
        assertEquals("999 ns", f(Duration.ofNanos(999)));
        assertEquals("1 µs", f(Duration.ofNanos(1_000)));
        assertEquals("250 µs", f(Duration.ofNanos(250_000)));
        assertEquals("1.5 µs", f(Duration.ofNanos(1_500)));
        assertEquals("1 ms", f(Duration.ofMillis(1)));
        assertEquals("1.5 ms", f(Duration.ofNanos(1_500_000)));
        assertEquals("500 ms", f(Duration.ofMillis(500)));
        assertEquals("999 ms", f(Duration.ofMillis(999)));
        assertEquals("12.346 ms", f(Duration.ofNanos(12_345_678)));
    }

    @Test
    void secondsWithUpToThreeDecimals() {
        assertEquals("1 s", f(Duration.ofSeconds(1)));
        assertEquals("1.5 s", f(Duration.ofMillis(1_500)));
        assertEquals("2.345 s", f(Duration.ofMillis(2_345)));
        assertEquals("2 s", f(Duration.ofNanos(1_999_900_000L)));
        assertEquals("30 s", f(Duration.ofSeconds(30)));
        assertEquals("59.999 s", f(Duration.ofMillis(59_999)));
    }

    @Test
    void fromAMinuteOnWholeUnitsJoinedWithoutTheZeroOnes() {
        assertEquals("1 min", f(Duration.ofMinutes(1)));
        assertEquals("1 min 30 s", f(Duration.ofSeconds(90)));
        assertEquals("2 min 0.5 s", f(Duration.ofMillis(120_500)));
        assertEquals("1 h", f(Duration.ofHours(1)));
        assertEquals("1 h 5 s", f(Duration.ofSeconds(3_605)));
        assertEquals("1 h 30 min", f(Duration.ofMinutes(90)));
        assertEquals("48 h", f(Duration.ofDays(2)));
    }

    @Test
    void negativeAndNullAndTheShortcuts() {
        assertEquals("-500 ms", f(Duration.ofMillis(-500)));
        assertEquals("-1 min 30 s", f(Duration.ofSeconds(-90)));
        assertEquals("null", f(null));
        assertEquals("1.5 s", Durations.millis(1_500));
        assertEquals("250 µs", Durations.nanos(250_000));
    }
}
