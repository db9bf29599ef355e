package dev.weft;

import java.time.Duration;

/**
 * Compatibility mode, debug on: a task of Weft's own package blocks in {@code Thread.sleep}. The
 * loop lends only tasks blocked in the program's calls, not in Weft's, so this one holds the loop
 * until the watchdog has reported it; then it ends.
 */
public final class HeldLoopMain {

    private HeldLoopMain() {
    }

    public static void main(String[] args) {
        EventLoop loop = EventLoop.create();
        loop.setDebug(true);
        loop.setSlowCallbackDuration(Duration.ofMillis(100));
        Weft.run(loop, () -> {
            Weft.spawn("sleeper", () -> {
                while (Debug.stuckReports() == 0) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        throw new CancelledException("interrupted");
                    }
                }
            }).await();
            System.out.println("reported: " + Debug.stuckReports());
        });
        // Debug mode's JFR stream runs on a non-daemon thread of the JDK's, which would keep this
        // JVM alive.
        System.exit(0);
    }
}
