package dev.weft.queue;

/**
 * Thrown by a {@link Queue} that was {@link Queue#shutdown() shut down} (Python 3.13's
 * {@code QueueShutDown}): by every put afterwards, and by a get once the queue is empty (at
 * once after an immediate shutdown). Waiting producers and consumers are woken with it.
 */
public class QueueShutDownException extends IllegalStateException {

    /**
     * Creates the exception with a message naming the operation that was refused.
     *
     * @param message the detail message
     */
    public QueueShutDownException(String message) {
        super(message);
    }
}
