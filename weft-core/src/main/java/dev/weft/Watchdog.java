package dev.weft;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A daemon thread that notices a loop held by one step (a task that spins, or blocks while
 * pinned) and reports the culprit's name and its stack <em>while</em> it is stuck, instead of
 * letting the program hang silently. The threshold is the loop's slow-callback duration in
 * debug mode and {@value #STUCK_NANOS_DEFAULT} ns otherwise. One report per step.
 */
final class Watchdog {

    static final long STUCK_NANOS_DEFAULT = 5_000_000_000L;
    private static final Set<EventLoop> LOOPS = ConcurrentHashMap.newKeySet();
    private static volatile Thread thread;

    private Watchdog() {
    }

    static void watch(EventLoop loop) {
        LOOPS.add(loop);
        if (thread == null) {
            synchronized (Watchdog.class) {
                if (thread == null) {
                    thread = Thread.ofPlatform().daemon().name("weft-watchdog").start(Watchdog::run);
                }
            }
        }
    }

    static void unwatch(EventLoop loop) {
        LOOPS.remove(loop);
    }

    private static void run() {
        // Per loop: the step last seen, when it was first seen, and whether it was reported.
        java.util.Map<EventLoop, long[]> seen = new java.util.WeakHashMap<>();
        while (true) {
            long interval = 1_000_000_000L;
            long now = System.nanoTime();
            for (EventLoop loop : LOOPS) {
                if (!loop.isRunning()) {
                    continue;
                }
                long threshold = loop.debug() ? loop.slowCallbackDuration().toNanos() : STUCK_NANOS_DEFAULT;
                interval = Math.min(interval, Math.max(5_000_000L, threshold / 4));
                long seq = loop.stepSequence;
                long[] s = seen.get(loop);
                if (s == null || s[0] != seq || loop.isSelecting()) {
                    seen.put(loop, new long[] {seq, now, 0});
                } else if (s[2] == 0 && now - s[1] >= threshold) {
                    s[2] = 1;
                    Thread t = loop.stepThread();
                    Debug.reportStuck(loop, describe(loop, t), t, now - s[1]);
                }
            }
            LockSupport.parkNanos(interval);
        }
    }

    private static String describe(EventLoop loop, Thread t) {
        Task<?> task = loop.runningTask();
        return task != null ? "task '" + task.name() + "'" : "a callback on " + (t != null ? t.getName() : "?");
    }
}
