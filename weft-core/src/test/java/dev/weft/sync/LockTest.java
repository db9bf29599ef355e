package dev.weft.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CancelledException;
import dev.weft.InvalidStateException;
import dev.weft.LoopGroup;
import dev.weft.Task;
import dev.weft.TaskFailedException;
import dev.weft.Weft;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LockTest {

    @Test
    void aFreeLockIsTakenAtOnceAndReleased() {
        Weft.run(() -> {
            Lock lock = new Lock();
            assertFalse(lock.isLocked());
            lock.acquire();
            assertTrue(lock.isLocked());
            lock.release();
            assertFalse(lock.isLocked());
        });
    }

    @Test
    void tryAcquireSucceedsOnlyOnAFreeLock() {
        Lock lock = new Lock();
        assertTrue(lock.tryAcquire());
        assertFalse(lock.tryAcquire());
        lock.release();
        assertTrue(lock.tryAcquire());
    }

    @Test
    void releasingAnUnlockedLockSaysSo() {
        Lock lock = new Lock();
        InvalidStateException e = assertThrows(InvalidStateException.class, lock::release);
        assertEquals("release() of a Lock that is not locked", e.getMessage());
    }

    @Test
    void anyTaskMayReleaseTheLockLikeInAsyncio() {
        Weft.run(() -> {
            Lock lock = new Lock();
            lock.acquire();
            Weft.spawn(lock::release).await();
            assertFalse(lock.isLocked());
        });
    }

    @Test
    void waitersGetTheLockInArrivalOrder() {
        List<Integer> order = Weft.run(() -> {
            Lock lock = new Lock();
            List<Integer> got = new ArrayList<>();
            lock.acquire();
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int n = i;
                tasks.add(Weft.spawn(() -> {
                    try (var _ = lock.lock()) {
                        got.add(n);
                        Weft.yieldNow();
                    }
                }));
                Weft.yieldNow(); // task n is now waiting in line
            }
            lock.release();
            Weft.gather(tasks);
            return got;
        });
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), order);
    }

    @Test
    void aReleasedLockGoesToTheWaiterNotToALaterArrival() {
        Weft.run(() -> {
            Lock lock = new Lock();
            List<String> log = new ArrayList<>();
            lock.acquire();
            Task<Void> waiter = Weft.spawn(() -> {
                lock.acquire();
                log.add("waiter");
                lock.release();
            });
            Weft.yieldNow();
            lock.release();
            // The lock was handed to the waiter, which has not run yet: nobody can barge in.
            assertTrue(lock.isLocked());
            assertFalse(lock.tryAcquire());
            Task<Void> late = Weft.spawn(() -> {
                lock.acquire();
                log.add("late");
                lock.release();
            });
            Weft.gather(waiter, late);
            assertEquals(List.of("waiter", "late"), log);
            assertFalse(lock.isLocked());
        });
    }

    @Test
    void acquireIsACancellationPointEvenWhenTheLockIsFree() {
        Weft.run(() -> {
            Lock lock = new Lock();
            Task.current().cancel("stop");
            CancelledException e = assertThrows(CancelledException.class, lock::acquire);
            assertEquals("stop", e.getMessage());
            assertFalse(lock.isLocked(), "a cancelled acquire must not take the lock");
            Task.current().uncancel();
        });
    }

    @Test
    void aWaiterCancelledWhileWaitingLeavesTheLineAndTheLockStillWorks() {
        Weft.run(() -> {
            Lock lock = new Lock();
            lock.acquire();
            Task<Void> cancelled = Weft.spawn(() -> lock.acquire());
            List<String> log = new ArrayList<>();
            Task<Void> next = Weft.spawn(() -> {
                try (var _ = lock.lock()) {
                    log.add("next");
                }
            });
            Weft.yieldNow();
            cancelled.cancel();
            Weft.yieldNow(); // the cancelled waiter withdraws
            assertTrue(cancelled.isCancelled());
            lock.release();
            next.await();
            assertEquals(List.of("next"), log);
            assertFalse(lock.isLocked());
            assertTrue(lock.tryAcquire());
        });
    }

    @Test
    void aWaiterCancelledInTheStepItIsHandedTheLockIsCancelledAtAcquireAndTheLockGoesToTheNext() {
        Weft.run(() -> {
            for (boolean cancelFirst : new boolean[] {false, true}) {
                Lock lock = new Lock();
                lock.acquire();
                List<String> log = new ArrayList<>();
                Task<Void> waiter = Weft.spawn(() -> {
                    try (var _ = lock.lock()) {
                        log.add("cancelled waiter got the lock");
                    }
                });
                Task<Void> next = Weft.spawn(() -> {
                    try (var _ = lock.lock()) {
                        log.add("next got the lock");
                    }
                });
                Weft.yieldNow();
                // Release and cancel in the same loop step, in both orders: the cancellation is
                // delivered at acquire(), and the lock passes to the next waiter exactly once.
                if (cancelFirst) {
                    waiter.cancel();
                    lock.release();
                } else {
                    lock.release();
                    waiter.cancel();
                }
                Weft.gatherReturningExceptions(waiter, next);
                assertTrue(waiter.isCancelled());
                assertEquals(List.of("next got the lock"), log, "cancelFirst=" + cancelFirst);
                assertFalse(lock.isLocked(), "the lock was lost");
                assertTrue(lock.tryAcquire());
            }
        });
    }

    @Test
    void withLockReturnsTheBodysResultAndReleasesOnFailure() {
        Weft.run(() -> {
            Lock lock = new Lock();
            assertEquals(42, lock.withLock(() -> 42));
            assertFalse(lock.isLocked());
            assertThrows(IllegalArgumentException.class, () -> lock.withLock(() -> {
                throw new IllegalArgumentException("boom");
            }));
            assertFalse(lock.isLocked());
            TaskFailedException wrapped = assertThrows(TaskFailedException.class, () -> lock.withLock(() -> {
                throw new IOException("io");
            }));
            assertInstanceOf(IOException.class, wrapped.getCause());
            assertFalse(lock.isLocked());
        });
    }

    @Test
    void closingAHeldLockTwiceReleasesItOnce() {
        Weft.run(() -> {
            Lock lock = new Lock();
            Lock.Held held = lock.lock();
            held.close();
            assertTrue(lock.tryAcquire()); // someone else holds it now
            held.close();
            assertTrue(lock.isLocked(), "the second close must not release the other holder's lock");
        });
    }

    @Test
    void tasksOfTwoLoopsAndPlainThreadsExcludeEachOther() throws Exception {
        Lock lock = new Lock();
        int[] counter = {0};
        int[] inside = {0};
        boolean[] overlap = {false};
        int perWorker = 2_000;
        Runnable critical = () -> {
            if (++inside[0] != 1) {
                overlap[0] = true;
            }
            counter[0]++;
            inside[0]--;
        };
        try (LoopGroup group = new LoopGroup(2)) {
            List<Task<Void>> tasks = new ArrayList<>();
            for (int l = 0; l < 2; l++) {
                for (int t = 0; t < 4; t++) {
                    tasks.add(group.loop(l).spawn(() -> {
                        for (int i = 0; i < perWorker; i++) {
                            try (var _ = lock.lock()) {
                                critical.run();
                                if (i % 7 == 0) {
                                    Weft.yieldNow();
                                }
                            }
                        }
                    }));
                }
            }
            CountDownLatch threadsDone = new CountDownLatch(2);
            for (int p = 0; p < 2; p++) {
                Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perWorker; i++) {
                        lock.acquire();
                        try {
                            critical.run();
                        } finally {
                            lock.release();
                        }
                    }
                    threadsDone.countDown();
                });
            }
            for (Task<Void> t : tasks) {
                t.await();
            }
            assertTrue(threadsDone.await(60, TimeUnit.SECONDS));
        }
        assertFalse(overlap[0], "two holders were inside the lock at once");
        // Awaiting the tasks and the latch orders their writes before this read.
        assertEquals(10 * perWorker, counter[0]);
        assertFalse(lock.isLocked());
    }
}
