package dev.weft;

/**
 * The body of a task that returns a value: a plain method that may block on anything
 * (asyncio's {@code async def} returning a value). It may throw any exception, checked or not,
 * so lambdas need no try/catch; the exception becomes the task's outcome.
 *
 * @param <T> the type of the result
 */
@FunctionalInterface
public interface Coroutine<T> {
    /**
     * Runs the body and returns its result.
     *
     * @return its result
     * @throws Exception what the code throws
     */
    T call() throws Exception;
}
