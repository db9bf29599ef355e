package dev.weft.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CancelledException;
import dev.weft.InvalidStateException;
import dev.weft.LoopGroup;
import dev.weft.Task;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SemaphoreTest {

    @Test
    void permitsAreCountedDownAndUp() {
        Weft.run(() -> {
            Semaphore sem = new Semaphore(2);
            assertEquals(2, sem.available());
            sem.acquire();
            assertTrue(sem.tryAcquire());
            assertEquals(0, sem.available());
            assertTrue(sem.isLocked());
            assertFalse(sem.tryAcquire());
            sem.release();
            assertEquals(1, sem.available());
            assertFalse(sem.isLocked());
            sem.release();
            sem.release(); // a plain semaphore may go above its initial value, like asyncio's
            assertEquals(3, sem.available());
        });
    }

    @Test
    void aNegativeCountIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
        assertThrows(IllegalArgumentException.class, () -> new BoundedSemaphore(-1));
    }

    @Test
    void aBoundedSemaphoreRefusesToBeReleasedMoreOftenThanAcquired() {
        BoundedSemaphore sem = new BoundedSemaphore(2);
        assertTrue(sem.tryAcquire());
        sem.release();
        InvalidStateException e = assertThrows(InvalidStateException.class, sem::release);
        assertEquals("release() of a BoundedSemaphore that already has all its 2 permits:"
                + " released more often than acquired", e.getMessage());
        assertEquals(2, sem.available());
    }

    @Test
    void permitsGoToWaitersInArrivalOrderWithoutBarging() {
        Weft.run(() -> {
            Semaphore sem = new Semaphore(1);
            List<Integer> order = new ArrayList<>();
            sem.acquire();
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int n = i;
                tasks.add(Weft.spawn(() -> {
                    try (var _ = sem.permit()) {
                        order.add(n);
                        Weft.yieldNow();
                    }
                }));
            }
            Weft.yieldNow();
            sem.release();
            assertEquals(0, sem.available(), "the permit was handed to the first waiter");
            assertFalse(sem.tryAcquire(), "nobody overtakes a woken waiter");
            Weft.gather(tasks);
            assertEquals(List.of(0, 1, 2, 3, 4, 5), order);
            assertEquals(1, sem.available());
        });
    }

    @Test
    void aSemaphoreBoundsHowManyTasksRunAtOnce() {
        Weft.run(() -> {
            Semaphore sem = new Semaphore(3);
            int[] inside = {0};
            int[] most = {0};
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                tasks.add(Weft.spawn(() -> {
                    try (var _ = sem.permit()) {
                        most[0] = Math.max(most[0], ++inside[0]);
                        Weft.yieldNow();
                        Weft.yieldNow();
                        inside[0]--;
                    }
                }));
            }
            Weft.gather(tasks);
            assertEquals(3, most[0]);
            assertEquals(3, sem.available());
        });
    }

    @Test
    void acquireIsACancellationPointEvenWithPermitsAvailable() {
        Weft.run(() -> {
            Semaphore sem = new Semaphore(1);
            Task.current().cancel();
            assertThrows(CancelledException.class, sem::acquire);
            Task.current().uncancel();
            assertEquals(1, sem.available());
        });
    }

    @Test
    void aWaiterCancelledWhileWaitingTakesNoPermit() {
        Weft.run(() -> {
            Semaphore sem = new Semaphore(0);
            Task<Void> cancelled = Weft.spawn(() -> sem.acquire());
            Task<Void> next = Weft.spawn(() -> sem.acquire());
            Weft.yieldNow();
            cancelled.cancel();
            Weft.gatherReturningExceptions(cancelled);
            sem.release();
            next.await();
            assertEquals(0, sem.available());
            sem.release();
            assertEquals(1, sem.available());
        });
    }

    @Test
    void aWaiterCancelledInTheStepItIsHandedAPermitIsCancelledAtAcquireAndThePermitGoesToTheNext() {
        Weft.run(() -> {
            for (boolean cancelFirst : new boolean[] {false, true}) {
                BoundedSemaphore sem = new BoundedSemaphore(1);
                sem.acquire();
                List<String> log = new ArrayList<>();
                Task<Void> waiter = Weft.spawn(() -> {
                    try (var _ = sem.permit()) {
                        log.add("cancelled waiter got a permit");
                    }
                });
                Task<Void> next = Weft.spawn(() -> {
                    try (var _ = sem.permit()) {
                        log.add("next got a permit");
                    }
                });
                Weft.yieldNow();
                if (cancelFirst) {
                    waiter.cancel();
                    sem.release();
                } else {
                    sem.release();
                    waiter.cancel();
                }
                Weft.gatherReturningExceptions(waiter, next);
                assertTrue(waiter.isCancelled());
                assertEquals(List.of("next got a permit"), log, "cancelFirst=" + cancelFirst);
                assertEquals(1, sem.available(), "the permit came back exactly once");
            }
        });
    }

}
