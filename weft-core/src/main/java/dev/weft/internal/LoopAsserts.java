package dev.weft.internal;

import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * The loop-owner check for {@code assert}s outside {@code dev.weft} (Netty's
 * {@code assert inEventLoop()}): true when the calling thread runs the loop now, its thread or
 * the task whose step is running, and never anything else. The public
 * {@code EventLoop.inLoop()} may act (in compatibility mode it makes a task the loop lent out
 * during a blocking JDK call wait to rejoin the loop), and an assert must not act: what the
 * program does must not depend on {@code -ea}. Installed by {@code EventLoop} when it loads.
 */
public final class LoopAsserts {

    private static volatile Predicate<Executor> holds;

    private LoopAsserts() {
    }

    /**
     * Installs the check; called once, by {@code EventLoop}'s static initialiser.
     *
     * @param check true when the calling thread holds the given loop, without side effects
     */
    public static void install(Predicate<Executor> check) {
        holds = check;
    }

    /**
     * Whether the calling thread holds {@code loop} now, with no side effect.
     *
     * @param loop an {@code EventLoop}
     * @return true on the loop's thread or in the task whose step it runs
     */
    public static boolean holdsLoop(Executor loop) {
        return holds.test(loop);
    }
}
