package dev.weft;

/**
 * The body of a task that returns nothing (asyncio's {@code async def} without a return
 * value). It may throw any exception; the exception becomes the task's outcome.
 *
 * <p>Every method that takes a {@link Coroutine} body ({@code Weft.run}, {@code spawn},
 * {@code gather}, {@code waitFor}, {@code withTimeout}, {@code toThread}, ...) has a twin that
 * takes this one, so a {@code void} method goes in as it is:
 * {@code Weft.gather(() -> factorial("A", 2), () -> factorial("B", 3))}. Java picks the
 * {@code Coroutine} form for a lambda or method reference that returns a value. A reference to
 * an overloaded method ({@code process::waitFor}) fits both and does not compile: write the
 * lambda ({@code () -> process.waitFor()}).
 */
@FunctionalInterface
public interface VoidCoroutine {
    /**
     * Runs the body.
     *
     * @throws Exception what the code throws
     */
    void run() throws Exception;

    /** {@return adapts this body to a {@link Coroutine} that returns null} */
    default Coroutine<Void> asCoroutine() {
        return () -> {
            run();
            return null;
        };
    }
}
