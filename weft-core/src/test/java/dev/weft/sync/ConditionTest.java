package dev.weft.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CancelledException;
import dev.weft.InvalidStateException;
import dev.weft.LoopGroup;
import dev.weft.Task;
import dev.weft.Weft;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ConditionTest {

    @Test
    void awaitAndSignalNeedTheLock() {
        Condition cond = new Condition();
        InvalidStateException e = assertThrows(InvalidStateException.class, cond::await);
        assertEquals("await() on a Condition whose lock is not held: acquire it first", e.getMessage());
        assertThrows(InvalidStateException.class, cond::signal);
        assertThrows(InvalidStateException.class, cond::signalAll);
        assertThrows(InvalidStateException.class, () -> cond.awaitUntil(() -> true));
    }

    @Test
    void aConditionCanShareALock() {
        Lock lock = new Lock();
        Condition cond = new Condition(lock);
        assertSame(lock, cond.underlyingLock());
        assertTrue(lock.tryAcquire());
        assertTrue(cond.isLocked());
        cond.release();
        assertFalse(lock.isLocked());
    }

    @Test
    void signalWakesWaitersOneAtATimeInArrivalOrder() {
        List<Integer> order = Weft.run(() -> {
            Condition cond = new Condition();
            List<Integer> woke = new ArrayList<>();
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                tasks.add(Weft.spawn(() -> {
                    try (var _ = cond.lock()) {
                        cond.await();
                        assertTrue(cond.isLocked(), "await returns holding the lock");
                        woke.add(n);
                    }
                }));
            }
            Weft.yieldNow();
            for (int i = 0; i < 4; i++) {
                try (var _ = cond.lock()) {
                    assertEquals(1, cond.signal(1));
                }
                Weft.yieldNow();
                Weft.yieldNow();
                assertEquals(i + 1, woke.size(), "one signal wakes exactly one waiter");
            }
            Weft.gather(tasks);
            try (var _ = cond.lock()) {
                assertEquals(0, cond.signal(1), "nobody left to wake");
            }
            return woke;
        });
        assertEquals(List.of(0, 1, 2, 3), order);
    }

    @Test
    void signalAllAndSignalNWakeAsManyAsAsked() {
        Weft.run(() -> {
            Condition cond = new Condition();
            int[] woke = {0};
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                tasks.add(Weft.spawn(() -> {
                    try (var _ = cond.lock()) {
                        cond.await();
                        woke[0]++;
                    }
                }));
            }
            Weft.yieldNow();
            try (var _ = cond.lock()) {
                assertEquals(2, cond.signal(2));
            }
            Weft.yieldNow();
            Weft.yieldNow();
            assertEquals(2, woke[0]);
            try (var _ = cond.lock()) {
                assertEquals(3, cond.signalAll());
            }
            Weft.gather(tasks);
            assertEquals(5, woke[0]);
        });
    }

    @Test
    void awaitUntilWaitsForThePredicateToHold() {
        Weft.run(() -> {
            Condition cond = new Condition();
            ArrayDeque<String> items = new ArrayDeque<>();
            Task<String> consumer = Weft.spawn(() -> {
                try (var _ = cond.lock()) {
                    cond.awaitUntil(() -> !items.isEmpty());
                    return items.removeFirst();
                }
            });
            Weft.yieldNow();
            try (var _ = cond.lock()) {
                cond.signal(); // spurious: the predicate is still false
            }
            Weft.yieldNow();
            assertFalse(consumer.isDone());
            try (var _ = cond.lock()) {
                items.add("x");
                cond.signal();
            }
            assertEquals("x", consumer.await());
        });
    }

    @Test
    void aWaiterCancelledWhileWaitingReacquiresTheLockBeforeItThrows() {
        Weft.run(() -> {
            Condition cond = new Condition();
            List<String> log = new ArrayList<>();
            Task<Void> waiter = Weft.spawn(() -> {
                cond.acquire();
                try {
                    cond.await();
                } catch (CancelledException e) {
                    log.add("cancelled, lock held: " + cond.isLocked());
                    throw e;
                } finally {
                    cond.release();
                }
            });
            Weft.yieldNow();
            cond.acquire(); // we hold the lock while the waiter is cancelled
            waiter.cancel();
            Weft.yieldNow();
            Weft.yieldNow();
            assertFalse(waiter.isDone(), "the cancelled waiter must wait for the lock");
            cond.release();
            Weft.gatherReturningExceptions(waiter);
            assertTrue(waiter.isCancelled());
            assertEquals(List.of("cancelled, lock held: true"), log);
            assertFalse(cond.isLocked());
        });
    }

    @Test
    void aSignalHandedToAWaiterThatIsThenCancelledIsPassedOn() {
        Weft.run(() -> {
            for (boolean cancelFirst : new boolean[] {false, true}) {
                Condition cond = new Condition();
                List<String> log = new ArrayList<>();
                Task<Void> first = Weft.spawn(() -> {
                    try (var _ = cond.lock()) {
                        cond.await();
                        log.add("first");
                    }
                });
                Task<Void> second = Weft.spawn(() -> {
                    try (var _ = cond.lock()) {
                        cond.await();
                        log.add("second");
                    }
                });
                Weft.yieldNow();
                try (var _ = cond.lock()) {
                    if (cancelFirst) {
                        first.cancel();   // `first` withdraws at once...
                        cond.signal();    // ...so the signal goes to `second`
                    } else {
                        cond.signal();    // goes to `first`...
                        first.cancel();   // ...which is cancelled in the same step and passes it on
                    }
                }
                Weft.gatherReturningExceptions(first, second);
                assertTrue(first.isCancelled());
                assertEquals(List.of("second"), log, "the signal must reach the second waiter; cancelFirst=" + cancelFirst);
                assertFalse(cond.isLocked());
            }
        });
    }

    @Test
    void producersAndConsumersOnTwoLoopsHandOverEveryItem() throws Exception {
        Condition cond = new Condition();
        ArrayDeque<Integer> items = new ArrayDeque<>();
        int n = 2_000;
        long[] sum = {0};
        try (LoopGroup group = new LoopGroup(2)) {
            Task<Void> consumer = group.loop(0).spawn(() -> {
                for (int i = 0; i < n; i++) {
                    try (var _ = cond.lock()) {
                        cond.awaitUntil(() -> !items.isEmpty());
                        sum[0] += items.removeFirst();
                    }
                }
            });
            Task<Void> producer = group.loop(1).spawn(() -> {
                for (int i = 1; i <= n; i++) {
                    try (var _ = cond.lock()) {
                        items.addLast(i);
                        cond.signal();
                    }
                    if (i % 10 == 0) {
                        Weft.yieldNow();
                    }
                }
            });
            producer.await();
            consumer.await();
        }
        assertEquals((long) n * (n + 1) / 2, sum[0]);
    }

    @Test
    void awaitWithATimeoutReturnsFalseAfterTheDeadlineWithTheLockHeldAgain() {
        dev.weft.EventLoop loop = dev.weft.EventLoop.createWithVirtualClock();
        String r = dev.weft.Weft.run(loop, () -> {
            Condition cond = new Condition();
            double start = loop.time();
            cond.acquire();
            boolean signalled = cond.await(java.time.Duration.ofMinutes(5));
            assertTrue(cond.isLocked(), "the lock is held again after a timeout");
            cond.release();
            double waited = loop.time() - start;
            dev.weft.Task<Void> signaller = dev.weft.Weft.spawn(() -> {
                try (var held = cond.lock()) {
                    cond.signal();
                }
            });
            cond.acquire();
            boolean second = cond.await(java.time.Duration.ofMinutes(5));
            cond.release();
            signaller.await();
            return signalled + " " + waited + " " + second;
        });
        assertEquals("false 300.0 true", r);
    }
}
