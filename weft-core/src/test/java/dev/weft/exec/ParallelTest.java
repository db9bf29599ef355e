package dev.weft.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CancelledException;
import dev.weft.Task;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ParallelTest {

    private static final List<Integer> HUNDRED = IntStream.range(0, 100).boxed().toList();

    @Test
    void resultsComeBackInInputOrderWhateverOrderTheyFinishIn() {
        // Early items are the slowest, so they finish last.
        List<Integer> squares = Parallel.withJobs(4).map(HUNDRED, i -> {
            for (int spin = 0; spin < (100 - i) * 1000; spin++) {
                Thread.onSpinWait();
            }
            return i * i;
        });
        assertEquals(HUNDRED.stream().map(i -> i * i).toList(), squares);
    }

    @Test
    void runReturnsTheResultsOfDifferentCallsInOrder() {
        List<Callable<String>> calls = List.of(() -> "a", () -> "b", () -> null, () -> "d");
        List<String> out = Parallel.withJobs(2).run(calls);
        assertEquals(4, out.size());
        assertEquals("a", out.get(0));
        assertEquals("b", out.get(1));
        assertEquals(null, out.get(2));
        assertEquals("d", out.get(3));
    }

    @Test
    void anEmptyInputGivesAnEmptyList() {
        assertEquals(List.of(), Parallel.withJobs(3).map(List.<Integer>of(), i -> i));
    }

    @Test
    void aFailingItemAbortsTheOthersAndIsNamedByItsIndex() {
        Set<Integer> started = ConcurrentHashMap.newKeySet();
        AtomicInteger interrupted = new AtomicInteger();
        ParallelException e = assertThrows(ParallelException.class, () ->
                Parallel.withJobs(2).map(HUNDRED, i -> {
                    started.add(i);
                    if (i == 1) {
                        throw new IllegalStateException("item one is bad");
                    }
                    try {
                        new CountDownLatch(1).await(); // until the abort interrupts it
                    } catch (InterruptedException ie) {
                        interrupted.incrementAndGet();
                        throw ie;
                    }
                    return i;
                }));
        assertEquals(1, e.index());
        assertEquals(100, e.total());
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(e.getMessage().startsWith("input 1 (of 100) failed"), e.getMessage());
        assertEquals(Set.of(0, 1), started, "no item starts after the failure");
        assertEquals(1, interrupted.get(), "the running item was interrupted");
        assertEquals(0, e.getSuppressed().length, "the interruption is not reported as a failure");
    }

    @Test
    void theProgressListenerHearsOfEveryItemOnceInOrderOnTheCallingThread() {
        List<Long> seen = new ArrayList<>();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        Parallel.withJobs(3).onProgress((done, total) -> {
            assertEquals(100, total);
            seen.add(done);
            threads.add(Thread.currentThread());
        }).map(HUNDRED, i -> i + 1);
        assertEquals(IntStream.rangeClosed(1, 100).mapToObj(i -> (long) i).toList(), seen);
        assertEquals(Set.of(Thread.currentThread()), threads);
    }

    @Test
    void aFailingListenerAbortsTheMapWithItsOwnException() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                Parallel.withJobs(2).onProgress((done, total) -> {
                    throw new IllegalStateException("listener broke");
                }).map(HUNDRED, i -> i));
        assertEquals("listener broke", e.getMessage());
    }

    @Test
    void workersArePlatformThreadsByDefaultAndVirtualOnRequest() {
        List<Boolean> platform = Parallel.withJobs(2).map(HUNDRED, i -> Thread.currentThread().isVirtual());
        assertTrue(platform.stream().noneMatch(v -> v));
        List<Boolean> virtual = Parallel.withJobs(2).prefer(Parallel.Workers.VIRTUAL_THREADS)
                .map(HUNDRED, i -> Thread.currentThread().isVirtual());
        assertTrue(virtual.stream().allMatch(v -> v));
    }

    @Test
    void inATaskTheMapLeavesTheLoopFreeForOtherTasks() {
        // The items wait for a latch that only another task of the same loop opens: if map
        // blocked the loop thread, the items would time out and the map would fail.
        CountDownLatch opened = new CountDownLatch(1);
        List<Integer> out = Weft.run(() -> {
            Weft.spawn(opened::countDown);
            return Parallel.withJobs(2).prefer(Parallel.Workers.VIRTUAL_THREADS).map(List.of(1, 2), i -> {
                if (!opened.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the loop was blocked");
                }
                return i * 10;
            });
        });
        assertEquals(List.of(10, 20), out);
    }

    @Test
    void cancellingTheCallingTaskInterruptsTheWorkersAndWaitsForThemToLeave() {
        CountDownLatch bothStarted = new CountDownLatch(2);
        AtomicInteger left = new AtomicInteger();
        int leftWhenMapEnded = Weft.run(() -> {
            Task<List<Integer>> mapping = Weft.spawn(() -> Parallel.withJobs(2).map(List.of(1, 2), i -> {
                try {
                    bothStarted.countDown();
                    new CountDownLatch(1).await();
                    return i;
                } finally {
                    left.incrementAndGet();
                }
            }));
            Weft.toThread(() -> {
                bothStarted.await();
                return null;
            });
            mapping.cancel();
            assertThrows(CancelledException.class, mapping::await);
            return left.get();
        });
        assertEquals(2, leftWhenMapEnded);
    }

    @Test
    void anInterruptedCallingThreadGetsACancellationAndKeepsItsInterruptStatus() {
        Thread.currentThread().interrupt();
        try {
            assertThrows(CancelledException.class, () -> Parallel.withJobs(2).map(HUNDRED, i -> i));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void jobsMustBePositiveOrMinusOne() {
        assertThrows(IllegalArgumentException.class, () -> Parallel.withJobs(0));
        assertEquals(Runtime.getRuntime().availableProcessors(), Parallel.withJobs(-1).jobs());
    }
}
