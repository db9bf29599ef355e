package dev.weft.crawler.politeness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ThrottleTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    @Test
    void aSlowDownHalvesConcurrencyAndDoublesTheDelayOncePerHoldOff() {
        Throttle t = new Throttle(100 * MS, 8);
        assertTrue(t.onSlowDown(10 * S));
        assertEquals(4, t.limit());
        assertEquals(250 * MS, t.delayNanos(), "at least 250 ms");
        assertFalse(t.onSlowDown(10 * S + 500 * MS), "a burst of failures counts once");
        assertTrue(t.onSlowDown(12 * S));
        assertEquals(2, t.limit());
        assertEquals(500 * MS, t.delayNanos());
        for (int i = 0; i < 10; i++) {
            t.onSlowDown((20 + 70 * i) * S);
        }
        assertEquals(1, t.limit());
        assertEquals(Throttle.MAX_BACKOFF_NANOS, t.delayNanos());
    }

    @Test
    void successesBringTheSpeedBackAdditivelyDownToTheFloor() {
        Throttle t = new Throttle(100 * MS, 4);
        t.onSlowDown(0);
        assertEquals(2, t.limit());
        t.onSuccess(10 * MS, S);
        assertEquals(200 * MS, t.delayNanos());
        t.onSuccess(10 * MS, S);
        assertEquals(3, t.limit(), "one more in flight per round of `limit` successes");
        for (int i = 0; i < 20; i++) {
            t.onSuccess(10 * MS, 2 * S);
        }
        assertEquals(4, t.limit(), "never above the configured limit");
        assertEquals(100 * MS, t.delayNanos(), "never below the floor");
    }

    @Test
    void crawlDelayRaisesTheFloor() {
        Throttle t = new Throttle(100 * MS, 2);
        t.raiseFloor(2 * S);
        assertEquals(2 * S, t.delayNanos());
        for (int i = 0; i < 10; i++) {
            t.onSuccess(10 * MS, i * S);
        }
        assertEquals(2 * S, t.delayNanos());
        t.raiseFloor(S);
        assertEquals(2 * S, t.floorNanos(), "a smaller Crawl-delay does not lower it");
    }

    @Test
    void latencyRisingFarAboveItsBestSlowsTheHostDown() {
        Throttle t = new Throttle(0, 4);
        for (int i = 0; i < 5; i++) {
            t.onSuccess(20 * MS, i * S);
        }
        assertEquals(0, t.slowDowns());
        for (int i = 0; i < 10; i++) {
            t.onSuccess(3 * S, (10 + i * 5) * S);
        }
        assertTrue(t.slowDowns() >= 1);
        assertTrue(t.limit() < 4);
    }

    @Test
    void answersToRequestsSentBeforeASlowDownDoNotSlowTheHostDownAgain() {
        Throttle t = new Throttle(0, 10);
        for (int i = 0; i < 5; i++) {
            t.onSuccess(200 * MS, i * S);
        }
        // A burst: ten requests sent together at 10 s, answered slowly, one after another.
        for (int i = 0; i < 10; i++) {
            t.onSuccess(2 * S + i * 300 * MS, 12 * S + i * 300 * MS);
        }
        assertEquals(1, t.slowDowns(), "one burst, one slow-down");
        assertEquals(250 * MS, t.delayNanos());
        // At the new pace the host answers in 200 ms again: it speeds back up, it is not slowed again.
        for (int i = 0; i < 5; i++) {
            t.onSuccess(200 * MS, 16 * S + i * S);
        }
        assertEquals(1, t.slowDowns());
        assertEquals(0, t.delayNanos(), "back to the floor");
    }

    @Test
    void aHostThatStaysSlowAtTheNewPaceIsSlowedDownAgain() {
        Throttle t = new Throttle(0, 10);
        for (int i = 0; i < 5; i++) {
            t.onSuccess(200 * MS, i * S);
        }
        t.onSuccess(3 * S, 10 * S);
        assertEquals(1, t.slowDowns());
        t.onSuccess(3 * S, 14 * S); // sent at 11 s, after the slow-down
        assertEquals(2, t.slowDowns());
        assertEquals(500 * MS, t.delayNanos());
    }
}
