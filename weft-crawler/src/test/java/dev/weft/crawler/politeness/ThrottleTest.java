package dev.weft.crawler.politeness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

class ThrottleTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    /** Slowed down {@code times} times in a row, each after the hold-off of the one before. */
    private static Throttle slowedDown(long floor, int max, int times) {
        Throttle t = new Throttle(floor, max);
        for (int i = 0; i < times; i++) {
            assertTrue(t.onSlowDown(i * 70 * S));
        }
        return t;
    }

    /** Five answers in 200 ms: the host's best latency. */
    private static Throttle healthy(int max) {
        Throttle t = new Throttle(0, max);
        for (int i = 0; i < 5; i++) {
            t.onSuccess(200 * MS, i * S);
        }
        return t;
    }

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

    /**
     * A crawl stopped and resumed meets a host at the pace it left it: a throttle restored from
     * the saved delay, concurrency and refused pace recovers answer for answer as the one that was
     * stopped (carefully near the pace the host refused), not at full speed or quickly as a
     * throttle restored from its delay alone did.
     */
    @Test
    void aRestoredThrottleRecoversExactlyAsTheStoppedOneWould() {
        Throttle stopped = slowedDown(0, 8, 3);
        assertTrue(stopped.refusedDelayNanos() > 0);
        Throttle resumed = new Throttle(0, 8);
        resumed.restore(stopped.delayNanos(), stopped.limit(), stopped.refusedDelayNanos());
        assertEquals(stopped.delayNanos(), resumed.delayNanos());
        assertEquals(stopped.limit(), resumed.limit());
        long now = 3_600 * S;
        for (int i = 0; i < 40; i++) {
            now += S;
            stopped.onSuccess(200 * MS, now);
            resumed.onSuccess(200 * MS, now);
            assertEquals(stopped.delayNanos(), resumed.delayNanos(), "delay after answer " + i);
            assertEquals(stopped.limit(), resumed.limit(), "concurrency after answer " + i);
        }
        Throttle delayOnly = new Throttle(0, 8);
        delayOnly.restore(slowedDown(0, 8, 3).delayNanos(), 0, -1);
        assertEquals(8, delayOnly.limit(), "without a saved concurrency: the ceiling");
        delayOnly.onSuccess(200 * MS, now + S);
        Throttle careful = slowedDown(0, 8, 3);
        careful.onSuccess(200 * MS, now + S);
        assertTrue(delayOnly.delayNanos() < careful.delayNanos(), "without the refused pace it recovers faster");
    }

    @Test
    void aRestoredPaceIsKeptWithinTheFloorAndTheCeiling() {
        Throttle t = new Throttle(100 * MS, 4);
        t.restore(10 * MS, 9, -5);
        assertEquals(100 * MS, t.delayNanos());
        assertEquals(4, t.limit());
        assertEquals(-1, t.refusedDelayNanos());
    }

    @Test
    void successesBringTheSpeedBackDownToTheFloorAndUpToTheCeiling() {
        Throttle t = new Throttle(100 * MS, 4);
        t.onSlowDown(0);
        assertEquals(2, t.limit());
        assertEquals(250 * MS, t.delayNanos());
        t.onSuccess(10 * MS, S);
        assertEquals(187_500_000L, t.delayNanos(), "a quarter off, more than a doubling away from the 100 ms refused");
        t.onSuccess(10 * MS, S);
        assertEquals(137_500_000L, t.delayNanos(), "within a doubling of it: a sixteenth, but at least 50 ms");
        assertEquals(3, t.limit(), "one more in flight per round of `limit` successes");
        for (int i = 0; i < 20; i++) {
            t.onSuccess(10 * MS, 2 * S);
        }
        assertEquals(4, t.limit(), "never above the configured limit");
        assertEquals(100 * MS, t.delayNanos(), "never below the floor");
        assertTrue(t.atFullSpeed());
    }

    /**
     * The case (docs/benchmarks.md 7.2): a host slowed down several times sat at a delay
     * of seconds and earned back 50 ms per answer, one answer per delay — 644 s of this
     * simulation from 8 s (hours from 16 s or more). Now the step is proportional to the delay.
     */
    @Test
    void aHostSlowedDownSixTimesIsBackToFullSpeedWithinNinetySecondsOnceItAnswersWell() {
        Throttle t = slowedDown(0, 10, 6);
        assertEquals(8 * S, t.delayNanos());
        assertEquals(1, t.limit());
        PacedHost host = new PacedHost(t, 200 * MS, n -> false, 5 * 70 * S);
        long took = host.run(3_600 * S, true) - 5 * 70 * S;
        assertTrue(took <= 90 * S, "back to full speed after " + took / 1e9 + " s");
        // Near the pace it last struggled at (4 s), carefully: undoing that doubling took about
        // eleven answers (a sixteenth each); the rest of the way, a quarter each.
        int toFour = host.answersUntilDelayAtMost(4 * S);
        assertTrue(toFour >= 10, "from 8 s to 4 s in " + toFour + " answers");
    }

    @Test
    void aHostThatKeepsFailingStaysSlow() {
        Throttle t = new Throttle(0, 10);
        PacedHost host = new PacedHost(t, 200 * MS, n -> n % 2 == 1, 0); // every other answer a 429
        host.run(3_600 * S, false);
        assertEquals(Throttle.MAX_BACKOFF_NANOS, t.delayNanos(), "at the cap after an hour");
        assertEquals(1, t.limit());
        assertEquals(0, t.undos());
        assertTrue(host.starts.size() < 200, "requests in an hour: " + host.starts.size());
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
        assertEquals(0, t.undos(), "the answers after it were slow too");
    }

    @Test
    void answersToRequestsSentBeforeASlowDownDoNotSlowTheHostDownAgain() {
        Throttle t = healthy(10);
        // A burst: ten requests sent together at 10 s, answered slowly, one after another.
        for (int i = 0; i < 10; i++) {
            t.onSuccess(2 * S + i * 300 * MS, 12 * S + i * 300 * MS);
        }
        assertEquals(1, t.slowDowns(), "one burst, one slow-down");
        assertEquals(250 * MS, t.delayNanos());
        assertEquals(5, t.limit());
        // At the new pace the host answers in 200 ms again: the slow-down was the burst, not the
        // host, and is undone; it is not slowed again.
        for (int i = 0; i < 5; i++) {
            t.onSuccess(200 * MS, 16 * S + i * S);
        }
        assertEquals(1, t.slowDowns());
        assertEquals(1, t.undos());
        assertEquals(0, t.delayNanos(), "back to the floor");
        assertEquals(10, t.limit());
    }

    /**
     * Found by PolitenessTest's 429 crawl on a virtual clock: the fetch tasks sent together with
     * the refused request stamped their start at the nanosecond of the slow-down, and their
     * answers sped the host back up (three steps before the first request at the new pace).
     */
    @Test
    void anAnswerToARequestSentAtTheInstantOfTheSlowDownIsFromBeforeIt() {
        Throttle t = healthy(4);
        assertTrue(t.onSlowDown(10 * S));
        t.onSuccess(100 * MS, 10 * S + 100 * MS);
        assertEquals(250 * MS, t.delayNanos());
        assertEquals(2, t.limit());
    }

    @Test
    void aHostThatStaysSlowAtTheNewPaceIsSlowedDownAgain() {
        Throttle t = healthy(10);
        t.onSuccess(3 * S, 10 * S);
        assertEquals(1, t.slowDowns());
        t.onSuccess(3 * S, 14 * S); // sent at 11 s, after the slow-down
        assertEquals(2, t.slowDowns());
        assertEquals(0, t.undos());
        assertEquals(500 * MS, t.delayNanos());
    }

    @Test
    void aLatencySpikeIsUndoneWhenTheFirstAnswerAfterItComesBackAtTheUsualLatency() {
        Throttle t = healthy(10);
        t.onSuccess(2_500 * MS, 10 * S); // a spike (JIT, a loaded machine): the average jumps
        assertEquals(1, t.slowDowns());
        assertEquals(250 * MS, t.delayNanos());
        assertEquals(5, t.limit());
        t.onSuccess(2_400 * MS, 10 * S + 100 * MS); // sent before the slow-down: no verdict
        assertEquals(0, t.undos());
        t.onSuccess(350 * MS, 10 * S + 600 * MS); // sent at 10.25 s, answered within twice the best
        assertEquals(1, t.undos());
        assertEquals(0, t.delayNanos(), "the pace before the spike");
        assertEquals(10, t.limit());
        assertTrue(t.atFullSpeed());
    }

    @Test
    void aLatencySlowDownStandsWhenTheFirstAnswerAfterItIsStillSlow() {
        Throttle t = healthy(10);
        t.onSuccess(2_500 * MS, 10 * S);
        t.onSuccess(600 * MS, 10 * S + 900 * MS); // three times the best: not the usual latency
        assertEquals(0, t.undos());
        assertEquals(1, t.slowDowns());
        assertEquals(5, t.limit());
        assertTrue(t.delayNanos() > 0);
    }

    @Test
    void a429IsNeverUndoneEvenWhenTheNextAnswerIsFast() {
        Throttle t = healthy(10);
        assertTrue(t.onSlowDown(10 * S)); // a 429 (a 503, a timeout: the same call)
        t.onSuccess(200 * MS, 10 * S + 450 * MS);
        assertEquals(0, t.undos());
        assertEquals(5, t.limit());
        assertEquals(187_500_000L, t.delayNanos(), "recovering by its steps, not undone");
    }

    @Test
    void a429BeforeTheVerdictMakesALatencySlowDownStand() {
        Throttle t = healthy(10);
        t.onSuccess(2_500 * MS, 10 * S);
        assertEquals(1, t.slowDowns());
        assertFalse(t.onSlowDown(10 * S + 200 * MS), "inside the hold-off: no second slow-down");
        t.onSuccess(200 * MS, 10 * S + 600 * MS);
        assertEquals(0, t.undos(), "but the server said so");
        assertEquals(5, t.limit());
    }

    @Test
    void aSecondLatencySlowDownSoonAfterAnUndoStands() {
        Throttle t = healthy(10);
        t.onSuccess(2_500 * MS, 10 * S);
        t.onSuccess(200 * MS, 10 * S + 600 * MS);
        assertEquals(1, t.undos());
        t.onSuccess(2_500 * MS, 20 * S); // 10 s later: struggling after all
        assertEquals(2, t.slowDowns());
        t.onSuccess(200 * MS, 20 * S + 600 * MS);
        assertEquals(1, t.undos(), "at most one undo per 30 s");
        assertEquals(5, t.limit());
        for (int i = 0; i < 35; i++) {
            t.onSuccess(200 * MS, (21 + i) * S);
        }
        assertTrue(t.atFullSpeed());
        t.onSuccess(2_500 * MS, 60 * S); // 50 s after the undo: a spike may be undone again
        t.onSuccess(200 * MS, 60 * S + 600 * MS);
        assertEquals(3, t.slowDowns());
        assertEquals(2, t.undos());
    }

    @Test
    void anUndoNeverUndercutsTheFloor() {
        Throttle t = healthy(10);
        t.onSuccess(2_500 * MS, 10 * S);
        t.raiseFloor(2 * S); // robots.txt's Crawl-delay, read meanwhile
        t.onSuccess(200 * MS, 12 * S + 300 * MS);
        assertEquals(1, t.undos());
        assertEquals(2 * S, t.delayNanos());
    }

    /**
     * One host answering every request in a fixed latency, paced as the frontier paces it: a
     * request starts when fewer than {@code limit} are in flight and the delay has passed since
     * the last start (the delay as it was then, or shorter if the throttle has sped up since:
     * {@code Frontier.spedUp}); a slow-down makes the next start wait the new delay from now
     * ({@code Frontier.slowedDown}). Event by event, on plain numbers.
     */
    private static final class PacedHost {
        private final Throttle t;
        private final long latency;
        private final IntPredicate refused;
        private final PriorityQueue<long[]> inFlight = new PriorityQueue<>(Comparator.comparingLong(a -> a[0]));
        final List<Long> starts = new ArrayList<>();
        private final List<Long> delayAfterAnswer = new ArrayList<>();
        private long now;
        private long lastStart = Long.MIN_VALUE / 4;
        private long nextStart;

        /** {@code refused} says which requests (by number) are answered 429. */
        PacedHost(Throttle t, long latency, IntPredicate refused, long now) {
            this.t = t;
            this.latency = latency;
            this.refused = refused;
            this.now = now;
            this.nextStart = now + t.delayNanos();
        }

        /** Runs until the deadline, or until the throttle is at full speed; returns the time. */
        long run(long deadline, boolean untilFullSpeed) {
            while (now < deadline && !(untilFullSpeed && t.atFullSpeed())) {
                long startAt = inFlight.size() < t.limit() ? Math.max(now, nextStart) : Long.MAX_VALUE;
                long answerAt = inFlight.isEmpty() ? Long.MAX_VALUE : inFlight.peek()[0];
                if (answerAt <= startAt) {
                    long[] a = inFlight.poll();
                    now = a[0];
                    answer(a[1], (int) a[2]);
                } else {
                    now = startAt;
                    lastStart = now;
                    nextStart = now + t.delayNanos();
                    inFlight.add(new long[] {now + latency, now, starts.size()});
                    starts.add(now);
                }
            }
            return now;
        }

        private void answer(long sentAt, int n) {
            if (refused.test(n)) {
                if (t.onSlowDown(now)) {
                    nextStart = Math.max(nextStart, now + t.delayNanos());
                }
            } else {
                int slowDowns = t.slowDowns();
                long pace = t.delayNanos();
                t.onSuccess(now - sentAt, now);
                if (t.slowDowns() != slowDowns) {
                    nextStart = Math.max(nextStart, now + t.delayNanos());
                } else if (t.delayNanos() < pace) {
                    nextStart = Math.min(nextStart, lastStart + t.delayNanos());
                }
            }
            delayAfterAnswer.add(t.delayNanos());
        }

        /** How many answers it took for the delay to come down to {@code nanos}. */
        int answersUntilDelayAtMost(long nanos) {
            for (int i = 0; i < delayAfterAnswer.size(); i++) {
                if (delayAfterAnswer.get(i) <= nanos) {
                    return i + 1;
                }
            }
            return Integer.MAX_VALUE;
        }
    }
}
