package dev.weft.sync;

import dev.weft.CancelledException;
import dev.weft.Coroutine;
import dev.weft.Future;
import dev.weft.InvalidStateException;
import dev.weft.Task;
import dev.weft.TaskFailedException;
import dev.weft.VoidCoroutine;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A mutual-exclusion lock for tasks (asyncio's {@code asyncio.Lock}): at most one holder at a
 * time; the others wait without blocking their loop.
 *
 * <pre>{@code
 * try (var _ = lock.lock()) {       // async with lock:
 *     if (!cache.containsKey(url)) cache.put(url, fetch(url));
 * }
 * }</pre>
 *
 * <pre>
 *              acquire / tryAcquire                 acquire (waits in line)
 *  UNLOCKED ------------------------> LOCKED ---------------------------+
 *     ^                               |  ^ |                            |
 *     +---- release, nobody waits ----+  | +--- release, someone waits: |
 *                                        |     handed to the first -----+
 *                                        +----------------- (stays LOCKED)
 * </pre>
 *
 * <p><b>Fairness.</b> Waiters get the lock in arrival order, and by direct hand-off: on
 * {@code release()} the lock goes straight to the first waiter and stays locked meanwhile, so
 * a task that arrives later (or a {@link #tryAcquire()}) cannot overtake a woken waiter.
 *
 * <p><b>Ownership.</b> Like asyncio's lock, and unlike {@link java.util.concurrent.locks.ReentrantLock},
 * the lock has no owner: it is not reentrant (acquiring it twice in one task deadlocks that
 * task), and {@link #release()} may be called by any task or thread, not only by the one that
 * acquired it. Prefer {@link #lock()} with try-with-resources, which pairs them.
 *
 * <p><b>Cancellation.</b> {@link #acquire()} is always a cancellation point, also when the lock
 * is free. A task cancelled while waiting gets {@link CancelledException} from
 * {@code acquire()} and does not hold the lock; if the lock was handed to it before it resumed,
 * it passes the lock on to the next waiter (or unlocks it) — never both, never neither (see
 * {@link WaitList}).
 *
 * <p><b>Threads.</b> Every method is safe from any thread: tasks of any loop and plain
 * threads (which block) may share one lock. Waiting never blocks a loop thread.
 */
public final class Lock {

    private final Object guard = new Object();

    // Guarded by `guard`.
    // Invariant: !waiters.isEmpty() implies locked (the lock is only unlocked when nobody waits;
    // while it is handed to a waiter it stays locked).
    private boolean locked;
    private final WaitList<Void> waiters = new WaitList<>(guard);

    /** Creates an unlocked lock. */
    public Lock() {
    }

    /**
     * Acquires the lock, waiting in line while it is held (asyncio's {@code await lock.acquire()}).
     * Always a cancellation point.
     *
     * @throws CancelledException if the calling task is cancelled (the lock is then not held by it)
     */
    public void acquire() {
        Task.checkpointCurrent();
        Future<Void> ticket;
        synchronized (guard) {
            if (!locked) {
                locked = true;
                return;
            }
            ticket = waiters.add();
        }
        waiters.await(ticket, null, granted -> release());
    }

    /**
     * Acquires the lock if it is free and nobody waits for it, without waiting (not a
     * cancellation point).
     *
     * @return true if the caller now holds the lock
     */
    public boolean tryAcquire() {
        synchronized (guard) {
            if (locked) {
                return false;
            }
            locked = true;
            return true;
        }
    }

    /**
     * Releases the lock: the first waiter, if any, gets it at once; otherwise it becomes free.
     * May be called from any task or thread (see "Ownership" in the class comment). Never waits.
     *
     * @throws InvalidStateException if the lock is not locked
     */
    public void release() {
        Future<Void> next;
        synchronized (guard) {
            if (!locked) {
                throw new InvalidStateException("release() of a Lock that is not locked");
            }
            next = pollNextOrUnlock();
        }
        // Wake outside the guard; if the waiter withdrew meanwhile, the lock goes to the next one.
        while (next != null && !next.trySetResult(null)) {
            synchronized (guard) {
                next = pollNextOrUnlock();
            }
        }
    }

    private Future<Void> pollNextOrUnlock() {
        Future<Void> next = waiters.pollFirst();
        if (next == null) {
            locked = false;
        }
        return next;
    }

    /** {@return true if the lock is held (by anyone)} */
    public boolean isLocked() {
        synchronized (guard) {
            return locked;
        }
    }

    /**
     * Acquires the lock and returns a handle whose {@link Held#close()} releases it, for
     * try-with-resources (asyncio's {@code async with lock}). Always a cancellation point.
     *
     * @return the held lock, whose {@code close()} releases it
     * @throws CancelledException if the calling task is cancelled before it got the lock
     */
    public Held lock() {
        acquire();
        return new Held();
    }

    /**
     * Runs {@code body} while holding the lock and returns its result.
     *
     * @param <T> the body's result type
     * @param body what to run while holding the lock
     * @return what the body returned
     * @throws CancelledException if the calling task is cancelled before it got the lock
     * @throws RuntimeException   what the body threw (checked exceptions wrapped in {@link TaskFailedException})
     */
    public <T> T withLock(Coroutine<T> body) {
        try (Held _ = lock()) {
            return body.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new TaskFailedException(e);
        }
    }

    /**
     * Runs {@code body}, which returns nothing, while holding the lock.
     *
     * @param body what to run with the lock held
     * @throws CancelledException if the calling task is cancelled before it got the lock
     * @throws RuntimeException   what the body threw (checked exceptions wrapped in {@link TaskFailedException})
     */
    public void withLock(VoidCoroutine body) {
        withLock(body.asCoroutine());
    }

    @Override
    public String toString() {
        synchronized (guard) {
            return "<Lock " + (locked ? "locked" : "unlocked") + ", waiters=" + waiters.size() + ">";
        }
    }

    /**
     * The lock held by a {@link #lock()} call; closing it releases the lock once. Closing it
     * again does nothing (so it never releases a hold taken by someone else meanwhile).
     */
    public final class Held implements AutoCloseable {

        private final AtomicBoolean open = new AtomicBoolean(true);

        private Held() {
        }

        /** Releases the lock, the first time it is called. */
        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                release();
            }
        }
    }
}
