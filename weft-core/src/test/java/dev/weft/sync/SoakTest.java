package dev.weft.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.LoopGroup;
import dev.weft.Weft;
import dev.weft.queue.Queue;
import dev.weft.queue.QueueShutDownException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 100,000 tasks on two loops, each going through every primitive once — Event, Lock,
 * Semaphore, Condition, Barrier, Queue — with every count checked exactly.
 */
@Timeout(120)
class SoakTest {

    private static final int TASKS = 100_000;
    private static final int PERMITS = 8;
    private static final int PARTIES = 50;

    @Test
    void aHundredThousandTasksGoThroughEveryPrimitiveWithExactCounts() throws Exception {
        long started = System.nanoTime();
        Event go = new Event();
        Lock lock = new Lock();
        Semaphore semaphore = new Semaphore(PERMITS);
        Condition condition = new Condition();
        Barrier barrier = new Barrier(PARTIES);
        Queue<Integer> queue = new Queue<>(100);

        // Guarded by `lock`.
        int[] lockCount = {0};
        int[] lockInside = {0};
        boolean[] lockOverlap = {false};
        // Guarded by `condition`'s lock.
        int[] tokens = {0};
        int[] consumed = {0};
        AtomicInteger semInside = new AtomicInteger();
        AtomicInteger semMost = new AtomicInteger();
        AtomicInteger semPasses = new AtomicInteger();
        AtomicInteger barrierFirsts = new AtomicInteger();
        AtomicInteger barrierLasts = new AtomicInteger();
        AtomicInteger barrierPasses = new AtomicInteger();
        AtomicIntegerArray received = new AtomicIntegerArray(TASKS);
        AtomicInteger receivedTotal = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch finished = new CountDownLatch(TASKS);

        try (LoopGroup group = new LoopGroup(2)) {
            List<dev.weft.Task<Void>> consumers = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                consumers.add(group.loop(c % 2).spawn(() -> {
                    try {
                        while (true) {
                            received.incrementAndGet(queue.get());
                            receivedTotal.incrementAndGet();
                            queue.taskDone();
                        }
                    } catch (QueueShutDownException e) {
                        return null;
                    }
                }));
            }
            for (int t = 0; t < TASKS; t++) {
                int id = t;
                group.loop(t % 2).spawn(() -> {
                    try {
                        go.await();

                        try (var _ = lock.lock()) {
                            if (++lockInside[0] != 1) {
                                lockOverlap[0] = true;
                            }
                            lockCount[0]++;
                            if (id % 16 == 0) {
                                Weft.yieldNow(); // hold it across a suspension now and then
                            }
                            lockInside[0]--;
                        }

                        try (var _ = semaphore.permit()) {
                            semMost.accumulateAndGet(semInside.incrementAndGet(), Math::max);
                            Weft.yieldNow();
                            semInside.decrementAndGet();
                            semPasses.incrementAndGet();
                        }

                        try (var _ = condition.lock()) {
                            if (id % 2 == 0) {
                                tokens[0]++;
                                condition.signal();
                            } else {
                                condition.awaitUntil(() -> tokens[0] > 0);
                                tokens[0]--;
                                consumed[0]++;
                            }
                        }

                        int index = barrier.await();
                        if (index == 0) {
                            barrierFirsts.incrementAndGet();
                        } else if (index == PARTIES - 1) {
                            barrierLasts.incrementAndGet();
                        }
                        barrierPasses.incrementAndGet();

                        queue.put(id);
                    } catch (Throwable e) {
                        failures.add(e);
                    } finally {
                        finished.countDown();
                    }
                    return null;
                });
            }
            go.set();
            assertTrue(finished.await(100, TimeUnit.SECONDS), "tasks left: " + finished.getCount());
            queue.join();
            queue.shutdown();
            for (dev.weft.Task<Void> c : consumers) {
                c.await();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("soak: %,d tasks through Event, Lock, Semaphore(%d), Condition, Barrier(%d), Queue(100)"
                + " on 2 loops in %.2f s%n", TASKS, PERMITS, PARTIES, seconds);

        assertTrue(failures.isEmpty(), () -> "failures: " + failures.peek());
        assertFalse(lockOverlap[0], "two tasks were inside the lock at once");
        assertEquals(TASKS, lockCount[0]);
        assertFalse(lock.isLocked());
        assertEquals(TASKS, semPasses.get());
        assertTrue(semMost.get() <= PERMITS, "semaphore let " + semMost.get() + " in");
        assertEquals(PERMITS, semaphore.available());
        assertEquals(TASKS / 2, consumed[0]);
        assertEquals(0, tokens[0]);
        assertFalse(condition.isLocked());
        assertEquals(TASKS, barrierPasses.get());
        assertEquals(TASKS / PARTIES, barrierFirsts.get());
        assertEquals(TASKS / PARTIES, barrierLasts.get());
        assertEquals(0, barrier.waiting());
        assertFalse(barrier.isBroken());
        assertEquals(TASKS, receivedTotal.get());
        for (int i = 0; i < TASKS; i++) {
            assertEquals(1, received.get(i), "item " + i);
        }
        assertTrue(queue.isEmpty());
    }
}
