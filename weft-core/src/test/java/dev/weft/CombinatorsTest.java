package dev.weft;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.testing.WeftTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

@WeftTest
class CombinatorsTest {

    private static Coroutine<Integer> after(double seconds, int value) {
        return () -> {
            Weft.sleep(seconds);
            return value;
        };
    }

    @Test
    void gatherReturnsResultsInTheOrderGivenNotTheOrderFinished() {
        Task<Integer> slow = Weft.spawn(after(3, 3));
        Task<Integer> fast = Weft.spawn(after(1, 1));
        Task<Integer> mid = Weft.spawn(after(2, 2));
        assertEquals(List.of(3, 1, 2), Weft.gather(slow, fast, mid));
    }

    @Test
    void gatherOfBodiesRunsThemConcurrently() {
        EventLoop loop = EventLoop.running();
        double start = loop.time();
        List<Integer> r = Weft.gather(after(1, 1), after(2, 2), after(3, 3));
        assertEquals(List.of(1, 2, 3), r);
        assertEquals(3.0, loop.time() - start, 1e-6, "concurrent: the longest, not the sum");
    }

    @Test
    void gatherReturningExceptionsGivesTheSeedsThreeOutcomes() {
        // seed 001: [1, ZeroDivisionError('division by zero'), CancelledError()]
        Task<Integer> t1 = Weft.spawn(after(1, 1));
        Task<Integer> t2 = Weft.spawn(() -> { Weft.sleep(2); return 2 / zero(); });
        Task<Integer> t3 = Weft.spawn(after(3, 3));
        Weft.sleep(2);
        t3.cancel();
        List<Object> res = Weft.gatherReturningExceptions(t1, t2, t3);
        assertEquals(1, res.get(0));
        assertInstanceOf(ArithmeticException.class, res.get(1));
        assertInstanceOf(CancelledException.class, res.get(2));
        assertEquals("[1, java.lang.ArithmeticException: / by zero, dev.weft.CancelledException]", res.toString());
    }

    private static int zero() {
        return 0;
    }

