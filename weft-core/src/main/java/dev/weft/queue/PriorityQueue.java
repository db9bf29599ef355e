package dev.weft.queue;

import java.util.Comparator;
import java.util.Objects;

/**
 * A {@link Queue} that returns the lowest item first (asyncio's {@code asyncio.PriorityQueue}),
 * by the items' natural order or by a {@link Comparator}. Items that compare equal come out in
 * the order they were put (it is stable, unlike {@link java.util.PriorityQueue}), so a queue of
 * jobs with a few priority levels stays FIFO within each level. Everything else — bounds,
 * waiting, fairness between waiting tasks, cancellation, {@code join}, {@code shutdown},
 * threads — is as in {@link Queue}.
 *
 * @param <T> the type of the items
 */
public final class PriorityQueue<T> extends Queue<T> {

    /**
     * Creates an unbounded queue ordered by the items' natural order; putting an item that is
     * not {@link Comparable} throws {@link ClassCastException}.
     */
    public PriorityQueue() {
        this(0);
    }

    /**
     * Creates a queue holding at most {@code maxSize} items (0: unbounded), ordered by the
     * items' natural order.
     *
     * @param maxSize the most items the queue holds; 0 or less: no limit
     * @throws IllegalArgumentException if {@code maxSize} is negative
     */
    public PriorityQueue(int maxSize) {
        super(maxSize, new Storage.Priority<>(null));
    }

    /**
     * Creates an unbounded queue ordered by {@code order}.
     *
     * @param order the order items come out in, smallest first
     */
    public PriorityQueue(Comparator<? super T> order) {
        this(0, order);
    }

    /**
     * Creates a queue holding at most {@code maxSize} items (0: unbounded), ordered by
     * {@code order}.
     *
     * @param maxSize the most items the queue holds; 0 or less: no limit
     * @param order the order items come out in, smallest first
     * @throws IllegalArgumentException if {@code maxSize} is negative
     */
    public PriorityQueue(int maxSize, Comparator<? super T> order) {
        super(maxSize, new Storage.Priority<>(Objects.requireNonNull(order, "order")));
    }
}
