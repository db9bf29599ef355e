package dev.weft;

/**
 * Debug mode on, a task run to its end, then {@code main} returns without {@code System.exit}:
 * the JVM must end as any program's does (debug mode's JFR reader once kept it alive).
 */
public final class DebugModeExitMain {

    private DebugModeExitMain() {
    }

    public static void main(String[] args) {
        EventLoop loop = EventLoop.create();
        loop.setDebug(true);
        int answer = Weft.run(loop, () -> {
            Weft.sleep(0.01);
            return 42;
        });
        System.out.println("answer: " + answer);
    }
}
