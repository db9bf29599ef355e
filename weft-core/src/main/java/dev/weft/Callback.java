package dev.weft;

/**
 * A function the loop calls on its own thread: scheduled with {@link EventLoop#callSoon},
 * {@link EventLoop#callLater} or {@link EventLoop#callAt}, or run whenever a channel is ready
 * ({@link EventLoop#addReader}, {@link EventLoop#addWriter}). Asyncio's plain callbacks.
 *
 * <p>It may throw any exception, checked or not, so a selector callback can call
 * {@code channel.read} directly. What it throws goes to the loop's exception handler
 * ({@link EventLoop#setExceptionHandler}; logged at ERROR by default) and the loop goes on with
 * its next callback, as asyncio's {@code call_exception_handler} does.
 *
 * <p>A callback must not block: it holds the loop while it runs. Blocking belongs in tasks.
 * A {@link Runnable} held in a variable is passed as {@code runnable::run}.
 */
@FunctionalInterface
public interface Callback {
    /**
     * Runs the callback on the loop thread.
     *
     * @throws Exception anything; it goes to the loop's exception handler
     */
    void run() throws Exception;
}
