package dev.weft;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DebugModeTest {

    @Test
    void debugModeReportsEveryStepAtLeastAsSlowAsTheThreshold() {
        EventLoop loop = EventLoop.create();
        loop.setDebug(true);
        loop.setSlowCallbackDuration(Duration.ZERO); // every step is "slow": deterministic
        long before = Debug.slowStepReports();
        Weft.run(loop, () -> {
            Weft.spawn("worker", () -> 1).await();
            return null;
        });
        assertTrue(Debug.slowStepReports() - before >= 2, "main and worker steps reported");
    }

    @Test
    void withoutDebugModeNothingIsReported() {
        EventLoop loop = EventLoop.create();
        loop.setDebug(false);
        loop.setSlowCallbackDuration(Duration.ZERO);
        long before = Debug.slowStepReports();
        Weft.run(loop, () -> 1);
        assertEquals(before, Debug.slowStepReports());
    }

    @Test
    void theWatchdogNamesATaskThatHoldsTheLoopWhileItIsStillStuck() throws Exception {
        EventLoop loop = EventLoop.create();
        loop.setDebug(true);
        loop.setSlowCallbackDuration(Duration.ofMillis(20));
        long before = Debug.stuckReports();
        Weft.run(loop, () -> {
            Weft.spawn("spinner", () -> {
                // Holds the loop (never yields) until the watchdog has reported it.
                while (Debug.stuckReports() == before) {
                    Thread.onSpinWait();
                }
            }).await();
            return null;
        });
        assertTrue(Debug.stuckReports() > before);
    }

    @Test
    void anExceptionNobodyRetrievedIsReported() throws Exception {
        long before = Debug.unretrievedReports();
        Weft.run(() -> {
            Task<Void> t = Weft.spawn(() -> { throw new IllegalStateException("lost"); });
            Weft.wait(java.util.List.of(t)); // waits without looking at the outcome
            return null;
        });
        for (int i = 0; i < 200 && Debug.unretrievedReports() == before; i++) {
            System.gc();
            Thread.sleep(10); // give the Cleaner thread a turn; bounded, not a timing assertion
        }
        assertTrue(Debug.unretrievedReports() > before);
    }

    static final class SlowToInitialise {
        static final int VALUE;

        static {
            try {
                Thread.sleep(100); // blocks while pinned: class initialisers pin the carrier
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
            VALUE = 1;
        }

        private SlowToInitialise() {
        }
    }

    @Test
    void aTaskThatBlocksWhilePinnedIsReported() throws Exception {
        EventLoop loop = EventLoop.create();
        loop.setDebug(true);
        long before = Debug.pinnedReports();
        Weft.run(loop, () -> Weft.spawn("pinner", () -> SlowToInitialise.VALUE).await());
        // JFR delivers events in batches (about once a second): wait for the report.
        CountDownLatch reported = new CountDownLatch(1);
        Thread waiter = Thread.ofPlatform().start(() -> {
            while (Debug.pinnedReports() == before) {
                Thread.onSpinWait();
            }
            reported.countDown();
        });
        boolean ok = reported.await(30, TimeUnit.SECONDS);
        waiter.interrupt();
        assertTrue(ok, "pinned blocking was reported");
    }
}
