package dev.weft.queue;

/**
 * Thrown by {@link Queue#putNowait} when the queue is full (asyncio's {@code QueueFull}).
 * Extends {@link IllegalStateException}, what {@link java.util.Queue#add} throws on a full queue.
 */
public class QueueFullException extends IllegalStateException {

    /**
     * Creates the exception with a message naming the queue's bound.
     *
     * @param message the detail message
     */
    public QueueFullException(String message) {
        super(message);
    }
}
