package dev.weft.bench.million;

import dev.weft.Task;
import dev.weft.Weft;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Benchmark 2, one million tasks: spawn {@code n} tasks that each sleep, wait for all, and
 * print one JSON line with the wall time and the memory. One contender per process, so that
 * each one's peak RSS is its own.
 *
 * <pre>
 *   MillionTasks weft|vthreads time   [n] [sleepSeconds]   wall time, peak RSS
 *   MillionTasks weft|vthreads memory [n] [sleepSeconds]   heap after GC with all parked
 *   -Dbench.jitWarmup=true                                 warm the JIT first (see warmUp)
 * </pre>
 *
 * <p>{@code time} measures from the first spawn until the last task is known done; nothing else
 * runs meanwhile. {@code memory} spawns the same tasks, waits until all are parked, runs two
 * full GCs and reports (used heap - used heap before spawning) / n, and the same for the RSS;
 * its wall time is not comparable (the GCs run while the tasks sleep), so give it a longer
 * sleep.
 */
public final class MillionTasks {

    private MillionTasks() {
    }

    /** Runs one contender in one mode; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: MillionTasks weft|vthreads time|memory [n] [sleepSeconds]");
            System.exit(2);
        }
        String contender = args[0];
        boolean memory = args[1].equals("memory");
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        double sleepSeconds = args.length > 3 ? Double.parseDouble(args[3]) : 1.0;
        Duration sleep = Duration.ofNanos((long) (sleepSeconds * 1e9));
        boolean jitWarmup = Boolean.getBoolean("bench.jitWarmup");
        if (jitWarmup) {
            warmUp(contender);
        }

        long heapBefore = memory ? usedHeapAfterGc() : 0;
        long rssBefore = vmRssBytes();
        Result r = switch (contender) {
            case "weft" -> weft(n, sleep, memory);
            case "vthreads" -> virtualThreads(n, sleep, memory);
            default -> throw new IllegalArgumentException("unknown contender " + contender);
        };
        StringBuilder json = new StringBuilder();
        json.append(String.format(Locale.ROOT, "{\"contender\":\"%s\",\"mode\":\"%s\",\"tasks\":%d,\"sleep_s\":%s,"
                        + "\"spawn_s\":%.3f,\"wall_s\":%.3f,\"vmhwm_bytes\":%d",
                contender, args[1], n, sleepSeconds, r.spawnNanos / 1e9, r.wallNanos / 1e9, vmHwmBytes()));
        if (memory) {
            json.append(String.format(Locale.ROOT, ",\"heap_parked_bytes\":%d,\"heap_per_task_bytes\":%.1f,"
                            + "\"rss_parked_bytes\":%d,\"rss_per_task_bytes\":%.1f",
                    r.heapParked - heapBefore, (r.heapParked - heapBefore) / (double) n,
                    r.rssParked, (r.rssParked - rssBefore) / (double) n));
        }
        json.append(",\"jit_warmup\":").append(jitWarmup);
        json.append(",\"jvm_args\":\"")
                .append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()).replace("\"", "'"))
                .append("\"}");
        System.out.println(json);
    }

    /** What one run measured. */
    private record Result(long spawnNanos, long wallNanos, long heapParked, long rssParked) {
    }

    /**
     * With {@code -Dbench.jitWarmup=true}: runs the same kind of tasks in small rounds first, so
     * that the JIT compiles the wait path with a profile in which waits also <em>end</em>.
     * Without it, the wait path is compiled while the first tasks are all still parked, with
     * an uncommon trap where a wait returns, and every parked frame deoptimises on wake-up.
     */
    private static void warmUp(String contender) throws InterruptedException {
        for (int round = 0; round < 5; round++) {
            if (contender.equals("weft")) {
                weft(20_000, Duration.ofMillis(1), false);
            } else {
                virtualThreads(20_000, Duration.ofMillis(1), false);
            }
        }
        Thread.sleep(200); // let the compiler threads finish
    }

    private static Result weft(int n, Duration sleep, boolean memory) {
        return Weft.run(() -> {
            long t0 = System.nanoTime();
            List<Task<Void>> tasks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                tasks.add(Weft.spawn(() -> Weft.sleep(sleep)));
            }
            long spawned = System.nanoTime();
            long heap = 0;
            long rss = 0;
            if (memory) {
                // The tasks' first steps are queued ahead of main: after one yield all are parked
                // in their sleep, and the loop stays blocked here while the GC runs.
                Weft.yieldNow();
                heap = usedHeapAfterGc();
                rss = vmRssBytes();
            }
            Weft.gather(tasks);
            long done = System.nanoTime();
            return new Result(spawned - t0, done - t0, heap, rss);
        });
    }

    private static Result virtualThreads(int n, Duration sleep, boolean memory) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(memory ? n : 0);
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                started.countDown();
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        long spawned = System.nanoTime();
        long heap = 0;
        long rss = 0;
        if (memory) {
            started.await();
            Thread.sleep(100); // the last ones from countDown() into their sleep
            heap = usedHeapAfterGc();
            rss = vmRssBytes();
        }
        for (Thread t : threads) {
            t.join();
        }
        long done = System.nanoTime();
        return new Result(spawned - t0, done - t0, heap, rss);
    }

    private static long usedHeapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long vmHwmBytes() {
        return procStatusKb("VmHWM:") * 1024;
    }

    private static long vmRssBytes() {
        return procStatusKb("VmRSS:") * 1024;
    }

    private static long procStatusKb(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
