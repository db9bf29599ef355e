package dev.weft;

import dev.weft.internal.Loggers;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * Runs Weft's wait path a few thousand times on a private virtual-clock loop, once per JVM,
 * before the first real loop starts.
 *
 * <p>Why: the JIT compiles {@code Future.awaitDone} while a program's tasks are parked inside
 * it. If no wait has ever <em>ended</em> by then, the branch after the park has no profile and
 * is compiled as an uncommon trap ({@code unstable_if}); every one of the parked tasks then
 * deoptimises separately when it wakes. With a million sleeping tasks that was 970,000
 * deoptimisations and most of the run's time (docs/benchmarks.md). A warm-up of about ten
 * milliseconds gives the branch its profile. {@code -Dweft.noWarmUp=true} turns it off.
 */
final class WaitPathWarmUp {

    private static final Logger LOG = Loggers.get(WaitPathWarmUp.class);
    private static final int ROUNDS = 20_000;
    private static volatile boolean started;

    private WaitPathWarmUp() {
    }

    static void ensure() {
        if (started || Boolean.getBoolean("weft.noWarmUp") || !SchedulerBridge.available()) {
            return;
        }
        synchronized (WaitPathWarmUp.class) {
            if (started) {
                return;
            }
            started = true;
        }
        Thread t = Thread.ofPlatform().name("weft-warm-up").daemon().start(WaitPathWarmUp::run);
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void run() {
        try (EventLoop loop = EventLoop.createWithVirtualClock()) {
            loop.runUntilComplete(() -> {
                Task<Void> sleeper = loop.spawn(() -> {
                    for (int i = 0; i < ROUNDS; i++) {
                        Weft.sleep(Duration.ofNanos(1));
                    }
                });
                Future<Integer>[] box = newBox();
                Task<Void> partner = loop.spawn(() -> {
                    for (int i = 0; i < ROUNDS / 4; i++) {
                        Future<Integer> f = new Future<>();
                        box[0] = f;
                        f.await();
                    }
                });
                for (int i = 0; i < ROUNDS / 4; i++) {
                    while (box[0] == null || box[0].isDone()) {
                        Weft.yieldNow();
                    }
                    box[0].setResult(i);
                }
                partner.await();
                sleeper.await();
                return null;
            });
        } catch (RuntimeException e) {
            LOG.debug("wait-path warm-up failed; continuing", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Future<Integer>[] newBox() {
        return new Future[1];
    }
}
