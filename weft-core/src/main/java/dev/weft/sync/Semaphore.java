package dev.weft.sync;

import dev.weft.CancelledException;
import dev.weft.Future;
import dev.weft.InvalidStateException;
import dev.weft.Task;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A counter of permits for tasks (asyncio's {@code asyncio.Semaphore}): {@link #acquire()}
 * takes one, waiting while there are none; {@link #release()} gives one back. The usual way to
 * bound concurrency:
 *
 * <pre>{@code
 * Semaphore slots = new Semaphore(10);
 * try (var _ = slots.permit()) {    // async with slots:
 *     return fetch(url);
 * }
 * }</pre>
 *
 * <pre>
 *   acquire: available &gt; 0 ? available-- : wait in line
 *   release: someone waits  ? hand the permit to the first waiter (available stays 0)
 *                           : available++
 * </pre>
 *
 * <p><b>Fairness.</b> Waiters get permits in arrival order, by direct hand-off: a released
 * permit goes straight to the first waiter, so a later {@code acquire()} or
 * {@link #tryAcquire()} cannot overtake it.
 *
 * <p><b>Cancellation.</b> {@link #acquire()} is always a cancellation point. A task cancelled
 * while waiting gets {@link CancelledException} from {@code acquire()} without a permit; a
 * permit handed to it before it resumed is passed on to the next waiter (or counted back);
 * permits are never lost nor created (see {@link WaitList}).
 *
 * <p>Like asyncio's, a plain semaphore may be released more often than acquired, which raises
 * the count; {@link BoundedSemaphore} forbids that.
 *
 * <p><b>Threads.</b> Every method is safe from any thread; tasks of any loop and plain threads
 * may share one semaphore.
 */
public sealed class Semaphore permits BoundedSemaphore {

    private final Object guard = new Object();
    /** The most permits {@link #release()} may make available; Integer.MAX_VALUE when unbounded. */
    private final int bound;

    // Guarded by `guard`.
    // Invariants: available >= 0; !waiters.isEmpty() implies available == 0 (a permit is never
    // free while someone waits: release hands it over instead of counting it).
    private int available;
    private final WaitList<Void> waiters = new WaitList<>(guard);

    /**
     * Creates a semaphore with {@code permits} permits available.
     *
     * @param permits the permits available at the start
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public Semaphore(int permits) {
        this(permits, Integer.MAX_VALUE);
    }

    Semaphore(int permits, int bound) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must not be negative, was " + permits);
        }
        this.available = permits;
        this.bound = bound;
    }

    /**
     * Takes a permit, waiting in line while none is available. Always a cancellation point.
     *
     * @throws CancelledException if the calling task is cancelled (it then has no permit)
     */
    public void acquire() {
        Task.checkpointCurrent();
        Future<Void> ticket;
        synchronized (guard) {
            if (available > 0) {
                available--;
                return;
            }
            ticket = waiters.add();
        }
        waiters.await(ticket, null, permit -> handBack());
    }

    /**
     * Takes a permit if one is available, without waiting (not a cancellation point).
     *
     * @return true if the caller now has a permit
     */
    public boolean tryAcquire() {
        synchronized (guard) {
            if (available > 0) {
                available--;
                return true;
            }
            return false;
        }
    }

    /**
     * Gives a permit back: the first waiter gets it, or the count goes up. Never waits; safe
     * from any task or thread.
     *
     * @throws InvalidStateException for a {@link BoundedSemaphore}, if this would make more
     *         permits available than it was created with
     */
    public void release() {
        Future<Void> next;
        synchronized (guard) {
            if (available >= bound) {
                throw new InvalidStateException(bound == Integer.MAX_VALUE
                        ? "release() would overflow the semaphore's count"
                        : "release() of a BoundedSemaphore that already has all its " + bound
                                + " permits: released more often than acquired");
            }
            next = pollNextOrCount();
        }
        handOff(next);
    }

    /** Passes a permit that was granted to a waiter which could not take it (no bound check). */
    private void handBack() {
        Future<Void> next;
        synchronized (guard) {
            next = pollNextOrCount();
        }
        handOff(next);
    }

    private Future<Void> pollNextOrCount() {
        Future<Void> next = waiters.pollFirst();
        if (next == null) {
            available++;
        }
        return next;
    }

    /** Completes {@code next} outside the guard; if it withdrew meanwhile, the permit goes on. */
    private void handOff(Future<Void> next) {
        while (next != null && !next.trySetResult(null)) {
            synchronized (guard) {
                next = pollNextOrCount();
            }
        }
    }

    /** {@return how many permits are available now (asyncio's {@code _value})} */
    public int available() {
        synchronized (guard) {
            return available;
        }
    }

    /** {@return true if {@link #acquire()} would wait (asyncio's {@code locked()}): no permit is available} */
    public boolean isLocked() {
        synchronized (guard) {
            return available == 0;
        }
    }

    /**
     * Takes a permit and returns a handle whose {@link Permit#close()} gives it back, for
     * try-with-resources (asyncio's {@code async with sem}). Always a cancellation point.
     *
     * @return the permit, whose {@code close()} gives it back
     * @throws CancelledException if the calling task is cancelled before it got a permit
     */
    public Permit permit() {
        acquire();
        return new Permit();
    }

    @Override
    public String toString() {
        synchronized (guard) {
            return "<" + getClass().getSimpleName() + " available=" + available + ", waiters=" + waiters.size() + ">";
        }
    }

    /**
     * A permit taken by {@link #permit()}; closing it gives the permit back once. Closing it
     * again does nothing.
     */
    public final class Permit implements AutoCloseable {

        private final AtomicBoolean open = new AtomicBoolean(true);

        private Permit() {
        }

        /** Gives the permit back, the first time it is called. */
        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                release();
            }
        }
    }
}
