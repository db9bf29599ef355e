package dev.weft.crawler.frontier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.crawler.politeness.Throttle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The frontier's bounded window and its refills from the store, on a small scale. */
class FrontierTest {

    private static final String HOST = "http://a.test";

    private static FrontierEntry entry(long seq) {
        return new FrontierEntry(HOST + "/p/" + seq, 1, null, seq);
    }

    private static Frontier frontier(int windowPerHost, int windowTotal) {
        return new Frontier(origin -> new Throttle(0, 64), windowPerHost, windowTotal);
    }

    @Test
    void theWindowNeverHoldsMoreThanItsBoundsAndTheRestSpillsInOrder() {
        Frontier f = frontier(3, 100);
        for (long seq = 0; seq < 10; seq++) {
            f.enqueue(entry(seq), 0);
            assertTrue(f.inMemory() <= 3, "in memory: " + f.inMemory());
        }
        HostRecord h = f.host(HOST);
        assertEquals(3, f.inMemory());
        assertEquals(7, h.spilled());
        assertEquals(10, f.queued());
        assertEquals(2, h.lastSeqInMemory());
    }

    /**
     * Found by the 1,000,000-page crawl (docs/benchmarks.md section 7.3): it ended "finished" with 9
     * URLs known that were neither stored nor crawled. A refill reads the store's committed rows;
     * URLs spilled while it is under way are not among them. When the refill came back short
     * (the store had no more), the host's spilled count was zeroed, and those URLs were forgotten
     * until a --resume.
     */
    @Test
    void urlsSpilledWhileARefillIsUnderWayAreNotForgottenWhenItComesBackShort() {
        Frontier f = frontier(2, 100);
        for (long seq = 0; seq < 4; seq++) {
            f.enqueue(entry(seq), 0); // 0, 1 in memory; 2, 3 spilled (and committed to the store)
        }
        HostRecord h = f.host(HOST);
        assertEquals(0, f.take(h, 0).entry().seq());
        assertEquals(1, f.take(h, 0).entry().seq());
        assertTrue(h.needsRefill());
        f.refillStarted(h); // the store is asked for up to 2 rows past seq 1: it has 2 and 3
        f.enqueue(entry(4), 0); // discovered meanwhile: spilled, its row not committed when the store read
        f.refilled(h, List.of(entry(2), entry(3)), 5, 0); // asked for 5, got 2: the store had no more then
        assertEquals(1, h.spilled(), "seq 4 is still on the store side");
        assertEquals(3, f.queued());
        List<Long> order = new ArrayList<>();
        for (Visit v; (v = f.take(h, 0)) != null; ) {
            order.add(v.entry().seq());
        }
        assertEquals(List.of(2L, 3L), order);
        assertTrue(h.needsRefill(), "the next refill reads seq 4");
        f.refillStarted(h);
        f.refilled(h, List.of(entry(4)), 2, 0);
        assertEquals(4, f.take(h, 0).entry().seq());
        assertNull(f.take(h, 0));
        assertFalse(h.hasWork());
        assertEquals(0, f.queued());
    }

    /**
     * A slowed host recovering: one answer comes back per gap, and each shortens the delay. The
     * next start is the new delay after the last one — not the delay in force when the last one
     * started, which made every gap one answer late.
     */
    @Test
    void aThrottleThatSpeedsUpBringsTheHostsNextStartForwardNeverBeforeTheNewDelay() {
        long s = 1_000_000_000L;
        Throttle t = new Throttle(0, 1);
        for (int i = 0; i < 6; i++) {
            t.onSlowDown(i * 70 * s);
        }
        assertEquals(8 * s, t.delayNanos());
        Frontier f = new Frontier(origin -> t, 10, 100);
        for (long seq = 0; seq < 3; seq++) {
            f.enqueue(entry(seq), 0);
        }
        HostRecord h = f.host(HOST);
        long start = 400 * s;
        assertEquals(h, f.pollReady(start));
        f.take(h, start);
        f.started(h, start);
        assertEquals(start + 8 * s, h.nextStartAt());
        long answered = start + s / 5;
        f.finished(h, answered);
        t.onSuccess(s / 5, answered);
        assertEquals(7_500_000_000L, t.delayNanos(), "a sixteenth off: 8 s is within a doubling of the 4 s it struggled at");
        f.spedUp(h, answered);
        assertEquals(start + 7_500_000_000L, h.nextStartAt());
        assertEquals(start + 7_500_000_000L, f.nextReadyAt());
        assertNull(f.pollReady(start + 7_499_999_999L), "not before the new delay");
        assertEquals(h, f.pollReady(start + 7_500_000_000L));
    }
}
