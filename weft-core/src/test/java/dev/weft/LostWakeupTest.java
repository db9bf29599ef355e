package dev.weft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testing.WeftLogs;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 9 §2: wake-ups and results that used to be lost at the edges of a loop's life. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LostWakeupTest {

    @Test
    void aCallbackSentFromAnotherThreadAlwaysWakesASleepingLoop() throws Exception {
        // Producers on more threads than cores race the loop's select cycle (so some are
        // preempted between seeing the loop select and claiming the wake-up), the loop's busy
        // passes poll with selectNow (a channel is registered), then all producers stop and
        // one last callback must still wake the idle loop. It used to sleep on with the
        // callback in its inbox once a stale claim outlived the wake-up it stood for.
        java.nio.channels.Pipe pipe = java.nio.channels.Pipe.open();
        try (LoopGroup group = new LoopGroup(1)) {
            EventLoop loop = group.loop(0);
            pipe.source().configureBlocking(false);
            loop.addReader(pipe.source(), () -> { });
            java.util.concurrent.atomic.AtomicLong ran = new java.util.concurrent.atomic.AtomicLong();
            int producers = 4;
            for (int round = 0; round < 300; round++) {
                CountDownLatch done = new CountDownLatch(producers);
                for (int p = 0; p < producers; p++) {
                    Thread.ofPlatform().start(() -> {
                        for (int i = 0; i < 200; i++) {
                            loop.callSoonThreadsafe(ran::incrementAndGet);
                        }
                        done.countDown();
                    });
                }
                assertTrue(done.await(30, TimeUnit.SECONDS));
                CountDownLatch last = new CountDownLatch(1);
                loop.callSoonThreadsafe(last::countDown);
                assertTrue(last.await(30, TimeUnit.SECONDS), "round " + round + ": the loop slept with a callback in its inbox");
            }
            loop.removeReader(pipe.source());
        } finally {
            pipe.source().close();
            pipe.sink().close();
        }
    }

    @Test
    void aFutureOfAClosedLoopStillWakesEveryWaiterAndSetResultDoesNotThrow() throws Exception {
        EventLoop closed = EventLoop.create();
        Future<Integer> f = new Future<>(closed);
        List<Throwable> unhandled = new CopyOnWriteArrayList<>();
        closed.setExceptionHandler((what, t) -> unhandled.add(t));
        f.addDoneCallback(x -> { });      // queued on the loop, first in line
        closed.close();
        try (LoopGroup other = new LoopGroup(1)) {
            CountDownLatch waiting = new CountDownLatch(1);
            Task<Integer> onOtherLoop = other.loop(0).spawn(() -> {
                waiting.countDown();
                return f.await();
            });
            AtomicReference<Object> plain = new AtomicReference<>();
            Thread plainWaiter = Thread.ofPlatform().start(() -> plain.set(f.await()));
            waiting.await();
            while (plainWaiter.getState() != Thread.State.WAITING || onOtherLoop.thread().getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            f.setResult(7);                 // must not throw: the value is set
            assertEquals(7, onOtherLoop.await());
            plainWaiter.join();
            assertEquals(7, plain.get());
        }
        assertEquals(1, unhandled.size(), "the callback that cannot run is reported: " + unhandled);
    }

    @Test
    void closingALoopWithAnUnfinishedTaskReleasesWhoeverAwaitsIt() {
        EventLoop loop = EventLoop.create();
        Future<Integer> never = new Future<>((EventLoop) null);
        Task<Integer> stuck = loop.spawn("stuck", () -> never.await());
        loop.runUntilComplete(loop.spawn(() -> { Weft.yieldNow(); return null; }));
        assertFalse(stuck.isDone());
        try (WeftLogs logs = WeftLogs.capture()) {
            loop.close();
            logs.await(Level.WARNING, "closed with 1 unfinished task(s)");
        }
        assertTrue(stuck.isDone(), "the unfinished task of a closed loop must not be pending forever");
        assertInstanceOf(CancelledException.class, assertThrows(CancelledException.class, stuck::await));
        never.setResult(1); // wakes the abandoned task's thread: its closed loop must not make this throw
    }

    @Test
    void anExceptionReadTheInstantTheFutureFailsIsNeverReportedAsUnretrieved() throws Exception {
        // A reader that sees the failure at once and reads it races the completing thread's
        // bookkeeping; the exception was retrieved, so no report may stay armed.
        int rounds = 20_000;
        AtomicReference<Future<Void>> current = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < rounds; i++) {
                Future<Void> f;
                while ((f = current.get()) == null) {
                    Thread.onSpinWait();
                }
                while (!f.isDone()) {
                    Thread.onSpinWait();
                }
                f.exception();
                current.set(null);
            }
        });
        IllegalStateException boom = new IllegalStateException("boom");
        int armed = 0;
        for (int i = 0; i < rounds; i++) {
            Future<Void> f = new Future<>((EventLoop) null);
            current.set(f);
            f.setException(boom);
            while (current.get() != null) {
                Thread.onSpinWait();
            }
            if (f.unretrievedReportArmed()) {
                armed++;
            }
        }
        reader.join();
        assertEquals(0, armed, "exceptions that were read but would be reported as never retrieved");
    }

    @Test
    void aLoopStoppedBeforeTheMainTaskFinishedIsReportedByRun() {
        List<String> log = new CopyOnWriteArrayList<>();
        InvalidStateException e = assertThrows(InvalidStateException.class, () -> Weft.run(() -> {
            try {
                EventLoop.running().stop();
                Weft.sleep(Duration.ofSeconds(30));
            } finally {
                log.add("main's finally ran");
            }
        }));
        assertTrue(e.getMessage().contains("stopped before"), e.getMessage());
        assertEquals(List.of("main's finally ran"), log);
    }

    @Test
    void aSelectorFailureUnderTheMainTaskIsWhatRunThrows() {
        // Runner.run used to drop a RuntimeException of runUntilComplete: the caller saw "result
        // is not set yet" instead of the selector's failure. The selector is made to fail for real
        // (closed under the running loop: its next select throws ClosedSelectorException).
        RuntimeException e = assertThrows(RuntimeException.class, () -> Weft.run(() -> {
            EventLoop loop = EventLoop.running();
            java.lang.reflect.Field io = EventLoop.class.getDeclaredField("io");
            io.setAccessible(true);
            ((IoRegistry) io.get(loop)).close();
            Weft.sleep(Duration.ofSeconds(30)); // the loop selects, and the selector fails
        }));
        assertInstanceOf(java.nio.channels.ClosedSelectorException.class, e, "the selector's own failure: " + e);
    }

    @Test
    void closingALoopGroupCancelsItsLiveTasksAndRunsTheirFinallyBlocks() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        CountDownLatch started = new CountDownLatch(4);
        List<Task<Void>> tasks = new CopyOnWriteArrayList<>();
        try (LoopGroup group = new LoopGroup(2)) {
            for (int i = 0; i < 4; i++) {
                int n = i;
                tasks.add(group.spawn("worker-" + n, () -> {
                    try {
                        started.countDown();
                        Weft.sleep(Duration.ofHours(1));
                    } finally {
                        log.add("finally " + n);
                    }
                    return null;
                }));
            }
            assertTrue(started.await(30, TimeUnit.SECONDS));
        }
        assertEquals(4, log.size(), "every task's finally block ran: " + log);
        for (Task<Void> t : tasks) {
            assertTrue(t.isCancelled(), t.toString());
        }
    }

    @Test
    void closingALoopGroupGivesUpOnATaskThatIgnoresItsCancellationOnceTheGraceHasPassed() throws Exception {
        // The deadline of LoopGroup.close: a task that swallows its cancellation and waits on
        // must not hold close() for ever (an hour here); after the grace it is abandoned, and
        // its awaiters are released (EventLoop.close ends it cancelled).
        List<String> log = new CopyOnWriteArrayList<>();
        CountDownLatch started = new CountDownLatch(1);
        LoopGroup group = new LoopGroup(1);
        Task<Void> stubborn = group.spawn("stubborn", () -> {
            started.countDown();
            for (int i = 0; i < 3; i++) {
                try {
                    Weft.sleep(Duration.ofHours(1));
                } catch (CancelledException e) {
                    log.add("swallowed " + e.getMessage());
                }
            }
        });
        assertTrue(started.await(30, TimeUnit.SECONDS));
        try (WeftLogs logs = WeftLogs.capture()) {
            group.close(Duration.ofMillis(200));
            logs.await(Level.WARNING, "unfinished task");
        }
        assertEquals(List.of("swallowed loop group is closing"), log, "cancelled once, and it swallowed it");
        assertTrue(stubborn.isDone(), "an abandoned task must not stay pending: " + stubborn);
        assertThrows(CancelledException.class, stubborn::await);
    }
}
