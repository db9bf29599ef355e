package dev.weft.bench.queue;

import dev.weft.bench.kotlin.KotlinPeers;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.SynchronousQueue;
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
 * Benchmark 3, queue throughput: one producer, one consumer, {@value #MESSAGES} small integers
 * per invocation. Scores are nanoseconds per message (messages/s = 1e9 / score); the report
 * converts them. Weft's own {@code dev.weft.queue.Queue} is measured by {@code WeftQueueBench},
 * compiled once that class exists; CPython's {@code asyncio.Queue} by
 * {@code weft-bench/python/queue_bench.py}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class QueueThroughputBenchmark {

    /** Messages per invocation. */
    static final int MESSAGES = 100_000;

    /** Weft baseline: a rendezvous through one future per message and one per reply. */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long weftFutureRendezvous() {
        return WeftTransfer.futureRendezvous(MESSAGES);
    }

    /** Weft tasks through a JDK {@code ArrayBlockingQueue(1024)} (blocking calls unmount the task). */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long weftJdkArrayBlockingQueue1024() {
        return WeftTransfer.jdkQueue(new ArrayBlockingQueue<>(1024), MESSAGES);
    }

    /** JDK: {@code SynchronousQueue} between two default-scheduler virtual threads. */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long virtualThreadSynchronousQueue() throws InterruptedException {
        return VirtualThreadTransfer.transfer(new SynchronousQueue<>(), MESSAGES);
    }

    /** JDK: {@code ArrayBlockingQueue(1024)} between two default-scheduler virtual threads. */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long virtualThreadArrayBlockingQueue1024() throws InterruptedException {
        return VirtualThreadTransfer.transfer(new ArrayBlockingQueue<>(1024), MESSAGES);
    }

    /** Kotlin: {@code Channel(1024)} between two coroutines in {@code runBlocking}. */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long kotlinChannel1024() {
        return KotlinPeers.channelTransfer(MESSAGES, 1024);
    }

    /** Kotlin: a rendezvous {@code Channel()} between two coroutines in {@code runBlocking}. */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long kotlinChannelRendezvous() {
        return KotlinPeers.channelTransfer(MESSAGES, 0);
    }
}
