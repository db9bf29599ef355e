package dev.weft.bench.switchcost;

import dev.weft.bench.kotlin.KotlinPeers;
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
 * Benchmark 1, switch cost: nanoseconds per switch between two coroutines, for Weft and its
 * JVM peers (CPython asyncio is measured by {@code weft-bench/python/switch.py}).
 *
 * <p>Every invocation starts a fresh runtime ({@code Weft.run}, {@code runBlocking}, two new
 * virtual threads) and makes {@value #SWITCHES} switches, so the start-up is amortised to well
 * under one per cent. Scores are nanoseconds per switch. The forks inherit the JVM options of
 * the {@code weft-bench/run} script; the {@code Parallelism1} variants add
 * {@code -Djdk.virtualThreadScheduler.parallelism=1}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class SwitchCostBenchmark {

    /** Rounds per invocation; every round is two switches. */
    static final int ROUNDS = 50_000;
    /** Switches per invocation. */
    static final int SWITCHES = 2 * ROUNDS;

    /** Weft: two tasks calling {@code Weft.yieldNow()}. */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void weftYield() {
        WeftSwitch.yieldPingPong(ROUNDS);
    }

    /** Weft: two tasks waking each other through a fresh {@code dev.weft.Future} per message. */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void weftFuture() {
        WeftSwitch.futurePingPong(ROUNDS);
    }

    /** Weft: two tasks taking turns with {@code LockSupport.park/unpark}. */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void weftParkUnpark() {
        WeftSwitch.parkUnpark(ROUNDS);
    }

    /** JDK: two default-scheduler virtual threads taking turns with park/unpark. */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void virtualThreadParkUnpark() throws InterruptedException {
        VirtualThreadSwitch.parkUnpark(ROUNDS);
    }

    /** JDK: the same, on a scheduler with one carrier thread. */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    @Fork(value = 3, jvmArgsAppend = "-Djdk.virtualThreadScheduler.parallelism=1")
    public void virtualThreadParkUnparkParallelism1() throws InterruptedException {
        VirtualThreadSwitch.parkUnpark(ROUNDS);
    }

    /** JDK: two default-scheduler virtual threads waking each other through CompletableFutures. */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void virtualThreadFuture() throws InterruptedException {
        VirtualThreadSwitch.futurePingPong(ROUNDS);
    }

    /** JDK: two virtual threads calling {@code Thread.yield()} on a one-carrier scheduler. */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    @Fork(value = 3, jvmArgsAppend = "-Djdk.virtualThreadScheduler.parallelism=1")
    public void virtualThreadYieldParallelism1() throws InterruptedException {
        VirtualThreadSwitch.yieldPingPong(ROUNDS);
    }

    /** Kotlin: two coroutines calling {@code yield()} in {@code runBlocking}. */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void kotlinYield() {
        KotlinPeers.yieldPingPong(ROUNDS);
    }

    /** Kotlin: two coroutines waking each other through a fresh {@code CompletableDeferred} per message. */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void kotlinDeferred() {
        KotlinPeers.deferredPingPong(ROUNDS);
    }
}