    @Test
    void aFailureInGatherCancelsTheOthersWaitsForThemAndIsThrown() {
        List<String> log = new CopyOnWriteArrayList<>();
        Task<Integer> ok = Weft.spawn(() -> {
            try {
                Weft.sleep(10);
                return 1;
            } finally {
                log.add("ok finished");
            }
        });
        Task<Integer> bad = Weft.spawn(() -> { Weft.sleep(1); throw new IllegalStateException("bad"); });
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Weft.gather(ok, bad));
        assertEquals("bad", e.getMessage());
        assertTrue(ok.isCancelled());
        assertEquals(List.of("ok finished"), log, "the others have finished when gather throws");
    }

    @Test
    void gatherCanLeaveTheOthersRunning() {
        Task<Integer> ok = Weft.spawn(after(10, 1));
        Task<Integer> bad = Weft.spawn(() -> { Weft.sleep(1); throw new IllegalStateException("bad"); });
        assertThrows(IllegalStateException.class, () -> Weft.gather(OnFailure.LEAVE_OTHERS_RUNNING, List.of(ok, bad)));
        assertFalse(ok.isDone());
        assertEquals(1, ok.await());
    }

    @Test
    void cancellingTheTaskThatGathersCancelsEveryChild() {
        Task<Integer> a = Weft.spawn(after(10, 1));
        Task<Integer> b = Weft.spawn(after(20, 2));
        Task<List<Integer>> gatherer = Weft.spawn(() -> Weft.gather(a, b));
        Weft.sleep(1);
        gatherer.cancel();
        assertThrows(CancelledException.class, gatherer::await);
        assertTrue(a.isCancelled());
        assertTrue(b.isCancelled());
    }

    @Test
    void waitFirstCompletedReturnsAsSoonAsOneIsDone() {
        Task<Integer> a = Weft.spawn(after(1, 1));
        Task<Integer> b = Weft.spawn(after(5, 2));
        WaitResult<Task<Integer>> r = Weft.wait(List.of(a, b), ReturnWhen.FIRST_COMPLETED, null);
        assertEquals(List.of(a), new ArrayList<>(r.done()));
        assertEquals(List.of(b), new ArrayList<>(r.pending()));
        assertFalse(b.isCancelled(), "wait cancels nothing");
    }

    @Test
    void waitFirstExceptionReturnsOnTheFirstFailure() {
        Task<Integer> a = Weft.spawn(after(1, 1));
        Task<Integer> bad = Weft.spawn(() -> { Weft.sleep(2); throw new IllegalStateException(); });
        Task<Integer> c = Weft.spawn(after(5, 3));
        WaitResult<Task<Integer>> r = Weft.wait(List.of(a, bad, c), ReturnWhen.FIRST_EXCEPTION, null);
        assertEquals(List.of(a, bad), new ArrayList<>(r.done()));
        assertEquals(List.of(c), new ArrayList<>(r.pending()));
        assertInstanceOf(IllegalStateException.class, bad.exception());
    }

    @Test
    void waitWithATimeoutReturnsThePendingOnesUntouched() {
        Task<Integer> a = Weft.spawn(after(1, 1));
        Task<Integer> b = Weft.spawn(after(50, 2));
        WaitResult<Task<Integer>> r = Weft.wait(List.of(a, b), ReturnWhen.ALL_COMPLETED, Duration.ofSeconds(10));
        assertEquals(1, r.done().size());
        assertEquals(1, r.pending().size());
        assertFalse(b.isDone());
        b.cancel();
    }

    @Test
    void waitForTimesOutCancelsTheInnerTaskAndWaitsForItToFinish() {
        // seed 002: wait_for(eternity(), timeout=1.0) prints 'timeout!'
        List<String> log = new CopyOnWriteArrayList<>();
        Task<String> eternity = Weft.spawn(() -> {
            try {
                Weft.sleep(3600);
                return "yay!";
            } finally {
                log.add("eternity cleaned up");
            }
        });
        double start = EventLoop.running().time();
        assertThrows(TimeoutException.class, () -> Weft.waitFor(Duration.ofSeconds(1), eternity));
        assertEquals(1.0, EventLoop.running().time() - start, 1e-6);
        assertTrue(eternity.isCancelled());
        assertEquals(List.of("eternity cleaned up"), log);
    }

    @Test
    void waitForReturnsTheValueWhenInTime() {
        assertEquals(7, Weft.waitFor(Duration.ofSeconds(2), Weft.spawn(after(1, 7))));
        assertEquals(8, Weft.waitFor(Duration.ofSeconds(2), after(1, 8)));
    }

    @Test
    void asCompletedYieldsFuturesInTheOrderTheyFinish() {
        Task<Integer> c = Weft.spawn(after(3, 3));
        Task<Integer> a = Weft.spawn(after(1, 1));
        Task<Integer> b = Weft.spawn(after(2, 2));
        List<Integer> order = new ArrayList<>();
        for (Task<Integer> t : Weft.asCompleted(List.of(c, a, b))) {
            order.add(t.await());
        }
        assertEquals(List.of(1, 2, 3), order);
    }

    @Test
    void shieldKeepsTheInnerWorkRunningWhenTheWaiterTimesOut() {
        Task<Integer> precious = Weft.spawn(after(5, 42));
        assertThrows(TimeoutException.class, () -> Weft.waitFor(Duration.ofSeconds(1), Weft.shield(precious)));
        assertFalse(precious.isCancelled());
        assertEquals(42, precious.await());
    }

    @Test
    void sleepZeroLetsEveryOtherReadyTaskRunOnce() {
        List<String> log = new CopyOnWriteArrayList<>();
        Weft.spawn(() -> { log.add("a"); });
        Weft.spawn(() -> { log.add("b"); });
        log.add("before");
        Weft.sleep(Duration.ZERO);
        log.add("after");
        assertEquals(List.of("before", "a", "b", "after"), log);
    }

    @Test
    void everyWaitIsACancellationPointEvenWhenItNeedNotWait() {
        Task<?> me = Weft.currentTask();
        Future<Integer> done = Future.completed(1);
        me.cancel("now");
        assertThrows(CancelledException.class, done::await);
        assertEquals(1, done.await(), "delivered once");
        me.uncancel();
    }

    @Test
    void waitForTheFirstExceptionDoesNotTakeACancellationForOne() {
        // asyncio's _wait: FIRST_EXCEPTION fires on "not f.cancelled() and f.exception() is not None"
        Task<Integer> a = Weft.spawn(after(1, 1));
        Task<Integer> b = Weft.spawn(after(5, 2));
        Task<Integer> c = Weft.spawn(() -> { Weft.sleep(8); throw new IllegalStateException("c"); });
        Task<Integer> d = Weft.spawn(after(10, 4));
        Weft.spawn(() -> { Weft.sleep(2); b.cancel(); });
        double start = EventLoop.running().time();
        WaitResult<Task<Integer>> r = Weft.wait(List.of(a, b, c, d), ReturnWhen.FIRST_EXCEPTION, null);
        assertEquals(8.0, EventLoop.running().time() - start, 1e-6, "returns at c's failure, not at b's cancellation");
        assertEquals(java.util.Set.of(a, b, c), r.done());
        assertEquals(java.util.Set.of(d), r.pending());
        d.cancel();
    }

    @Test
    void waitForCancelledFromOutsideCancelsTheInnerTaskAndWaitsForItEvenPastTheTimeLimit() {
        // asyncio's wait_for does not let the caller's CancelledError out before the awaited
        // task has finished; Weft's timed wait gave up at the time limit, the inner task still
        // cleaning up.
        List<String> log = new CopyOnWriteArrayList<>();
        Task<Integer> inner = Weft.spawn(() -> {
            try {
                Weft.sleep(10);
                return 1;
            } catch (CancelledException e) {
                Weft.sleep(5);
                log.add("inner finished");
                throw e;
            }
        });
        Task<Integer> caller = Weft.spawn(() -> {
            try {
                return Weft.waitFor(java.time.Duration.ofSeconds(2), inner);
            } catch (CancelledException e) {
                log.add("caller cancelled");
                throw e;
            }
        });
        Weft.sleep(1);
        caller.cancel();
        assertThrows(CancelledException.class, caller::await);
        assertEquals(List.of("inner finished", "caller cancelled"), log);
        assertTrue(inner.isCancelled());

        Task<Integer> notStarted = Weft.spawn(after(10, 1));
        Task<Integer> cancelledOnEntry = Weft.spawn(() -> {
            Task.current().cancel();
            return Weft.waitFor(java.time.Duration.ofSeconds(2), notStarted);
        });
        assertThrows(CancelledException.class, cancelledOnEntry::await);
        assertTrue(notStarted.isCancelled(), "a cancel pending on entry passes to the future as well");
    }
}
