package dev.weft.queue;

import java.util.ArrayDeque;
import java.util.Comparator;

/**
 * How a {@link Queue} keeps its items: the one part that differs between {@link Queue} (FIFO),
 * {@link LifoQueue} and {@link PriorityQueue} (asyncio's {@code _init/_put/_get}). Not
 * thread-safe: the queue calls it only under its guard, and never with null.
 *
 * @param <T> the type of the items
 */
interface Storage<T> {

    /** Stores {@code item}. */
    void add(T item);

    /** Removes and returns the next item by this discipline; called only when not empty. */
    T remove();

    /** How many items are stored. */
    int size();

    /** Drops every item. */
    void clear();

    /**
     * Throws if {@code item} can never be stored (called before the queue changes anything).
     *
     * @throws ClassCastException if the item cannot be ordered
     */
    default void check(T item) {
    }

    /** An {@link ArrayDeque}: first in, first out, or last in, first out. */
    final class Deque<T> implements Storage<T> {
        private final ArrayDeque<T> items = new ArrayDeque<>();
        private final boolean lastInFirstOut;

        Deque(boolean lastInFirstOut) {
            this.lastInFirstOut = lastInFirstOut;
        }

        @Override
        public void add(T item) {
            items.addLast(item);
        }

        @Override
        public T remove() {
            return lastInFirstOut ? items.removeLast() : items.removeFirst();
        }

        @Override
        public int size() {
            return items.size();
        }

        @Override
        public void clear() {
            items.clear();
        }
    }

    /**
     * Lowest first by a comparator; items that compare equal come out in the order they were
     * added (a sequence number breaks ties, unlike {@link java.util.PriorityQueue}).
     */
    final class Priority<T> implements Storage<T> {
        private record Entry<T>(T item, long sequence) {
        }

        private final java.util.PriorityQueue<Entry<T>> heap;
        private final boolean natural;
        private long nextSequence;

        /** Orders by {@code order}, or by the items' natural order when it is null. */
        @SuppressWarnings({"unchecked", "rawtypes"})
        Priority(Comparator<? super T> order) {
            this.natural = order == null;
            Comparator<? super T> cmp = natural ? (Comparator) Comparator.naturalOrder() : order;
            Comparator<Entry<T>> byItem = (a, b) -> cmp.compare(a.item(), b.item());
            this.heap = new java.util.PriorityQueue<>(byItem.thenComparingLong(Entry::sequence));
        }

        @Override
        public void add(T item) {
            heap.add(new Entry<>(item, nextSequence++));
        }

        @Override
        public void check(T item) {
            if (natural && !(item instanceof Comparable)) {
                throw new ClassCastException(item.getClass().getName() + " is not Comparable: give the"
                        + " PriorityQueue a Comparator, or put items that have a natural order");
            }
        }

        @Override
        public T remove() {
            return heap.remove().item();
        }

        @Override
        public int size() {
            return heap.size();
        }

        @Override
        public void clear() {
            heap.clear();
        }
    }
}
