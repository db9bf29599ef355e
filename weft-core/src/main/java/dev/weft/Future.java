package dev.weft;

import dev.weft.internal.Durations;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * A result that will exist later (asyncio's {@code Future}): set once with a value, an
 * exception, or a cancellation, and awaited by tasks of any loop or by plain threads.
 *
 * <pre>
 *             setResult        +--------+
 *        +-------------------> | RESULT |
 *        |                     +--------+
 *   +---------+  setException  +--------+
 *   | PENDING | -------------> | FAILED |
 *   +---------+                +--------+
 *        |       cancel        +-----------+
 *        +-------------------> | CANCELLED |
 *                              +-----------+
 * </pre>
 *
 * <p><b>Waiting.</b> {@link #await()} blocks the calling task, which lets its loop run other
 * tasks, or the calling plain thread. It is always a cancellation point: a task with a pending
 * cancellation gets {@link CancelledException} even when the future is already done. When the
 * waiting task is cancelled, the cancellation is passed on to this future at once (to the
 * awaited task, if it is one, which the waiter then waits for) exactly as in asyncio; wrap the
 * future in {@link Weft#shield} to prevent that. The waiter gets {@link CancelledException}
 * whatever the future's outcome (see "Cancellation" in {@link Task}).
 *
 * <p><b>Done callbacks</b> run on the future's loop via {@code callSoon}, never inside
 * {@code setResult}, so user code never runs under the future's lock nor in the completer's
 * stack. A future made outside any loop runs them in the completing thread.
 *
 * <p><b>Thread-safety:</b> every method is safe from any thread. Completion, waiters and
 * callbacks are guarded by {@code this}; no user code runs while it is held.
 *
 * @param <T> the type of the result
 */
public class Future<T> {

    /** The states of a future (see the diagram above). */
    public enum State {
        /** Not done yet. */
        PENDING,
        /** Done with a value. */
        RESULT,
        /** Done with an exception. */
        FAILED,
        /** Done by cancellation. */
        CANCELLED
    }

    /** A waiter: either a parked thread or a callback. Guarded by the future. */
    private static final class Node {
        Node next;
        final Thread thread;
        final Consumer<Object> callback;
        final boolean direct;

        Node(Thread thread, Consumer<Object> callback, boolean direct) {
            this.thread = thread;
            this.callback = callback;
            this.direct = direct;
        }
    }

    /** The loop that runs this future's callbacks; null for a future made outside any loop. */
    final EventLoop loop;

    // Written once under `this`, before `state` is published; read without it after a volatile
    // read of `state` (so whoever sees the future done sees its outcome and its report too).
    private volatile State state = State.PENDING;
    private Object outcome;
    /** For a failure: the report logged if nobody reads the exception (see UnretrievedExceptions). */
    private UnretrievedExceptions.Report report;

    // Guarded by `this`. Null once the future is done.
    private Node waiters;

    /** Creates a pending future bound to the current loop (or to none outside a loop). */
    public Future() {
        this(EventLoop.current());
    }

    /**
     * Creates a pending future whose done callbacks run on {@code loop} (null: inline).
     *
     * @param loop the loop that runs the done callbacks, or null to run them inline
     */
    public Future(EventLoop loop) {
        this.loop = loop;
    }

    /**
     * Returns a future already done with {@code value}.
     *
     * @param <T> the result type
     * @param value the result
     * @return a future done with {@code value}
     */
    public static <T> Future<T> completed(T value) {
        Future<T> f = new Future<>((EventLoop) null);
        f.setResult(value);
        return f;
    }

    /**
     * Returns a future already failed with {@code error}.
     *
     * @param <T> the result type
     * @param error the exception it failed with
     * @return a future failed with {@code error}
     */
    public static <T> Future<T> failed(Throwable error) {
        Future<T> f = new Future<>((EventLoop) null);
        f.setException(error);
        return f;
    }

    /**
     * Adapts a {@link CompletionStage} (a {@code CompletableFuture}, a JDK HttpClient response…)
     * to a Weft future bound to the current loop, so that a task can {@link #await()} it.
     *
     * @param <T> the result type
     * @param stage the stage to follow
     * @return a future completed when {@code stage} is, with its result, exception or cancellation
     */
    public static <T> Future<T> of(CompletionStage<T> stage) {
        Future<T> f = new Future<>();
        stage.whenComplete((v, e) -> {
            if (e == null) {
                f.trySetResult(v);
            } else {
                Throwable cause = (e instanceof java.util.concurrent.CompletionException && e.getCause() != null)
                        ? e.getCause() : e;
                if (cause instanceof java.util.concurrent.CancellationException) {
                    f.cancel(cause.getMessage());
                } else {
                    f.trySetException(cause);
                }
            }
        });
        return f;
    }

    /** {@return the current state} */
    public final State state() {
        return state;
    }

    /** {@return true once a result, an exception or a cancellation is set} */
    public final boolean isDone() {
        return state != State.PENDING;
    }

    /** {@return true if the future was cancelled} */
    public final boolean isCancelled() {
        return state == State.CANCELLED;
    }

    /** {@return the loop this future belongs to, or null} */
    public final EventLoop loop() {
        return loop;
    }

    /**
     * Sets the result.
     *
     * @param value the result
     * @throws InvalidStateException if the future is already done
     */
    public final void setResult(T value) {
        if (!trySetResult(value)) {
            throw new InvalidStateException("setResult on a future that is already " + state);
        }
    }

    /**
     * Sets the result unless the future is done; returns whether it was set.
     *
     * @param value the result
     * @return true if it was set, false if the future was already done
     */
    public final boolean trySetResult(T value) {
        return complete(State.RESULT, value);
    }

    /**
     * Sets the exception.
     *
     * @param error the exception (a {@link CancelledException} cancels the future)
     * @throws InvalidStateException if the future is already done
     */
    public final void setException(Throwable error) {
        if (!trySetException(error)) {
            throw new InvalidStateException("setException on a future that is already " + state);
        }
    }

    /**
     * Sets the exception unless the future is done; returns whether it was set.
     *
     * @param error the exception (a {@link CancelledException} cancels the future)
     * @return true if it was set, false if the future was already done
     */
    public final boolean trySetException(Throwable error) {
        Objects.requireNonNull(error, "error");
        if (error instanceof CancelledException c) {
            return complete(State.CANCELLED, c);
        }
        return complete(State.FAILED, error);
    }

    /**
     * Cancels the future.
     *
     * @return false if it was already done
     */
    public boolean cancel() {
        return cancel(null);
    }

    /**
     * Cancels the future with a message that the {@link CancelledException} will carry.
     * For a plain future this completes it at once; a {@link Task} is only asked to stop.
     *
     * @param message what the {@link CancelledException} says, or null
     * @return false if the future was already done
     */
    public boolean cancel(String message) {
        return complete(State.CANCELLED, new CancelledException(message));
    }

    /**
     * Returns the result without waiting.
     *
     * @return the result
     * @throws InvalidStateException if the future is pending
     * @throws CancelledException if it was cancelled
     * @throws RuntimeException the exception it failed with (a checked one wrapped in
     *         {@link TaskFailedException})
     */
    @SuppressWarnings("unchecked")
    public final T result() {
        State s = state;
        if (s == State.PENDING) {
            throw new InvalidStateException("result is not set yet (the future is PENDING)");
        }
        markRetrieved();
        Object o = outcome;
        return switch (s) {
            case RESULT -> (T) o;
            case CANCELLED -> throw copyCancel((CancelledException) o);
            default -> throw rethrowable((Throwable) o);
        };
    }

    /**
     * Returns the exception the future failed with, or null if it has a result.
     *
     * @return the exception, or null
     * @throws InvalidStateException if the future is pending
     * @throws CancelledException if it was cancelled
     */
    public final Throwable exception() {
        State s = state;
        if (s == State.PENDING) {
            throw new InvalidStateException("exception is not set yet (the future is PENDING)");
        }
        markRetrieved();
        if (s == State.CANCELLED) {
            throw copyCancel((CancelledException) outcome);
        }
        return s == State.FAILED ? (Throwable) outcome : null;
    }

    /**
     * The outcome as a value: the result, the exception, or the {@link CancelledException}.
     * This is what {@link Weft#gatherReturningExceptions} collects.
     *
     * @return the result, the exception or the cancellation
     */
    public final Object outcome() {
        if (state == State.PENDING) {
            throw new InvalidStateException("the future is PENDING");
        }
        markRetrieved();
        return outcome;
    }

    /**
     * Waits until the future is done and returns its result (asyncio's {@code await fut}).
     * Always a cancellation point. If the calling task is cancelled while waiting, the
     * cancellation is passed on to this future and {@link CancelledException} is thrown once
     * this future has finished — also when it finished with a result, and also when it had
     * finished just before the cancel but the task had not resumed yet.
     *
     * @return the result
     * @throws CancelledException if the caller or the future was cancelled
     * @throws RuntimeException the future's exception (checked ones wrapped in {@link TaskFailedException})
     */
    public final T await() {
        Task<?> me = Task.current();
        if (me != null) {
            me.checkpoint();
        }
        if (state == State.PENDING) {
            awaitDone(me, -1);
        }
        return result();
    }

    /**
     * Waits at most {@code timeout} for the future; unlike {@link Weft#waitFor} it leaves the
     * future running when the time is up.
     *
     * @param timeout the longest wait
     * @return the result
     * @throws TimeoutException if the future is still pending after {@code timeout}
     */
    public final T await(Duration timeout) {
        Task<?> me = Task.current();
        if (me != null) {
            me.checkpoint();
        }
        if (state == State.PENDING) {
            awaitDone(me, timeout.toNanos());
            if (state == State.PENDING) {
                throw new TimeoutException("future still pending after " + Durations.format(timeout));
            }
        }
        return result();
    }

    /**
     * Waits for completion without reporting the outcome, with an optional timeout
     * ({@code nanos < 0}: none). Returns when done or timed out.
     *
     * <p>In a task, the wait is registered with {@link Task#beginAwait}: a cancel requested
     * while it lasts cancels this future at once (a task is asked to stop and waited for), and
     * the cancellation is always delivered here, as {@link CancelledException}, even when this
     * future completed before the task resumed. Only a timed wait whose time runs out throws it
     * without waiting for a cancelled task to finish.
     *
     * @throws CancelledException if the calling task had or got a cancellation request
     */
    final void awaitDone(Task<?> me, long nanos) {
        Thread self = Thread.currentThread();
        if (me == null && EventLoop.isLoopThread(self)) {
            throw new InvalidStateException("await() on the loop thread would block the loop: a callback"
                    + " must not wait; spawn a task and wait there");
        }
        if (me != null) {
            me.beginAwait(this);
        }
        boolean cancelled = false;
        try {
            cancelled = parkUntilDone(me, self, nanos);
        } finally {
            if (me != null) {
                me.endAwait();
            }
        }
        if (cancelled) {
            throw new CancelledException(me.lastCancelMessage());
        }
    }

    /** The waiting part of {@link #awaitDone}; returns whether the task took a cancellation. */
    private boolean parkUntilDone(Task<?> me, Thread self, long nanos) {
        Node node = new Node(self, null, false);
        if (!addNode(node)) {
            return false;
        }
        TimerHandle timer = null;
        if (nanos >= 0 && me != null) {
            timer = me.loop.callLater(nanos, () -> {
                removeNode(node);
                java.util.concurrent.locks.LockSupport.unpark(self);
            });
        }
        long deadline = nanos >= 0 ? System.nanoTime() + nanos : 0;
        boolean cancelled = false;
        try {
            while (true) {
                if (me != null) {
                    // First, before "is it done?": a cancel that came after the completion but
                    // before this task resumed must not be lost.
                    if (me.takeCancel()) {
                        cancelled = true;
                    }
                } else if (Thread.interrupted()) {
                    self.interrupt();
                    throw new CancelledException("interrupted while waiting");
                }
                if (state != State.PENDING) {
                    return cancelled;
                }
                if (nanos >= 0) {
                    if (timer != null) {
                        if (timer.hasFired()) {
                            return cancelled;
                        }
                        Task.park(this);
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            return cancelled;
                        }
                        java.util.concurrent.locks.LockSupport.parkNanos(this, left);
                    }
                } else {
                    Task.park(this);
                }
            }
        } finally {
            if (timer != null) {
                timer.cancel();
            }
            if (state == State.PENDING) {
                removeNode(node);
            }
        }
    }

    /** How a waiting task's cancellation reaches the awaited future; Task overrides it. */
    void cancelFromWaiter(String message) {
        cancel(message);
    }

    /**
     * Adds a callback run on the future's loop once it is done (at once, via the loop, if it
     * is already done). The callback gets this future.
     *
     * @param callback what to run, given this future
     */
    @SuppressWarnings("unchecked")
    public final void addDoneCallback(Consumer<? super Future<T>> callback) {
        Objects.requireNonNull(callback, "callback");
        Node node = new Node(null, (Consumer<Object>) (Consumer<?>) callback, false);
        if (!addNode(node)) {
            dispatch(node);
        }
    }

    /**
     * Removes every registration of {@code callback}; returns how many were removed.
     *
     * @param callback the callback to remove
     * @return how many registrations were removed
     */
    public final int removeDoneCallback(Consumer<? super Future<T>> callback) {
        int removed = 0;
        synchronized (this) {
            Node prev = null;
            for (Node n = waiters; n != null; n = n.next) {
                if (n.callback == callback) {
                    removed++;
                    if (prev == null) {
                        waiters = n.next;
                    } else {
                        prev.next = n.next;
                    }
                } else {
                    prev = n;
                }
            }
        }
        return removed;
    }

    /**
     * Weft-internal: a callback run in the completing thread, at once. It must be short,
     * thread-safe and must not throw (combinators use it to count completions).
     */
    @SuppressWarnings("unchecked")
    final void addDirectCallback(Consumer<? super Future<T>> callback) {
        Node node = new Node(null, (Consumer<Object>) (Consumer<?>) callback, true);
        if (!addNode(node)) {
            callback.accept(this);
        }
    }

    /** {@return a CompletableFuture that completes when this future does} */
    public final CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> cf = new CompletableFuture<>();
        addDirectCallback(f -> {
            switch (f.state) {
                case RESULT -> cf.complete(f.resultQuietly());
                case CANCELLED -> cf.cancel(false);
                default -> cf.completeExceptionally((Throwable) f.outcome);
            }
        });
        return cf;
    }

    @SuppressWarnings("unchecked")
    private T resultQuietly() {
        markRetrieved();
        return (T) outcome;
    }

    /** Completes the future; returns false if it was already done. */
    boolean complete(State s, Object value) {
        Node list;
        synchronized (this) {
            if (state != State.PENDING) {
                return false;
            }
            outcome = value;
            if (s == State.FAILED) {
                // Armed before the state is published: a reader that sees FAILED disarms it.
                report = UnretrievedExceptions.watch(this, (Throwable) value);
            }
            state = s;
            list = waiters;
            waiters = null;
        }
        // Wake in FIFO order: the list is LIFO, so reverse it first.
        Node reversed = null;
        while (list != null) {
            Node next = list.next;
            list.next = reversed;
            reversed = list;
            list = next;
        }
        // Every waiter is woken whatever happens to one of them: the value is set, so nothing
        // may be thrown from here (a waiter's or a callback's loop may be closed).
        for (Node n = reversed; n != null; n = n.next) {
            if (n.thread != null) {
                wake(n.thread);
            } else {
                dispatch(n);
            }
        }
        return true;
    }

    /** Unparks a waiting thread; a task of a closed loop cannot run again and stays where it is. */
    private void wake(Thread t) {
        try {
            java.util.concurrent.locks.LockSupport.unpark(t);
        } catch (RuntimeException e) {
            EventLoop.reportUnhandled("waking " + t + " for " + this, e, loop);
        }
    }

    private void dispatch(Node n) {
        if (n.direct || loop == null) {
            try {
                n.callback.accept(this);
            } catch (Throwable t) {
                EventLoop.reportUnhandled("done callback of " + this, t, loop);
            }
        } else {
            try {
                loop.callSoon(() -> n.callback.accept(this));
            } catch (RejectedExecutionException closed) {
                EventLoop.reportUnhandled("done callback of " + this + " not run: " + loop + " is closed", closed, loop);
            }
        }
    }

    private synchronized boolean addNode(Node node) {
        if (state != State.PENDING) {
            return false;
        }
        node.next = waiters;
        waiters = node;
        return true;
    }

    private synchronized void removeNode(Node node) {
        Node prev = null;
        for (Node n = waiters; n != null; n = n.next) {
            if (n == node) {
                if (prev == null) {
                    waiters = n.next;
                } else {
                    prev.next = n.next;
                }
                return;
            }
            prev = n;
        }
    }

    /** Disarms the unretrieved-exception report. Call only after reading a done {@code state}. */
    private void markRetrieved() {
        UnretrievedExceptions.Report r = report;
        if (r != null && !r.retrieved) {
            r.retrieved = true;
        }
    }

    /** For tests: true if this future's exception would be reported as never retrieved. */
    final boolean unretrievedReportArmed() {
        UnretrievedExceptions.Report r = isDone() ? report : null;
        return r != null && !r.retrieved;
    }

    static CancelledException copyCancel(CancelledException c) {
        CancelledException copy = new CancelledException(c.getMessage());
        copy.initCause(c.getCause());
        return copy;
    }

    /** An exception that can be thrown unchecked: itself, or wrapped if checked. */
    static RuntimeException rethrowable(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new TaskFailedException(t);
    }

    @Override
    public String toString() {
        State s = state;
        String what = getClass().getSimpleName();
        return switch (s) {
            case PENDING -> "<" + what + " pending>";
            case RESULT -> "<" + what + " finished result=" + outcome + ">";
            case FAILED -> "<" + what + " finished exception=" + outcome + ">";
            case CANCELLED -> "<" + what + " cancelled>";
        };
    }
}
