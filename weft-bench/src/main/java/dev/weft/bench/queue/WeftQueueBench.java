package dev.weft.bench.queue;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.queue.Queue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Benchmark 3 for Weft's own {@link Queue}: a producer task and a consumer task on one loop,
 * {@value #MESSAGES} small integers per invocation, nanoseconds per message.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class WeftQueueBench {

    /** Messages per invocation. */
    static final int MESSAGES = 100_000;

    /** Weft {@code Queue(1024)}: the counterpart of {@code asyncio.Queue(1024)} and {@code ArrayBlockingQueue(1024)}. */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long weftQueue1024() {
        return transfer(1024, MESSAGES);
    }

    /** Weft {@code Queue(1)}: the counterpart of {@code asyncio.Queue(1)}, close to a rendezvous. */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long weftQueue1() {
        return transfer(1, MESSAGES);
    }

    /** Sends {@code messages} integers through a {@code Queue(maxsize)} and returns their sum. */
    static long transfer(int maxsize, int messages) {
        return Weft.run(() -> {
            Queue<Integer> queue = new Queue<>(maxsize);
            Task<Void> producer = Weft.spawn(() -> {
                for (int i = 0; i < messages; i++) {
                    queue.put(i & 127);
                }
            });
            Task<Long> consumer = Weft.spawn(() -> {
                long sum = 0;
                for (int i = 0; i < messages; i++) {
                    sum += queue.get();
                }
                return sum;
            });
            producer.await();
            return consumer.await();
        });
    }
}
