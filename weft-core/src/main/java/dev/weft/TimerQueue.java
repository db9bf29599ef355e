package dev.weft;

import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The timers of one {@link EventLoop} ({@code callLater}, {@code callAt}, and every wait with a
 * deadline): a heap ordered by deadline, then by the order the timers were made, so two timers
 * for the same instant run in that order.
 *
 * <p>A cancelled timer stays in the heap (removing it is O(n)); it is dropped when it reaches
 * the top, and the heap is rebuilt without them once they are more than half of it.
 *
 * <p><b>Threads.</b> The heap is the loop thread's: {@link #add}, {@link #next},
 * {@link #moveDueTo} and {@link #clear} assert it. {@link #nextSequence} and
 * {@link #cancelled} are safe from any thread (a timer is made, and may be cancelled, anywhere;
 * {@link EventLoop#callAtNanos} hands one made elsewhere to the loop through its inbox).
 */
final class TimerQueue {

    /** Rebuild the heap once this many cancelled timers sit in it (and they are half of it). */
    private static final int PURGE_THRESHOLD = 64;

    private final EventLoop loop;

    // Loop thread only.
    private final PriorityQueue<TimerHandle> heap = new PriorityQueue<>();

    // Any thread.
    /** Cancelled timers still in the heap (an estimate: cancel and fire may cross). */
    private final AtomicInteger cancelledInHeap = new AtomicInteger();
    /** Orders timers with the same deadline by creation. */
    private final AtomicLong sequence = new AtomicLong();

    TimerQueue(EventLoop loop) {
        this.loop = loop;
    }

    /** The creation number of the next timer. Any thread. */
    long nextSequence() {
        return sequence.getAndIncrement();
    }

    /** Adds a timer. Loop thread only. */
    void add(TimerHandle timer) {
        assert loop.holdsLoop() : "timers are added on the loop thread";
        heap.add(timer);
    }

    /** Counts a timer cancelled while still in the heap. Any thread. */
    void cancelled() {
        cancelledInHeap.incrementAndGet();
    }

    /** The live timer with the earliest deadline, or null; drops cancelled ones on the way. Loop thread only. */
    TimerHandle next() {
        assert loop.holdsLoop() : "timers are read on the loop thread";
        int cancelled = cancelledInHeap.get();
        if (cancelled > PURGE_THRESHOLD && cancelled > heap.size() / 2) {
            heap.removeIf(Handle::isCancelled);
            cancelledInHeap.set(0);
        }
        TimerHandle h;
        while ((h = heap.peek()) != null && h.isCancelled()) {
            heap.poll();
            cancelledInHeap.decrementAndGet();
        }
        return h;
    }

    /** Moves every live timer whose deadline is {@code now} or earlier to {@code ready}, in order. Loop thread only. */
    void moveDueTo(long now, ArrayDeque<Runnable> ready) {
        assert loop.holdsLoop() : "timers fire on the loop thread";
        TimerHandle h;
        while ((h = heap.peek()) != null) {
            if (h.isCancelled()) {
                heap.poll();
                cancelledInHeap.decrementAndGet();
            } else if (h.deadlineNanos() <= now) {
                ready.add(heap.poll());
            } else {
                break;
            }
        }
    }

    /** True if no timer (live or cancelled) is in the heap. Loop thread only. */
    boolean isEmpty() {
        return heap.isEmpty();
    }

    /** Drops every timer (the loop is closing; it is not running). */
    void clear() {
        heap.clear();
        cancelledInHeap.set(0);
    }
}
