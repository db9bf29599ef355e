package dev.weft.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CancelledException;
import dev.weft.LoopGroup;
import dev.weft.Task;
import dev.weft.TimeoutException;
import dev.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Queues shared by tasks of different loops and by plain threads. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CrossThreadQueueTest {

    @Test
    void twoLoopsExchangeTenThousandItemsEachReceivedExactlyOnce() throws Exception {
        int n = 10_000;
        Queue<Integer> q = new Queue<>(16);
        AtomicIntegerArray received = new AtomicIntegerArray(n);
        try (LoopGroup group = new LoopGroup(2)) {
            Task<Void> producer = group.loop(0).spawn(() -> {
                for (int i = 0; i < n; i++) {
                    q.put(i);
                }
            });
            Task<Integer> consumer = group.loop(1).spawn(() -> {
                int last = -1;
                for (int i = 0; i < n; i++) {
                    int v = q.get();
                    assertTrue(v > last, "one producer, one consumer: FIFO order holds");
                    last = v;
                    received.incrementAndGet(v);
                    q.taskDone();
                }
                return last;
            });
            producer.await();
            q.join(); // from this plain thread
            assertEquals(n - 1, consumer.await());
        }
        for (int i = 0; i < n; i++) {
            assertEquals(1, received.get(i), "item " + i);
        }
        assertTrue(q.isEmpty());
    }

    @Test
    void nothingIsLostOrDuplicatedWhenProducersAndConsumersOfTwoLoopsAndThreadsAreCancelledOrTimeOut()
            throws Exception {
        int n = 20_000;
        Queue<Integer> q = new Queue<>(4);
        AtomicIntegerArray put = new AtomicIntegerArray(n);
        AtomicIntegerArray got = new AtomicIntegerArray(n);
        AtomicInteger gotTotal = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        ConcurrentLinkedQueue<Integer> notPut = new ConcurrentLinkedQueue<>();
        Random random = new Random(42);
        try (LoopGroup group = new LoopGroup(2)) {
            List<Task<Void>> producers = new ArrayList<>();
            List<Task<Void>> consumers = new ArrayList<>();
            Runnable spawnProducer = () -> producers.add(group.next().spawn(() -> produce(q, n, next, notPut, put)));
            Runnable spawnConsumer = () -> consumers.add(group.next().spawn(() -> consume(q, got, gotTotal)));
            for (int i = 0; i < 4; i++) {
                spawnProducer.run();
                spawnConsumer.run();
            }
            // A plain thread consumes with short real-time timeouts, racing claims against deadlines.
            Thread plain = Thread.ofPlatform().start(() -> {
                while (true) {
                    try {
                        got.incrementAndGet(q.get(Duration.ofNanos(20_000)));
                        gotTotal.incrementAndGet();
                    } catch (TimeoutException e) {
                        // try again
                    } catch (QueueShutDownException e) {
                        return;
                    }
                }
            });
            // Chaos: every 50 items received, cancel a random producer and a random consumer
            // (waiting or not) from this thread, and replace them.
            int seen = 0;
            while (gotTotal.get() < n - 200) {
                while (gotTotal.get() < seen + 50) {
                    awaitProgress();
                }
                seen = gotTotal.get();
                producers.get(random.nextInt(producers.size())).cancel();
                consumers.get(random.nextInt(consumers.size())).cancel();
                spawnProducer.run();
                spawnConsumer.run();
            }
            for (Task<Void> p : List.copyOf(producers)) {
                Weft.gatherReturningExceptions(p);
            }
            // Items whose put was cancelled are put again by one last producer.
            group.loop(0).spawn(() -> produce(q, n, next, notPut, put)).await();
            q.shutdown(); // the consumers drain the rest, then stop
            for (Task<Void> c : consumers) {
                Weft.gatherReturningExceptions(c);
            }
            plain.join();
        }
        for (int i = 0; i < n; i++) {
            assertEquals(1, put.get(i), "item " + i + " put");
            assertEquals(1, got.get(i), "item " + i + " received");
        }
        assertEquals(n, gotTotal.get());
        assertTrue(q.isEmpty());
    }

    /** Puts items until all n are taken; an item whose put was cancelled goes to {@code notPut}. */
    private static void produce(Queue<Integer> q, int n, AtomicInteger next, ConcurrentLinkedQueue<Integer> notPut,
            AtomicIntegerArray put) {
        while (true) {
            Integer i = notPut.poll();
            if (i == null) {
                i = next.getAndIncrement();
                if (i >= n) {
                    return;
                }
            }
            try {
                q.put(i);
            } catch (CancelledException e) {
                notPut.add(i);
                throw e;
            }
            put.incrementAndGet(i); // recorded before the next cancellation point
        }
    }

    private static void consume(Queue<Integer> q, AtomicIntegerArray got, AtomicInteger gotTotal) {
        try {
            while (true) {
                got.incrementAndGet(q.get()); // recorded before the next cancellation point
                gotTotal.incrementAndGet();
                Weft.yieldNow();
            }
        } catch (QueueShutDownException e) {
            // drained
        }
    }

    @Test
    void plainThreadsAndTasksShareABoundedQueueBothWays() throws Exception {
        int n = 5_000;
        Queue<Integer> toThreads = new Queue<>(4);
        Queue<Integer> toTasks = new LifoQueue<>(4);
        long[] sums = new long[2];
        try (LoopGroup group = new LoopGroup(1)) {
            Task<Void> producer = group.loop(0).spawn(() -> {
                for (int i = 1; i <= n; i++) {
                    toThreads.put(i);
                }
            });
            Task<Long> consumer = group.loop(0).spawn(() -> {
                long s = 0;
                for (int i = 0; i < n; i++) {
                    s += toTasks.get();
                }
                return s;
            });
            Thread a = Thread.ofPlatform().start(() -> {
                long s = 0;
                for (int i = 0; i < n; i++) {
                    s += toThreads.get();
                }
                sums[0] = s;
            });
            Thread b = Thread.ofPlatform().start(() -> {
                for (int i = 1; i <= n; i++) {
                    toTasks.put(i);
                }
            });
            producer.await();
            a.join();
            b.join();
            sums[1] = consumer.await();
        }
        long expected = (long) n * (n + 1) / 2;
        assertEquals(expected, sums[0]);
        assertEquals(expected, sums[1]);
    }

    /** Lets the workers run a little (the pacing loop reads their progress); fails on timeout. */
    private static void awaitProgress() {
        if (Thread.currentThread().isInterrupted()) {
            throw new AssertionError("no progress: interrupted by the test timeout");
        }
        Thread.yield();
    }
}
