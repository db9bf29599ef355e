package dev.weft.queue;

import java.util.NoSuchElementException;

/**
 * Thrown by {@link Queue#getNowait} when the queue has no item (asyncio's {@code QueueEmpty}).
 * Extends {@link NoSuchElementException}, what {@link java.util.Queue#remove} throws on an
 * empty queue.
 */
public class QueueEmptyException extends NoSuchElementException {

    /**
     * Creates the exception with a message.
     *
     * @param message the detail message
     */
    public QueueEmptyException(String message) {
        super(message);
    }
}
