package dev.weft.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CancelledException;
import dev.weft.LoopGroup;
import dev.weft.Task;
import dev.weft.VoidCoroutine;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tasks of two loops and a plain thread hammer one primitive while another thread cancels
 * random tasks at random moments — while they wait, just as they are handed something, or
 * while they hold it. Afterwards nothing may be lost or duplicated.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CancellationChaosTest {

    private static final int PASSES = 20_000;
    private static final int MIN_CANCELS = 1_000;

    @Test
    void semaphorePermitsSurviveCancellationsFromAnotherThread() throws Exception {
        Semaphore sem = new Semaphore(3);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger passes = new AtomicInteger();
        hammer(passes, () -> {
            while (true) {
                try (var _ = sem.permit()) {
                    most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    try {
                        if (passes.incrementAndGet() % 3 == 0) {
                            Weft.yieldNow();
                        }
                    } finally {
                        inside.decrementAndGet();
                    }
                }
            }
        }, () -> {
            sem.acquire();
            try {
                most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                passes.incrementAndGet();
                inside.decrementAndGet();
            } finally {
                sem.release();
            }
        });
        assertTrue(most.get() <= 3, "at most 3 holders at once, saw " + most.get());
        assertEquals(3, sem.available(), "every permit came back");
    }

    @Test
    void theLockSurvivesCancellationsFromAnotherThread() throws Exception {
        Lock lock = new Lock();
        AtomicInteger inside = new AtomicInteger();
        AtomicBoolean overlap = new AtomicBoolean();
        AtomicInteger passes = new AtomicInteger();
        hammer(passes, () -> {
            while (true) {
                try (var _ = lock.lock()) {
                    if (inside.incrementAndGet() != 1) {
                        overlap.set(true);
                    }
                    try {
                        if (passes.incrementAndGet() % 3 == 0) {
                            Weft.yieldNow();
                        }
                    } finally {
                        inside.decrementAndGet();
                    }
                }
            }
        }, () -> {
            try (var _ = lock.lock()) {
                if (inside.incrementAndGet() != 1) {
                    overlap.set(true);
                }
                passes.incrementAndGet();
                inside.decrementAndGet();
            }
        });
        assertFalse(overlap.get(), "two holders at once");
        assertFalse(lock.isLocked(), "the lock was lost by a cancelled holder or waiter");
    }

    @Test
    void conditionSignalsSurviveCancellationsFromAnotherThread() throws Exception {
        // Tokens are counted under the condition's lock; every cancelled waiter must have
        // passed on a signal it received, so the consumers never stall while tokens remain.
        Condition cond = new Condition();
        int[] tokens = {0};
        AtomicInteger passes = new AtomicInteger();
        hammer(passes, () -> {
            while (true) {
                try (var _ = cond.lock()) {
                    cond.awaitUntil(() -> tokens[0] > 0);
                    tokens[0]--;
                    passes.incrementAndGet();
                }
            }
        }, () -> {
            try (var _ = cond.lock()) {
                tokens[0]++;
                cond.signal();
            }
        });
        try (var _ = cond.lock()) {
            assertFalse(cond.toString().contains("waiters=1"), cond.toString());
        }
        assertFalse(cond.isLocked());
    }

    @Test
    void queueItemsSurviveCancellationsFromAnotherThread() throws Exception {
        // Half the workers produce numbered items, half consume; the plain thread does both.
        // A cancelled put must not have put its item, a cancelled get must not have taken one:
        // afterwards every item put was taken exactly once or is still in the queue.
        dev.weft.queue.Queue<Integer> q = new dev.weft.queue.Queue<>(4);
        AtomicInteger numbers = new AtomicInteger();
        java.util.Set<Integer> put = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.Queue<Integer> taken = new java.util.concurrent.ConcurrentLinkedQueue<>();
        AtomicInteger passes = new AtomicInteger();
        hammer(passes, slot -> slot % 2 == 0 ? () -> {
            while (true) {
                int n = numbers.getAndIncrement();
                q.put(n);
                put.add(n);
            }
        } : () -> {
            while (true) {
                taken.add(q.get());
                passes.incrementAndGet();
            }
        }, () -> {
            int n = numbers.getAndIncrement();
            q.put(n);
            put.add(n);
            taken.add(q.get());
            passes.incrementAndGet();
        });
        List<Integer> all = new ArrayList<>(taken);
        while (!q.isEmpty()) {
            all.add(q.getNowait());
        }
        assertEquals(all.size(), new java.util.HashSet<>(all).size(), "an item was taken twice");
        assertEquals(put, new java.util.HashSet<>(all), "items put and items taken differ");
    }

    /**
     * Runs 8 workers on a 2-loop group and {@code plainStep} in a loop on a plain thread; after
     * every 10 more passes cancels a random worker and spawns a replacement, until {@link #PASSES} passes and
     * {@link #MIN_CANCELS} cancellations.
     */
    private static void hammer(AtomicInteger passes, VoidCoroutine worker, VoidCoroutine plainStep) throws Exception {
        hammer(passes, slot -> worker, plainStep);
    }

    /** {@link #hammer(AtomicInteger, VoidCoroutine, VoidCoroutine)} with a worker per slot (a replacement keeps its slot's role). */
    private static void hammer(AtomicInteger passes, java.util.function.IntFunction<VoidCoroutine> workerOfSlot,
            VoidCoroutine plainStep) throws Exception {
        Random random = new Random(7);
        AtomicBoolean stop = new AtomicBoolean();
        List<Task<Void>> workers = new ArrayList<>();
        int cancels = 0;
        try (LoopGroup group = new LoopGroup(2)) {
            for (int i = 0; i < 8; i++) {
                workers.add(group.next().spawn(workerOfSlot.apply(i)));
            }
            Thread plain = Thread.ofPlatform().start(() -> {
                try {
                    while (!stop.get()) {
                        plainStep.run();
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            int seen = 0;
            while (passes.get() < PASSES || cancels < MIN_CANCELS) {
                while (passes.get() < seen + 10) {
                    awaitProgress();
                }
                seen = passes.get();
                int victim = random.nextInt(workers.size());
                workers.get(victim).cancel();
                cancels++;
                workers.set(victim, group.next().spawn(workerOfSlot.apply(victim)));
            }
            stop.set(true);
            plain.join();
            for (Task<Void> w : workers) {
                w.cancel();
            }
            for (Task<Void> w : workers) {
                Object outcome = Weft.gatherReturningExceptions(w).get(0);
                assertTrue(outcome instanceof CancelledException, "worker ended with " + outcome);
            }
        }
        System.out.println("chaos: " + cancels + " cancellations in " + passes.get() + " passes");
    }

    /** Lets the workers run a little (the pacing loop reads their progress); fails on timeout. */
    private static void awaitProgress() {
        if (Thread.currentThread().isInterrupted()) {
            throw new AssertionError("no progress: interrupted by the test timeout");
        }
        Thread.yield();
    }
}
