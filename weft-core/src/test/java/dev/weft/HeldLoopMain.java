package dev.weft;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Compatibility mode, debug on: a task of Weft's own package blocks in {@code Thread.sleep}. The
 * loop lends only tasks blocked in the program's calls, not in Weft's, so this one holds the loop
 * until the watchdog has reported it; then it ends. It waits in one {@code CountDownLatch.await}
 * (always WAITING when the watchdog looks; a loop of short sleeps was sometimes caught between
 * two of them, RUNNABLE, and reported as a busy step without the remedy), released by a plain
 * thread once the report is counted.
 */
public final class HeldLoopMain {

    private HeldLoopMain() {
    }

    public static void main(String[] args) {
        EventLoop loop = EventLoop.create();
        loop.setDebug(true);
        loop.setSlowCallbackDuration(Duration.ofMillis(100));
        Weft.run(loop, () -> {
            CountDownLatch reported = new CountDownLatch(1);
            Thread.ofPlatform().daemon().name("report-watcher").start(() -> {
                try {
                    while (Debug.stuckReports() == 0) {
                        Thread.sleep(2); // polls a counter; the loop's watchdog is what it waits for
                    }
                } catch (InterruptedException e) {
                    return;
                }
                reported.countDown();
            });
            Weft.spawn("sleeper", () -> {
                try {
                    reported.await();
                } catch (InterruptedException e) {
                    throw new CancelledException("interrupted");
                }
            }).await();
            System.out.println("reported: " + Debug.stuckReports());
        });
    }
}
