package dev.weft.queue;

/**
 * A last-in-first-out {@link Queue} (asyncio's {@code asyncio.LifoQueue}): {@link #get()}
 * returns the item put most recently. Everything else — bounds, waiting, fairness between
 * waiting tasks, cancellation, {@code join}, {@code shutdown}, threads — is as in {@link Queue}.
 *
 * @param <T> the type of the items
 */
public final class LifoQueue<T> extends Queue<T> {

    /** Creates an unbounded LIFO queue. */
    public LifoQueue() {
        this(0);
    }

    /**
     * Creates a LIFO queue holding at most {@code maxSize} items; 0 means unbounded.
     *
     * @param maxSize the most items the queue holds; 0 or less: no limit
     * @throws IllegalArgumentException if {@code maxSize} is negative
     */
    public LifoQueue(int maxSize) {
        super(maxSize, new Storage.Deque<>(true));
    }
}
