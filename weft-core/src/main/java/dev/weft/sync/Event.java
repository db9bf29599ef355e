package dev.weft.sync;

import dev.weft.CancelledException;
import dev.weft.Future;
import dev.weft.Task;
import java.time.Duration;
import java.util.List;

/**
 * A flag that tasks can wait for (asyncio's {@code asyncio.Event}): {@link #set()} wakes every
 * waiter, {@link #clear()} resets it.
 *
 * <pre>
 *            set (wakes every waiter)
 *   CLEAR ----------------------------> SET
 *     ^                                  |
 *     +------------- clear --------------+
 * </pre>
 *
 * <p>Waiters are woken in the order they started waiting. A waiter woken by {@code set()}
 * returns even if the event is cleared again before it runs (as in asyncio).
 *
 * <p><b>Cancellation.</b> {@link #await()} is always a cancellation point, also when the event
 * is already set. A cancelled waiter simply leaves the line: an event hands nothing out, so
 * there is nothing to pass on.
 *
 * <p><b>Threads.</b> Every method is safe from any thread; tasks of any loop and plain threads
 * may wait on one event.
 */
public final class Event {

    private final Object guard = new Object();

    // Guarded by `guard`. Invariant: set implies waiters.isEmpty() (set() wakes them all, and
    // nobody starts waiting on a set event).
    private boolean set;
    private final WaitList<Void> waiters = new WaitList<>(guard);

    /** Creates an event that is not set. */
    public Event() {
    }

    /** Sets the event and wakes every task waiting for it. Never waits; safe from any thread. */
    public void set() {
        List<Future<Void>> woken;
        synchronized (guard) {
            if (set) {
                return;
            }
            set = true;
            woken = waiters.pollAll();
        }
        for (Future<Void> w : woken) {
            w.trySetResult(null);
        }
    }

    /** Resets the event; tasks that call {@link #await()} afterwards wait again. */
    public void clear() {
        synchronized (guard) {
            set = false;
        }
    }

    /** {@return true if the event is set} */
    public boolean isSet() {
        synchronized (guard) {
            return set;
        }
    }

    /**
     * Waits until the event is set; returns at once if it is (asyncio's {@code await event.wait()}).
     * Always a cancellation point.
     *
     * @throws CancelledException if the calling task is cancelled
     */
    public void await() {
        Task.checkpointCurrent();
        Future<Void> ticket;
        synchronized (guard) {
            if (set) {
                return;
            }
            ticket = waiters.add();
        }
        waiters.await(ticket, null, nothing -> { });
    }

    /**
     * Waits at most {@code timeout} for the event to be set. Always a cancellation point.
     *
     * @param timeout the time limit
     * @return true if the event was set, false if the time ran out first
     * @throws CancelledException if the calling task is cancelled
     */
    public boolean await(Duration timeout) {
        Task.checkpointCurrent();
        Future<Void> ticket;
        synchronized (guard) {
            if (set) {
                return true;
            }
            ticket = waiters.add();
        }
        try {
            waiters.await(ticket, timeout, nothing -> { });
            return true;
        } catch (dev.weft.TimeoutException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        synchronized (guard) {
            return "<Event " + (set ? "set" : "unset") + ", waiters=" + waiters.size() + ">";
        }
    }
}
