package dev.weft.sync;


import dev.weft.CancelledException;
import dev.weft.Future;
import dev.weft.InvalidStateException;
import dev.weft.Task;
import dev.weft.TimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A condition variable for tasks (asyncio's {@code asyncio.Condition}): tasks holding its
 * {@link Lock} wait with {@link #await()} until another task {@link #signal() signals}.
 *
 * <pre>{@code
 * try (var _ = cond.lock()) {
 *     cond.awaitUntil(() -> !items.isEmpty());   // await cond.wait_for(...)
 *     item = items.removeFirst();
 * }
 * // elsewhere
 * try (var _ = cond.lock()) {
 *     items.add(x);
 *     cond.signal();                             // cond.notify()
 * }
 * }</pre>
 *
 * <p>The wake-up methods are named {@code signal}, {@code signal(n)} and {@code signalAll}
 * (asyncio's {@code notify}/{@code notify_all}): {@code Object.notify} is final.
 *
 * <p>A waiter's life:
 * <pre>
 *   await()     release the lock        signalled             lock re-acquired
 *  --------> [holds lock] ----------> WAITING -----------> RE-ACQUIRING ------------> returns
 *                                       |                      ^
 *                                       +-- cancelled ---------+  (then throws CancelledException)
 * </pre>
 *
 * <p><b>Cancellation.</b> {@link #await()} is always a cancellation point. Like asyncio, it
 * re-acquires the lock before it returns or throws, even when cancelled, so the caller's
 * try-with-resources block always ends holding the lock it releases. A cancellation that
 * arrives while re-acquiring is held back until the lock is re-acquired, then thrown. If a
 * waiter is cancelled after a signal was handed to it, the signal is passed on to the next
 * waiter, so no signal is lost (another waiter may then wake spuriously, which the
 * condition-variable protocol allows: always wait in a loop, or use {@link #awaitUntil}).
 *
 * <p><b>Threads.</b> Every method is safe from any thread; signals are delivered in the order
 * the waiters started waiting.
 */
public final class Condition {

    private final Lock lock;
    private final Object guard = new Object();

    // Guarded by `guard`: the tasks waiting for a signal, in arrival order.
    private final WaitList<Void> waiters = new WaitList<>(guard);

    /** Creates a condition with a new lock of its own. */
    public Condition() {
        this(new Lock());
    }

    /**
     * Creates a condition over {@code lock} (several conditions may share one lock).
     *
     * @param lock the lock the condition waits with
     */
    public Condition(Lock lock) {
        this.lock = Objects.requireNonNull(lock, "lock");
    }

    /** {@return the underlying lock} */
    public Lock underlyingLock() {
        return lock;
    }

    /** Acquires the underlying lock ({@link Lock#acquire()}). Always a cancellation point. */
    public void acquire() {
        lock.acquire();
    }

    /** Releases the underlying lock ({@link Lock#release()}). */
    public void release() {
        lock.release();
    }

    /**
     * Acquires the underlying lock for try-with-resources ({@link Lock#lock()}).
     *
     * @return the held lock, whose {@code close()} releases it
     */
    public Lock.Held lock() {
        return lock.lock();
    }

    /** {@return true if the underlying lock is held} */
    public boolean isLocked() {
        return lock.isLocked();
    }

    /**
     * Releases the lock, waits until signalled, and re-acquires the lock (asyncio's
     * {@code await cond.wait()}). The caller must hold the lock. Always a cancellation point;
     * the lock is held again when this returns or throws.
     *
     * @throws InvalidStateException if the lock is not held
     * @throws CancelledException    if the calling task was cancelled (the lock is held again)
     */
    public void await() {
        awaitSignal(null);
    }

    /**
     * Like {@link #await()}, giving up after {@code timeout}: returns false if no signal came
     * in time. Either way the lock is held again when it returns (or throws).
     *
     * @param timeout the longest wait for a signal
     * @return true if a signal came, false if the time ran out
     * @throws CancelledException if the task is cancelled (the lock is re-acquired first)
     */
    public boolean await(Duration timeout) {
        return awaitSignal(Objects.requireNonNull(timeout, "timeout"));
    }

    /** Releases the lock, waits for a signal (at most {@code timeout} if not null), re-acquires. */
    private boolean awaitSignal(Duration timeout) {
        if (!lock.isLocked()) {
            throw new InvalidStateException("await() on a Condition whose lock is not held: acquire it first");
        }
        Task.checkpointCurrent();
        Future<Void> ticket;
        synchronized (guard) {
            // Join the line before releasing the lock, so that a signal sent right after the
            // release cannot be missed.
            ticket = waiters.add();
        }
        lock.release();
        RuntimeException failure = null;
        boolean signalled = false;
        try {
            waiters.await(ticket, timeout, signal -> wake(1));
            signalled = true;
        } catch (TimeoutException e) {
            // not signalled in time: return false with the lock re-acquired
        } catch (CancelledException e) {
            failure = e;
        } finally {
            failure = reacquire(failure);
        }
        if (failure != null) {
            if (signalled) {
                wake(1); // we were signalled but do not return normally: pass the signal on
            }
            throw failure;
        }
        return signalled;
    }

    /**
     * Acquires the lock, holding back cancellations until it is acquired; returns the first
     * cancellation (or {@code failure}, if given). A plain thread's interrupt is kept pending.
     */
    private RuntimeException reacquire(RuntimeException failure) {
        boolean interrupted = false;
        while (true) {
            try {
                lock.acquire();
                break;
            } catch (CancelledException e) {
                if (failure == null) {
                    failure = e;
                }
                if (Task.current() == null) {
                    // A plain thread's interrupt flag stays set: clear it to be able to wait again.
                    interrupted |= Thread.interrupted();
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return failure;
    }

    /**
     * Waits until {@code predicate} is true (asyncio's {@code await cond.wait_for(predicate)}):
     * checks it, and while it is false {@link #await()}s and checks again. The predicate runs
     * while the lock is held. The caller must hold the lock. Always a cancellation point.
     *
     * @param predicate what to wait for, checked with the lock held
     * @return the predicate's last value (true)
     * @throws InvalidStateException if the lock is not held
     * @throws CancelledException    if the calling task was cancelled (the lock is held again)
     */
    public boolean awaitUntil(BooleanSupplier predicate) {
        Objects.requireNonNull(predicate, "predicate");
        if (!lock.isLocked()) {
            throw new InvalidStateException("awaitUntil() on a Condition whose lock is not held: acquire it first");
        }
        Task.checkpointCurrent();
        boolean result = predicate.getAsBoolean();
        while (!result) {
            await();
            result = predicate.getAsBoolean();
        }
        return result;
    }

    /** Wakes the first waiting task, if any (asyncio's {@code notify()}). The lock must be held. */
    public void signal() {
        signal(1);
    }

    /**
     * Wakes up to {@code n} waiting tasks, first come first served (asyncio's {@code notify(n)}).
     * The lock must be held. A waiter that withdrew meanwhile does not count.
     *
     * @param n the most waiters to wake
     * @return how many waiters were woken
     * @throws InvalidStateException if the lock is not held
     */
    public int signal(int n) {
        if (!lock.isLocked()) {
            throw new InvalidStateException("signal() on a Condition whose lock is not held: acquire it first");
        }
        return wake(n);
    }

    /** Wakes up to {@code n} waiters in order, skipping withdrawn ones; returns how many woke. */
    private int wake(int n) {
        int woken = 0;
        while (woken < n) {
            Future<Void> next;
            synchronized (guard) {
                next = waiters.pollFirst();
            }
            if (next == null) {
                break;
            }
            if (next.trySetResult(null)) {
                woken++;
            }
        }
        return woken;
    }

    /**
     * Wakes every waiting task (asyncio's {@code notify_all()}). The lock must be held.
     *
     * @return how many waiters were woken
     */
    public int signalAll() {
        return signal(Integer.MAX_VALUE);
    }

    @Override
    public String toString() {
        synchronized (guard) {
            return "<Condition " + (lock.isLocked() ? "locked" : "unlocked") + ", waiters=" + waiters.size() + ">";
        }
    }
}
