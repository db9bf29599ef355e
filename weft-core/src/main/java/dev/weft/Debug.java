package dev.weft;

import dev.weft.internal.Loggers;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Debug mode (asyncio's {@code PYTHONASYNCIODEBUG}): on with {@code WEFT_DEBUG=1}, the system
 * property {@code weft.debug=true}, or {@link EventLoop#setDebug(boolean)}. It reports
 * <ul>
 *   <li>every task step or callback that held its loop longer than the loop's
 *       {@linkplain EventLoop#setSlowCallbackDuration slow-callback duration} (default 100 ms),
 *       with the task's name; the {@link Watchdog} adds the stack <em>while</em> it is stuck;</li>
 *   <li>blocking calls that pinned a task to its carrier, from the JDK's
 *       {@code jdk.VirtualThreadPinned} event read in-process with a JFR {@code RecordingStream};</li>
 *   <li>spawn sites of tasks in dumps.</li>
 * </ul>
 * Exceptions that were never retrieved are reported with or without debug mode.
 *
 * <p>All reports go to SLF4J logger {@code dev.weft.debug} at WARN; counters let tests check
 * that a report was made.
 */
public final class Debug {

    static final Logger LOG = Loggers.get("dev.weft.debug");
    private static final AtomicBoolean PINNED_MONITOR = new AtomicBoolean();
    private static final AtomicLong SLOW_STEPS = new AtomicLong();
    private static final AtomicLong STUCK_REPORTS = new AtomicLong();
    private static final AtomicLong PINNED_REPORTS = new AtomicLong();
    private static final AtomicLong UNRETRIEVED = new AtomicLong();
    private static final AtomicLong LENT = new AtomicLong();
    private static final AtomicBoolean FIRST_LEND_REPORTED = new AtomicBoolean();

    private Debug() {
    }

    static boolean enabledByEnvironment() {
        String env = System.getenv("WEFT_DEBUG");
        return Boolean.getBoolean("weft.debug") || (env != null && !env.isEmpty() && !env.equals("0"));
    }

    static void reportSlowStep(EventLoop loop, Runnable item, long nanos) {
        SLOW_STEPS.incrementAndGet();
        LOG.warn("Executing {} took {} seconds (slow-callback threshold {} ms)",
                loop.describeRunning(item), String.format("%.3f", nanos / 1e9),
                loop.slowCallbackDuration().toMillis());
    }

    static void reportStuck(EventLoop loop, String what, Thread thread, long nanos) {
        Throwable where = new Throwable("stack of " + what + " while it holds the loop");
        where.setStackTrace(thread != null ? thread.getStackTrace() : new StackTraceElement[0]);
        Thread.State state = thread != null ? thread.getState() : Thread.State.RUNNABLE;
        boolean blocked = state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING
                || state == Thread.State.BLOCKED;
        // In compatibility mode a task blocked in a JDK call holds the loop; the fast path would
        // have freed it, so the report says how to turn it on. A busy (RUNNABLE) step is the
        // program's own: no JVM option helps there.
        String remedy = blocked ? SchedulerBridge.remedy() : "";
        LOG.warn("{} has held {} for {} ms and is still running{}{}", what, loop,
                Duration.ofNanos(nanos).toMillis(), remedy.isEmpty() ? "" : ", blocked in a JDK call.\n", remedy, where);
        // Counted once the stack is taken and logged: whoever waits for the count (a test's
        // spinning task) may stop holding the loop from then on.
        STUCK_REPORTS.incrementAndGet();
    }

    /**
     * Compatibility mode: the loop let {@code task} go on its own after it held the loop
     * blocked in a JDK call (see {@code Task.Baton}). The first time in the JVM this is a
     * warning with the task's name, its stack and the remedy; afterwards a debug record.
     */
    static void reportLent(EventLoop loop, Task<?> task, StackTraceElement[] stack, long nanos) {
        LENT.incrementAndGet();
        if (!FIRST_LEND_REPORTED.compareAndSet(false, true)) {
            LOG.debug("task '{}' blocked in a JDK call for {} ms: {} goes on without it until its next call into Weft",
                    task.name(), Duration.ofNanos(nanos).toMillis(), loop);
            return;
        }
        Throwable where = new Throwable("stack of task '" + task.name() + "', blocked in a JDK call");
        where.setStackTrace(stack);
        LOG.warn("Task '{}' held {} for {} ms, blocked in a JDK call. So that the loop's other tasks are not held up,"
                + " it now runs beside the loop until its next call into Weft: data it shares with them is not"
                + " protected meanwhile (later tasks let go like this are logged at DEBUG).\n{}",
                task.name(), loop, Duration.ofNanos(nanos).toMillis(), SchedulerBridge.remedy(), where);
    }

    static void countUnretrieved() {
        UNRETRIEVED.incrementAndGet();
    }

    /** Starts the JFR-based report of pinned blocking (once per JVM). */
    static void startPinnedMonitor() {
        if (!PINNED_MONITOR.compareAndSet(false, true)) {
            return;
        }
        try {
            PinnedMonitor.start();
        } catch (Throwable t) {
            LOG.warn("cannot watch for pinned virtual threads (JFR unavailable): {}", t.toString());
        }
    }

    static void reportPinned(String threadName, Duration held, String stack) {
        PINNED_REPORTS.incrementAndGet();
        LOG.warn("Task '{}' blocked for {} ms while pinned to its carrier: its loop could not run anything else.\n{}",
                threadName, held.toMillis(), stack);
    }

    /** {@return how many slow steps were reported since the JVM started} */
    public static long slowStepReports() {
        return SLOW_STEPS.get();
    }

    /** {@return how many times the watchdog reported a loop held by one step} */
    public static long stuckReports() {
        return STUCK_REPORTS.get();
    }

    /** {@return how many pinned blocking calls were reported} */
    public static long pinnedReports() {
        return PINNED_REPORTS.get();
    }

    /** How many times a loop in compatibility mode went on without a task blocked in a JDK call. */
    static long lentTasks() {
        return LENT.get();
    }

    /** {@return how many never-retrieved exceptions were reported} */
    public static long unretrievedReports() {
        return UNRETRIEVED.get();
    }
}
