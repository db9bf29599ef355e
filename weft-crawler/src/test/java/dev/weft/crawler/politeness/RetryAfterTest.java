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
        assertNull(RetryAfter.parse("99999999999999999999999", NOW));
    }
}
