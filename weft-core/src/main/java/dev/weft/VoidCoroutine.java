package dev.weft;

/**
 * The body of a task that returns nothing (asyncio's {@code async def} without a return
 * value). It may throw any exception; the exception becomes the task's outcome.
 */
@FunctionalInterface
public interface VoidCoroutine {
    /** Runs the body. */
    void run() throws Exception;

    /** {@return adapts this body to a {@link Coroutine} that returns null} */
    default Coroutine<Void> asCoroutine() {
        return () -> {
            run();
            return null;
        };
    }
}
