package dev.weft;

import java.util.concurrent.CancellationException;

/**
 * Thrown inside a task at its next suspension point after {@link Task#cancel()} was called, and
 * by {@link Future#await()} on a future that was cancelled (asyncio's {@code CancelledError}).
 *
 * <p>It is unchecked and extends the JDK's {@link CancellationException}, so code written for
 * {@code java.util.concurrent} recognises it. A task may catch it to clean up and may even go
 * on waiting afterwards (the cancellation is delivered once); rethrowing it is what marks the
 * task as cancelled.
 */
public class CancelledException extends CancellationException {

    /**
     * Creates a cancellation with an optional message (null for none).
     *
     * @param message what the cancellation says, or null
     */
    public CancelledException(String message) {
        super(message);
    }

    /** Creates a cancellation without a message. */
    public CancelledException() {
        super();
    }
}
