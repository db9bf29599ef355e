package dev.weft.sync;

import dev.weft.CancelledException;
import dev.weft.EventLoop;
import dev.weft.Future;
import dev.weft.TimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A first-in-first-out line of waiters with direct hand-off: the building block of every
 * primitive of {@code dev.weft.sync} and of the queues of {@code dev.weft.queue}, public so that
 * other primitives can be built the same way (Trio's {@code ParkingLot}; asyncio's deque of
 * futures inside {@code Lock}, {@code Semaphore} and {@code Queue}).
 *
 * <p><b>Tickets.</b> Each waiter holds a <em>ticket</em>: a plain {@link Future} (bound to no
 * loop) that a granter completes with the thing granted, or the waiter cancels when it gives
 * up. The ticket's single completion is the one place where "granted" and "withdrawn" are
 * decided; its own monitor makes that race atomic, so a grant is never both delivered and
 * withdrawn:
 *
 * <pre>
 *   add()          pollFirst() / pollAll()         trySetResult(v) wins
 *  ------> QUEUED ------------------------> HANDED ---------------------> GRANTED (the waiter owns v)
 *            |                                |
 *            | cancelled / timed out          | the waiter's cancel() won: trySetResult returns false,
 *            v                                v the granter hands v to the next ticket instead
 *        WITHDRAWN (removed from the line)  WITHDRAWN
 * </pre>
 *
 * <p><b>How a primitive uses it</b> (a lock, say):
 * <pre>{@code
 * // acquire                                     // release
 * Task.checkpointCurrent();                      Future<Void> next;
 * Future<Void> ticket;                           synchronized (guard) {
 * synchronized (guard) {                             next = waiters.pollFirst(); // the lock stays locked:
 *     if (!locked) { locked = true; return; }        if (next == null) {         // it passes straight to next
 *     ticket = waiters.add();                            locked = false;
 * }                                                  }
 * waiters.await(ticket, null, v -> release());   }
 *                                                while (next != null && !next.trySetResult(null)) {
 *                                                    ... same block: the next one, or unlock
 *                                                }
 * }</pre>
 * Who is woken is decided under the guard; the ticket is completed (which unparks the waiter)
 * after the guard is released, so no thread is woken and no user code runs under it.
 *
 * <p><b>Cancellation and timeouts</b> are resolved by {@link #await}: nothing granted is ever
 * lost or duplicated. The cancellation of a waiting task is always delivered at this wait (see
 * {@link dev.weft.Task}): a cancel that comes before the grant cancels the ticket at once, so
 * the granter's {@code trySetResult} fails and it hands the grant to the next ticket; a cancel
 * that comes after the grant but before the waiter resumed finds the ticket done, and the
 * waiter, which gets {@link CancelledException} all the same, <em>gives the grant back</em>
 * (the callback passes it on to the next waiter) before the exception propagates. A timeout
 * that loses the race to a grant is ignored: the operation succeeded.
 *
 * <p><b>Threads.</b> {@link #add}, {@link #pollFirst}, {@link #pollAll}, {@link #size} and
 * {@link #isEmpty} must be called while holding the guard given to the constructor (the owning
 * primitive's lock; they assert it). {@link #await} must be called <em>without</em> it, from a
 * task of any loop or from a plain thread (a plain thread parks; an interrupt cancels its wait).
 *
 * @param <V> what is handed to a waiter
 */
public final class WaitList<V> {

    /** The owner's lock; every access to {@link #line} holds it. */
    private final Object guard;

    // Guarded by `guard`. The waiting tickets in arrival order. A ticket leaves the line when it
    // is polled (then it is being handed something) or withdrawn; a withdrawn ticket is removed
    // by the waiter that withdrew it. LinkedHashSet: FIFO order and O(1) removal of a ticket.
    private final LinkedHashSet<Future<V>> line = new LinkedHashSet<>();

    /**
     * Creates an empty line guarded by {@code guard}.
     *
     * @param guard the lock of the primitive that owns this line
     */
    public WaitList(Object guard) {
        this.guard = Objects.requireNonNull(guard, "guard");
    }

    /**
     * Puts a new ticket at the end of the line and returns it. Hold the guard. The caller must
     * then {@link #await} it, after releasing the guard.
     *
     * @return it
     */
    public Future<V> add() {
        assert Thread.holdsLock(guard) : "WaitList.add() without holding the guard";
        Future<V> ticket = new Future<>((EventLoop) null);
        line.add(ticket);
        return ticket;
    }

    /**
     * Takes the first ticket off the line, or returns null if nobody waits. Hold the guard;
     * complete the ticket ({@code trySetResult}) after releasing it, and if that fails (the
     * waiter withdrew meanwhile) hand the same thing to the next ticket.
     *
     * @return the future
     */
    public Future<V> pollFirst() {
        assert Thread.holdsLock(guard) : "WaitList.pollFirst() without holding the guard";
        return line.isEmpty() ? null : line.removeFirst();
    }

    /** {@return takes every ticket off the line, in order} Hold the guard; complete them after releasing it. */
    public List<Future<V>> pollAll() {
        assert Thread.holdsLock(guard) : "WaitList.pollAll() without holding the guard";
        List<Future<V>> all = new ArrayList<>(line);
        line.clear();
        return all;
    }

    /** {@return how many tickets wait} Hold the guard. */
    public int size() {
        assert Thread.holdsLock(guard) : "WaitList.size() without holding the guard";
        return line.size();
    }

    /** {@return true if nobody waits} Hold the guard. */
    public boolean isEmpty() {
        assert Thread.holdsLock(guard) : "WaitList.isEmpty() without holding the guard";
        return line.isEmpty();
    }

    /**
     * Waits until {@code ticket} is granted and returns what it was granted. Do not hold the
     * guard. See the class comment for how cancellation and timeouts are resolved.
     *
     * @param ticket   a ticket returned by {@link #add()}
     * @param timeout  how long to wait at most, or null for no limit
     * @param giveBack called (without the guard) with the grant when the grant arrived but the
     *                 caller's cancellation is delivered anyway: it must pass the grant on
     * @return the value the ticket was granted
     * @throws CancelledException if the waiting task was cancelled (or the plain thread interrupted)
     *         before the grant
     * @throws TimeoutException   if {@code timeout} passed before the grant
     */
    public V await(Future<V> ticket, Duration timeout, Consumer<? super V> giveBack) {
        try {
            return timeout == null ? ticket.await() : ticket.await(timeout);
        } catch (RuntimeException | Error e) {
            // Withdraw, unless a granter completed the ticket first: the ticket decides.
            if (ticket.cancel("waiter withdrew") || ticket.isCancelled()) {
                synchronized (guard) {
                    line.remove(ticket);
                }
                throw e;
            }
            V granted = ticket.result();
            if (e instanceof TimeoutException) {
                return granted; // the grant won against the deadline: the operation succeeded
            }
            giveBack.accept(granted);
            throw e;
        }
    }

    @Override
    public String toString() {
        synchronized (guard) {
            return "WaitList[waiting=" + line.size() + "]";
        }
    }
}
