package dev.weft;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Run without --add-opens: the seed 001 ordering must still hold, in compatibility mode. */
public final class CompatibilityModeMain {

    private CompatibilityModeMain() {
    }

    public static void main(String[] args) {
        System.out.println("fast path: " + SchedulerBridge.available());
        List<String> log = new ArrayList<>();
        String r = Weft.run(EventLoop.createWithVirtualClock(), () -> {
            Task<Void> w1 = Weft.spawn(() -> { log.add("worker_1 start"); Weft.sleep(Duration.ofSeconds(1)); log.add("worker_1 done"); });
            Task<Void> w2 = Weft.spawn(() -> { log.add("worker_2 start"); Weft.sleep(Duration.ofSeconds(2)); log.add("worker_2 done"); });
            log.add("before await");
            w1.await();
            log.add("awaited worker_1");
            w2.await();
            log.add("awaited worker_2");
            Task<Void> other = Weft.spawn(() -> { for (int i = 0; i < 2; i++) { log.add("b"); Weft.yieldNow(); } });
            for (int i = 0; i < 2; i++) {
                log.add("a");
                Weft.yieldNow();
            }
            other.await();
            Task<Void> victim = Weft.spawn(() -> Weft.sleep(Duration.ofHours(1)));
            Weft.yieldNow();
            victim.cancel();
            try {
                victim.await();
            } catch (CancelledException e) {
                log.add("cancelled");
            }
            return String.join(",", log);
        });
        // A second run in the same JVM must not print the notice again.
        Weft.run(() -> 1);
        System.out.println("log: " + r);
    }
}
