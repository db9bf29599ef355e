package dev.weft;

import java.time.Duration;

/** Seed 000's Ctrl-C example: prints "ready", then waits until SIGINT cancels every task. */
public final class SignalMain {

    private SignalMain() {
    }

    public static void main(String[] args) {
        Weft.run(() -> {
            for (int i = 2; i <= 4; i++) {
                int n = i;
                Weft.spawn("sleeper-" + n, () -> {
                    try {
                        Weft.sleep(Duration.ofHours(n));
                    } finally {
                        System.out.println("sleeper-" + n + " cleaned up");
                    }
                });
            }
            Weft.yieldNow();
            System.out.println("ready");
            System.out.flush();
            try {
                Weft.sleep(Duration.ofHours(1));
            } finally {
                System.out.println("main cleaned up");
                System.out.flush();
            }
        });
        System.out.println("not reached");
    }
}
