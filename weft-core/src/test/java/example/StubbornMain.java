package example;

import dev.weft.Task;
import dev.weft.Weft;
import java.time.Duration;

/**
 * A task that never gives its loop back (it spins): the first SIGINT asks the main task to stop,
 * which cannot happen; a second one must end the program all the same. Prints "spinning" and,
 * once the main task's cancellation has been requested, "main cancel requested".
 */
public final class StubbornMain {

    private StubbornMain() {
    }

    public static void main(String[] args) {
        Weft.run(() -> {
            Task<?> main = Task.current();
            Weft.spawn("spinner", () -> {
                System.out.println("spinning");
                System.out.flush();
                boolean told = false;
                // Bounded, so that a child whose test died never spins for ever.
                long giveUp = System.nanoTime() + 120_000_000_000L;
                while (System.nanoTime() < giveUp) {
                    if (!told && main.cancelling() > 0) {
                        told = true;
                        System.out.println("main cancel requested");
                        System.out.flush();
                    }
                    Thread.onSpinWait();
                }
                Runtime.getRuntime().halt(3);
            });
            Weft.sleep(Duration.ofHours(1));
        });
        System.out.println("not reached");
    }
}
