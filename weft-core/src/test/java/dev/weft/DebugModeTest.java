package dev.weft;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.testing.WeftLogs;
import java.lang.System.Logger.Level;
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
        try (WeftLogs logs = WeftLogs.capture()) {
            Weft.run(loop, () -> {
                Weft.spawn("worker", () -> 1).await();
                return null;
            });
            assertTrue(Debug.slowStepReports() - before >= 2, "main and worker steps reported");
            logs.await(Level.WARNING, "(slow-callback threshold 0 ms)");
        }
    }

    @Test
    void withoutDebugModeNothingIsReported() {
        EventLoop loop = EventLoop.create();
        loop.setDebug(false);
        loop.setSlowCallbackDuration(Duration.ZERO);
        long before = Debug.slowStepReports();
        try (WeftLogs logs = WeftLogs.capture()) {
            Weft.run(loop, () -> 1);
            assertEquals(before, Debug.slowStepReports());
            assertTrue(logs.entries().stream().noneMatch(e -> e.logger().equals("dev.weft.debug")), logs.entries().toString());
        }
    }

    @Test
    void theWatchdogNamesATaskThatHoldsTheLoopWhileItIsStillStuck() throws Exception {
        EventLoop loop = EventLoop.create();
        loop.setDebug(true);
        loop.setSlowCallbackDuration(Duration.ofMillis(20));
        long before = Debug.stuckReports();
        try (WeftLogs logs = WeftLogs.capture()) {
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
            WeftLogs.Entry report = logs.await(Level.WARNING, "task 'spinner' has held");
            assertTrue(report.message().contains("and is still running"), report.message());
            assertTrue(report.error().getStackTrace().length > 0, "with the task's stack");
        }
    }

    @Test
    void anExceptionNobodyRetrievedIsReported() throws Exception {
        long before = Debug.unretrievedReports();
        try (WeftLogs logs = WeftLogs.capture()) {
            Weft.run(() -> {
                Task<Void> t = Weft.spawn("lost-task", () -> { throw new IllegalStateException("lost"); });
                Weft.wait(java.util.List.of(t)); // waits without looking at the outcome
                return null;
            });
            for (int i = 0; i < 200 && Debug.unretrievedReports() == before; i++) {
                System.gc();
                Thread.sleep(10); // give the Cleaner thread a turn; bounded, not a timing assertion
            }
            assertTrue(Debug.unretrievedReports() > before);
            WeftLogs.Entry report = logs.await(Level.ERROR, "Task 'lost-task' exception was never retrieved");
            assertEquals("lost", report.error().getMessage());
        }
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
        try (WeftLogs logs = WeftLogs.capture()) {
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
            WeftLogs.Entry report = logs.await(Level.WARNING, "Task 'pinner' blocked for");
            assertTrue(report.message().contains("SlowToInitialise.<clinit>"), "with the stack: " + report.message());
        }
    }
}
