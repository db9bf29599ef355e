package dev.weft.crawler.politeness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2026-01-31T12:00:00Z");

    @Test
    void secondsAndHttpDatesAreRead() {
        assertEquals(Duration.ofSeconds(120), RetryAfter.parse("120", NOW));
        assertEquals(Duration.ofSeconds(90), RetryAfter.parse("Sat, 31 Jan 2026 12:01:30 GMT", NOW));
        assertEquals(Duration.ZERO, RetryAfter.parse("Sat, 31 Jan 2026 11:00:00 GMT", NOW), "a date in the past");
    }

    @Test
    void garbageIsIgnored() {
        assertNull(RetryAfter.parse(null, NOW));
        assertNull(RetryAfter.parse("soon", NOW));
        assertNull(RetryAfter.parse("-5", NOW));
    }

    /**
     * A number of seconds too large for a long (20 digits and more) asks for longer than any
     * wait: it was read as no value at all, and the page was retried at once.
     */
    @Test
    void aNumberTooLargeToHoldIsTheLongestWaitOfAll() {
        assertEquals(RetryAfter.FOREVER, RetryAfter.parse("99999999999999999999", NOW));
        assertEquals(RetryAfter.FOREVER, RetryAfter.parse(" 99999999999999999999999 ", NOW));
        assertEquals(Duration.ofSeconds(Long.MAX_VALUE), RetryAfter.parse("9223372036854775807", NOW),
                "the largest that fits is read as it is");
        assertEquals(Duration.ofSeconds(120), RetryAfter.parse("0000000000000000000000120", NOW),
                "leading zeros are not size");
    }
}
