package dev.weft;

import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A coroutine running on an {@link EventLoop} (asyncio's {@code Task}): a virtual thread whose
 * scheduler is its loop, and the {@link Future} of its outcome.
 *
 * <pre>{@code
 *  spawn        first step          park (await, sleep, lock, JDK I/O…)
 *  -----> NEW ------------> RUNNING ---------------------------------> WAITING
 *          |                 ^  |  <------------------------------------  |
 *          |                 |  |        woken: queued on the loop        |
 *          | cancel          |  | body returns / throws                   |
 *          v                 |  v                                         |
 *      CANCELLED  <----------+-DONE (RESULT | FAILED | CANCELLED) <--------+
 * }</pre>
 *
 * <p><b>Scheduling.</b> Every time the task's virtual thread becomes runnable its continuation
 * is put on its loop's ready queue; the loop thread runs it until it blocks again. All tasks of
 * a loop therefore run on the loop thread, one at a time, in FIFO order. Any blocking JDK call
 * (Thread.sleep, locks, BlockingQueue, sockets, JDBC) unmounts the task and frees the loop.
 *
 * <p><b>Cancellation.</b> {@link #cancel(String)} asks the task to stop: a task that has not
 * started never runs; a running one gets {@link CancelledException} at its next Weft
 * suspension point (and {@code InterruptedException} or a closed channel from a blocking JDK
 * call, since the thread is also interrupted). The cancellation is delivered once; the task
 * may catch it, clean up, even keep waiting, and it ends CANCELLED when the exception
 * escapes its body. Counting like asyncio 3.11: {@link #cancelling()} and {@link #uncancel()}.
 *
 * <p><b>Thread-safety:</b> all public methods are safe from any thread.
 *
 * @param <T> the type of the result
 */
public final class Task<T> extends Future<T> {

    /** Observable phases of a task, for dumps and {@link #phase()}. */
    public enum Phase {
        /** Spawned, its first step not run yet. */
        NEW,
        /** Queued on its loop, about to run. */
        SCHEDULED,
        /** Running on its loop thread now. */
        RUNNING,
        /** Suspended, waiting for something. */
        WAITING,
        /** Finished. */
        DONE
    }

    /** The running task, bound for the whole body (a ScopedValue costs a parked task far less than a ThreadLocal map). */
    private static final ScopedValue<Object> CURRENT = ScopedValue.newInstance();
    private static final Object NO_TASK = new Object();
    private static final AtomicLong COUNTER = new AtomicLong();
    /** Runs continuations of virtual threads that a task started with the JDK's own API. */
    private static final Executor FOREIGN = ForkJoinPool.commonPool();

    private final String name;
    private final Coroutine<T> body;
    final Thread thread;
    private final Carrier carrier;   // fast path only
    private final Baton baton;       // compatibility path only
    final StackTraceElement[] spawnSite; // debug mode only

    // Written by the loop thread; read by dumps (racy reads are fine there).
    Phase phase = Phase.NEW;

    // Guarded by `cancelLock`.
    private final Object cancelLock = new Object();
    private boolean cancelPending;
    private String cancelMessage;
    private int cancelRequests;

    Task(EventLoop loop, String name, Coroutine<T> body) {
        super(loop);
        this.name = name != null ? name : "Task-" + COUNTER.incrementAndGet();
        this.body = body;
        this.spawnSite = loop.debug() ? new Throwable().getStackTrace() : null;
        if (SchedulerBridge.available()) {
            this.carrier = new Carrier();
            this.baton = null;
            this.thread = SchedulerBridge.newVirtualThread(carrier, this.name, this::runBody);
        } else {
            this.carrier = null;
            this.baton = new Baton();
            this.thread = Thread.ofVirtual().name(this.name).inheritInheritableThreadLocals(false).unstarted(this::runBody);
        }
    }

    /** Starts the task's thread; its first step is queued on the loop. */
    void start() {
        if (baton != null) {
            // Queue the first step now, in spawn order, as the fast path does.
            baton.requestFirstGrant();
        }
        thread.start();
    }

    /** The task running the calling code, or null when called outside a task. */
    public static Task<?> current() {
        Object t = CURRENT.orElse(NO_TASK);
        return t == NO_TASK ? null : (Task<?>) t;
    }

    /** The task's name. */
    public String name() {
        return name;
    }

    /** The task's virtual thread (for stack inspection; do not interrupt or join it directly). */
    public Thread thread() {
        return thread;
    }

    /** Where the task is in its lifecycle. */
    public Phase phase() {
        return phase;
    }

    /** The task's current stack (empty when it is not started or done). */
    public StackTraceElement[] stack() {
        return thread.getStackTrace();
    }

    /** Requests cancellation without a message. */
    @Override
    public boolean cancel() {
        return cancel(null);
    }

    /**
     * Requests cancellation (see the class comment).
     *
     * @return false if the task is already done
     */
    @Override
    public boolean cancel(String message) {
        if (isDone()) {
            return false;
        }
        synchronized (cancelLock) {
            if (isDone()) {
                return false;
            }
            cancelRequests++;
            cancelPending = true;
            cancelMessage = message;
            if (baton == null || phase != Phase.NEW) {
                thread.interrupt();
            }
        }
        return true;
    }

    /** How many cancellation requests are outstanding (asyncio's {@code Task.cancelling()}). */
    public int cancelling() {
        synchronized (cancelLock) {
            return cancelRequests;
        }
    }

    /**
     * Withdraws one cancellation request and returns how many remain (asyncio's
     * {@code Task.uncancel()}); used by timeouts that turned their own cancellation into a
     * {@link TimeoutException}.
     */
    public int uncancel() {
        synchronized (cancelLock) {
            if (cancelRequests > 0) {
                cancelRequests--;
            }
            if (cancelRequests == 0) {
                cancelPending = false;
            }
            return cancelRequests;
        }
    }

    /**
     * Delivers a pending cancellation: throws {@link CancelledException} if one is pending.
     * Every Weft blocking operation calls this first.
     */
    void checkpoint() {
        if (cancelPending && takeCancel()) {
            throw new CancelledException(lastCancelMessage());
        }
    }

    /**
     * Makes the calling code a cancellation point even when it does not wait: if the calling
     * task has a pending cancellation, takes it and throws {@link CancelledException}; otherwise,
     * and outside any task, does nothing (Trio's {@code checkpoint_if_cancelled}). Primitives
     * built outside this package ({@code dev.weft.sync}, {@code dev.weft.queue}, user code) call
     * it first in every operation that may block, so that they are <em>always</em> cancellation
     * points, not only when they happen to wait. Call it on the task's own thread.
     *
     * @throws CancelledException if the calling task has a pending cancellation
     */
    public static void checkpointCurrent() {
        Task<?> me = current();
        if (me != null) {
            me.checkpoint();
        }
    }

    /**
     * Takes the pending cancellation if any, clearing the thread's interrupt status with it.
     * Called on the task's own thread.
     */
    boolean takeCancel() {
        if (!cancelPending) {
            return false;
        }
        synchronized (cancelLock) {
            if (!cancelPending) {
                return false;
            }
            cancelPending = false;
            Thread.interrupted();
            return true;
        }
    }

    /** The message of the latest cancellation request. */
    String lastCancelMessage() {
        synchronized (cancelLock) {
            return cancelMessage;
        }
    }

    /** Puts back a cancellation taken by a wait whose operation completed anyway. */
    void rearmCancel(String message) {
        synchronized (cancelLock) {
            if (!cancelPending) {
                cancelPending = true;
                cancelMessage = message;
                thread.interrupt();
            }
        }
    }

    @Override
    void cancelFromWaiter(String message) {
        cancel(message);
    }

    private void runBody() {
        ScopedValue.where(CURRENT, this).run(this::runBoundBody);
    }

    private void runBoundBody() {
        Baton b = baton;
        if (b != null) {
            b.awaitGrant();
        }
        T value = null;
        Throwable failure = null;
        try {
            checkpoint();
            value = body.call();
        } catch (Throwable t) {
            failure = t;
        } finally {
            synchronized (cancelLock) {
                // After this no cancel() interrupts the finished thread.
                phase = Phase.DONE;
            }
            finish(value, failure);
            loop.taskDone(this);
            if (b != null) {
                b.release();
            }
        }
    }

    private void finish(T value, Throwable failure) {
        if (failure == null) {
            complete(State.RESULT, value);
        } else if (failure instanceof CancelledException c) {
            complete(State.CANCELLED, c);
        } else if (cancelling() > 0 && causedByInterrupt(failure)) {
            CancelledException c = new CancelledException(lastCancelMessage());
            c.initCause(failure);
            complete(State.CANCELLED, c);
        } else {
            complete(State.FAILED, failure);
        }
    }

    /**
     * True for what a blocking JDK call throws when the cancellation interrupted it:
     * {@code InterruptedException}, a channel closed by the interrupt, a socket "Closed by
     * interrupt" (java.net sockets close themselves when their virtual thread is interrupted).
     */
    private static boolean causedByInterrupt(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InterruptedException || c instanceof java.io.InterruptedIOException
                    || c instanceof java.nio.channels.ClosedByInterruptException
                    || (c instanceof java.net.SocketException && String.valueOf(c.getMessage()).contains("interrupt"))) {
                return true;
            }
        }
        return false;
    }

    @Override
    boolean complete(State s, Object value) {
        // Only the task's own body decides its outcome: cancel() merely requests.
        if (Thread.currentThread() != thread) {
            return false;
        }
        return super.complete(s, value);
    }

    /**
     * Parks the calling thread until unparked (or spuriously). In a task on the compatibility
     * path the loop baton is handed back while parked. Callers must re-check their condition.
     */
    static void park(Object blocker) {
        Task<?> me = current();
        if (me != null && me.baton != null) {
            me.baton.idle = true;
            me.baton.release();
            LockSupport.park(blocker);
            me.baton.acquire();
        } else {
            LockSupport.park(blocker);
        }
    }

    /**
     * Lets the other ready tasks of the loop run once, then continues. On the fast path this is
     * {@code Thread.yield()} (the continuation goes to the back of the ready queue); on the
     * compatibility path the baton is handed back and asked for again.
     */
    static void yieldCurrent() {
        Task<?> me = current();
        if (me != null && me.baton != null) {
            me.baton.yieldTurn();
        } else {
            Thread.yield();
        }
    }

    /** Compatibility path: woken from a Weft wait, but its request for the baton is not queued yet. */
    boolean wokenButNotQueued() {
        Baton b = baton;
        if (b == null || !b.idle || isDone()) {
            return false;
        }
        Thread.State s = thread.getState();
        return s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING && s != Thread.State.TERMINATED;
    }

    /** Fast path: the task's scheduler; queues its continuation on the loop. */
    private final class Carrier implements Executor, Runnable {
        private Runnable continuation;

        @Override
        public void execute(Runnable r) {
            Runnable c = continuation;
            if (c == null) {
                continuation = c = r;
            } else if (r != c) {
                // A virtual thread started inside this task with Thread.ofVirtual() inherits its
                // scheduler; it is not a task of the loop, so run it like an ordinary one.
                FOREIGN.execute(r);
                return;
            }
            phase = Phase.SCHEDULED;
            loop.schedule(this);
        }

        @Override
        public void run() {
            loop.runTaskStep(Task.this, continuation);
        }
    }

    /**
     * Compatibility path: the task is an ordinary virtual thread and may run only while it holds
     * its loop's baton. The loop thread grants the baton and waits until it comes back.
     */
    final class Baton implements Runnable {
        private volatile boolean granted;
        private volatile boolean held;
        private volatile Thread loopThread;

        /** True while parked in a Weft wait without the baton (see {@link #wokenButNotQueued()}). */
        volatile boolean idle = true;

        /** Task thread: asks the loop for the baton and waits until granted. */
        void acquire() {
            granted = false;
            // Through the inbox, always: the loop thread may still be finishing the hand-off of
            // this very task, so "am I on the loop?" could answer yes for a thread that is not.
            loop.scheduleFromOutside(this);
            awaitGrant();
        }

        /**
         * Task thread: lets the loop's other ready items run once. The request for the baton is
         * queued before the baton is given back, so that the task's turn comes after what was
         * ready before it and before whatever those items make ready.
         */
        void yieldTurn() {
            granted = false;
            loop.scheduleFromOutside(this);
            release();
            awaitGrant();
        }

        /** Spawner: queues the task's first step (its thread is not running yet). */
        void requestFirstGrant() {
            granted = false;
            loop.schedule(this);
        }

        /** Task thread: waits until the loop grants the baton. */
        void awaitGrant() {
            idle = false;
            boolean interrupted = false;
            while (!granted) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                thread.interrupt();
            }
        }

        /** Task thread: gives the baton back to the loop thread. */
        void release() {
            held = false;
            LockSupport.unpark(loopThread);
        }

        /** Loop thread: grants the baton and waits until the task gives it back. */
        @Override
        public void run() {
            loop.runTaskStep(Task.this, this::handOff);
        }

        private void handOff() {
            loopThread = Thread.currentThread();
            held = true;
            granted = true;
            LockSupport.unpark(thread);
            while (held) {
                LockSupport.park(this);
            }
        }
    }

    @Override
    public String toString() {
        String base = super.toString();
        return "<Task '" + name + "' " + (isDone() ? base.substring(base.indexOf(' ') + 1) : phase.name().toLowerCase() + ">");
    }
}
