package dev.weft.testing;

import dev.weft.internal.LogTap;
import dev.weft.internal.Loggers;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Captures what Weft logs while it is open, instead of letting it reach the log: a test that
 * provokes an error (a handler that throws, a task exception nobody retrieved) asserts that
 * Weft reported it, and the report does not litter the test run's output.
 *
 * <pre>{@code
 * try (WeftLogs logs = WeftLogs.capture()) {
 *     assertEquals(500, session.get(base + "/boom").status());
 *     logs.await(Level.ERROR, "handler failed on GET /boom");
 * }
 * }</pre>
 *
 * <p>While open it takes every record at INFO and above from every Weft logger ({@code dev.weft.*})
 * on every thread; DEBUG and TRACE go to the log as usual. One capture at a time per JVM (tests
 * run one after the other). Thread-safe.
 */
public final class WeftLogs implements AutoCloseable {

    /** How long {@link #await} waits for a record that is logged from another thread. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    /**
     * One captured record.
     *
     * @param level ERROR, WARNING or INFO
     * @param logger the logger's name
     * @param message the message with its arguments filled in
     * @param error the exception logged with it, or null
     * @param thread the name of the thread that logged it
     */
    public record Entry(Level level, String logger, String message, Throwable error, String thread) {

        /**
         * Whether this entry is at {@code level} and its message contains {@code fragment}.
         *
         * @param level the level it must have
         * @param fragment text its message must contain
         * @return true if both hold
         */
        public boolean matches(Level level, String fragment) {
            return this.level == level && message.contains(fragment);
        }

        @Override
        public String toString() {
            return "[" + thread + "] " + level + " " + logger + " - " + message
                    + (error == null ? "" : " (" + error + ")");
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition added = lock.newCondition();
    // Guarded by lock.
    private final List<Entry> entries = new ArrayList<>();
    private final LogTap tap = this::add;

    private WeftLogs() {
    }

    /**
     * Starts capturing; close the capture to give the records back to the log.
     *
     * @return the open capture
     * @throws IllegalStateException if another capture is open
     */
    public static WeftLogs capture() {
        WeftLogs logs = new WeftLogs();
        Loggers.tap(logs.tap);
        return logs;
    }

    private void add(Level level, String logger, String message, Throwable error) {
        Entry e = new Entry(level, logger, message, error, Thread.currentThread().getName());
        lock.lock();
        try {
            entries.add(e);
            added.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * What was captured so far, in order.
     *
     * @return a copy of the entries
     */
    public List<Entry> entries() {
        lock.lock();
        try {
            return List.copyOf(entries);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The first entry at {@code level} whose message contains {@code fragment}, waiting for it if
     * it has not been logged yet (reports often come from another thread: a loop, the cleaner
     * that finds unretrieved exceptions, the watchdog).
     *
     * @param level the level it must have
     * @param fragment text its message must contain
     * @return the entry
     * @throws AssertionError if no such entry arrives within 30 s; the message lists what came
     */
    public Entry await(Level level, String fragment) {
        return await(e -> e.matches(level, fragment), level + " containing \"" + fragment + "\"");
    }

    /**
     * The first entry that {@code test} accepts, waiting for it as {@link #await(Level, String)}
     * does.
     *
     * @param test what the entry must satisfy
     * @param description what is awaited, for the failure message
     * @return the entry
     * @throws AssertionError if no such entry arrives within 30 s
     */
    public Entry await(Predicate<Entry> test, String description) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        lock.lock();
        try {
            while (true) {
                for (Entry e : entries) {
                    if (test.test(e)) {
                        return e;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("Weft logged no " + description + " in " + PATIENCE.toSeconds()
                            + " s; it logged " + entries);
                }
                added.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + description, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether an entry at {@code level} whose message contains {@code fragment} was captured
     * (without waiting).
     *
     * @param level the level it must have
     * @param fragment text its message must contain
     * @return true if there is one
     */
    public boolean contains(Level level, String fragment) {
        return entries().stream().anyMatch(e -> e.matches(level, fragment));
    }

    /** Stops capturing: records go to the log again. */
    @Override
    public void close() {
        Loggers.untap(tap);
    }
}
