package dev.weft;

import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
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
 * a loop therefore run on the loop thread, one at a time, in FIFO order (the first step of a task
 * spawned with {@link EventLoop#spawnNext} excepted: it goes ahead of the queue). Any blocking JDK call
 * (Thread.sleep, locks, BlockingQueue, sockets, JDBC) unmounts the task and frees the loop.
 *
 * <p><b>Cancellation.</b> {@link #cancel(String)} asks the task to stop, and a cancel that
 * returned {@code true} is always delivered, exactly once, as asyncio delivers it:
 * <ul>
 *   <li>a task that has not started never runs its body;</li>
 *   <li>a task suspended in a Weft wait ({@link Future#await()}, {@link Weft#sleep}, a lock,
 *       a queue, a channel's readiness…) gets {@link CancelledException} from that wait, even
 *       if what it waited for happened before it resumed (its wake-up was already queued, its
 *       sleep's deadline passed, the awaited future completed). The future it awaits is
 *       cancelled at once, inside {@code cancel()} — a task is only asked to stop, and waited
 *       for — so a value set on it afterwards is refused;</li>
 *   <li>a task blocked in a JDK call is also interrupted, so that the call returns
 *       ({@code InterruptedException}, a channel or socket closed by the interrupt); such a
 *       failure escaping the body ends the task CANCELLED. Catching it does not consume the
 *       cancellation: the next Weft wait still throws {@link CancelledException};</li>
 *   <li>a task cancelled while it runs gets it at its next Weft wait; if its body returns
 *       without waiting again, the task ends CANCELLED instead of with its result.</li>
 * </ul>
 * The body may catch the {@link CancelledException}, clean up, even keep waiting, and return
 * normally; or call {@link #uncancel()} to withdraw the request before it is delivered. It
 * ends CANCELLED when the exception escapes it. Counting like asyncio 3.11:
 * {@link #cancelling()} and {@link #uncancel()}. The primitives of {@code dev.weft.sync} and
 * {@code dev.weft.queue} follow the same rule: whatever was handed to a waiter whose
 * cancellation is delivered (a lock, a permit, an item, a signal) is passed on, never lost.
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

    // Guarded by `cancelLock` (cancelPending is also read without it, as a fast-path hint).
    private final Object cancelLock = new Object();
    /** A cancellation requested and not yet delivered (asyncio's {@code _must_cancel}). */
    private volatile boolean cancelPending;
    private String cancelMessage;
    private int cancelRequests;
    /** The future the body waits for now, or null (asyncio's {@code _fut_waiter}). */
    private Future<?> awaiting;
    /** True once the body has finished: from then on {@link #cancel} returns false. */
    private boolean bodyEnded;

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

    /** Starts the task's thread; its first step is queued on the loop (ahead of the queue if {@code first}). */
    void start(boolean first) {
        if (first && carrier != null) {
            carrier.firstStepNext = true;
        }
        if (baton != null) {
            // Queue the first step now, in spawn order, as the fast path does.
            baton.requestFirstGrant();
        }
        thread.start();
    }

    /** {@return the task running the calling code, or null when called outside a task} */
    public static Task<?> current() {
        Object t = CURRENT.orElse(NO_TASK);
        return t == NO_TASK ? null : (Task<?>) t;
    }

    /** {@return the task's name} */
    public String name() {
        return name;
    }

    /** {@return the task's virtual thread (for stack inspection; do not interrupt or join it directly)} */
    public Thread thread() {
        return thread;
    }

    /** {@return where the task is in its lifecycle} */
    public Phase phase() {
        return phase;
    }

    /** {@return the task's current stack (empty when it is not started or done)} */
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
        Future<?> target;
        synchronized (cancelLock) {
            if (bodyEnded) {
                return false;
            }
            cancelRequests++;
            cancelPending = true;
            cancelMessage = message;
            target = awaiting;
            if (baton == null || phase != Phase.NEW) {
                thread.interrupt();
            }
        }
        if (target != null) {
            // As asyncio does with _fut_waiter: the awaited future is cancelled now, so a value
            // set after this cancel is refused (the producer learns it was not delivered). A
            // task is only asked to stop; the waiter waits until it has.
            target.cancelFromWaiter(message);
        }
        return true;
    }

    /** {@return how many cancellation requests are outstanding (asyncio's {@code Task.cancelling()})} */
    public int cancelling() {
        synchronized (cancelLock) {
            return cancelRequests;
        }
    }

    /**
     * Withdraws one cancellation request and returns how many remain (asyncio's
     * {@code Task.uncancel()}); used by timeouts that turned their own cancellation into a
     * {@link TimeoutException}.
     *
     * @return how many cancellation requests remain
     */
    public int uncancel() {
        synchronized (cancelLock) {
            if (cancelRequests > 0) {
                cancelRequests--;
            }
            if (cancelRequests == 0 && cancelPending) {
                cancelPending = false;
                if (Thread.currentThread() == thread) {
                    Thread.interrupted(); // the interrupt belonged to the withdrawn request
                }
            }
            return cancelRequests;
        }
    }

    /**
     * Delivers a pending cancellation: throws {@link CancelledException} if one is pending.
     * Every Weft blocking operation calls this first.
     */
    void checkpoint() {
        Baton b = baton;
        if (b != null && b.lent) {
            b.rejoin();
        }
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
     * Task thread: records that the body now waits for {@code future}, so that a cancel
     * requested from now on cancels it too (asyncio's {@code _fut_waiter}). If a cancellation
     * is already pending, takes it and throws instead: the wait does not begin. Every call is
     * paired with {@link #endAwait()}.
     *
     * @throws CancelledException if a cancellation is pending
     */
    void beginAwait(Future<?> future) {
        synchronized (cancelLock) {
            if (cancelPending) {
                cancelPending = false;
                Thread.interrupted();
                throw new CancelledException(cancelMessage);
            }
            awaiting = future;
        }
    }

    /** Task thread: the wait begun by {@link #beginAwait} is over. */
    void endAwait() {
        synchronized (cancelLock) {
            awaiting = null;
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

    /**
     * Loop closing: the body can never run again, so the task is done, CANCELLED, for whoever
     * awaits it; its thread is interrupted so that a blocking JDK call it is in gives its
     * resources back. Its {@code finally} blocks do not run. Returns false if it was done.
     */
    boolean abandon() {
        synchronized (cancelLock) {
            if (bodyEnded || isDone()) {
                return false;
            }
            bodyEnded = true;
            thread.interrupt();
        }
        return super.complete(State.CANCELLED, new CancelledException("event loop closed before the task finished"));
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
            if (b != null && b.lent) {
                b.rejoin(); // finish on the loop, as every task does
            }
            boolean cancelAtEnd;
            String message;
            synchronized (cancelLock) {
                // From here on cancel() returns false and interrupts nothing. A cancellation
                // still pending was requested after the body's last suspension: it is delivered
                // by ending the task cancelled (asyncio: _must_cancel when the coroutine stops).
                bodyEnded = true;
                phase = Phase.DONE;
                cancelAtEnd = cancelPending;
                message = cancelMessage;
            }
            if (cancelAtEnd && failure == null) {
                failure = new CancelledException(message);
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
    static boolean causedByInterrupt(Throwable t) {
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

    /**
     * True when this task holds its loop while its thread is blocked in a JDK call: on the fast
     * path a call that pinned it to the loop thread, in compatibility mode any blocking call
     * made before the loop let the task go (see {@link Baton}). Such a task can only be freed by
     * an interrupt. Any thread; a racy snapshot.
     */
    boolean blockedHoldingLoop() {
        if (loop.stepThread() != thread || !blocked(thread)) {
            return false;
        }
        return baton == null || baton.stepping;
    }

    private static boolean blocked(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED;
    }

    /**
     * Compatibility path, called by {@link EventLoop#inLoop()} off the loop: if the calling
     * thread is a task of {@code loop} that the loop let go during a blocking JDK call, it
     * rejoins the loop (waits for its turn) and true is returned.
     */
    static boolean rejoinIfLent(EventLoop loop) {
        Task<?> me = current();
        if (me == null || me.loop != loop || me.baton == null || !me.baton.lent
                || Thread.currentThread() != me.thread) {
            return false;
        }
        me.baton.rejoin();
        return true;
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
        /** Set by {@link EventLoop#spawnNext}: the first step goes ahead of the loop's queue. */
        private boolean firstStepNext;

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
            try {
                if (firstStepNext) {
                    firstStepNext = false;
                    loop.scheduleNext(this);
                } else {
                    loop.schedule(this);
                }
            } catch (RejectedExecutionException closed) {
                // The loop is closed: nothing will run this task again (close() completed its
                // future). Never throw here: the caller may be a JDK poller thread.
                phase = Phase.DONE;
            }
        }

        @Override
        public void run() {
            loop.runTaskStep(Task.this, continuation);
        }
    }

    /**
     * Compatibility path: the task is an ordinary virtual thread and may run only while it holds
     * its loop's baton. The loop thread grants the baton and waits until it comes back.
     *
     * <p><b>Lending.</b> Without the scheduler hook Weft does not see a blocking JDK call (a
     * {@code java.net} socket, {@code Thread.sleep}, JDBC) begin or end: the task keeps the baton
     * through it, and the loop, with every other task, would wait as long as the call lasts —
     * for ever when the call waits for another task of the same loop (two tasks talking over a
     * socket, a server task in {@code accept()} and its client). So while the loop waits for
     * the baton it looks at the task's thread every {@link #PROBE_NANOS}: once the thread has
     * been blocked for {@link #LEND_AFTER_NANOS} in a call the program made (not inside Weft's
     * own code), the loop <em>lends</em> the task its freedom and goes on with its other work.
     * The task then runs beside the loop, as a plain virtual thread, until its next call into
     * Weft (any wait or checkpoint, and {@link EventLoop#inLoop()}) or its end, where it
     * <em>rejoins</em>: it waits for the baton like any woken task. Weft's own state is
     * thread-safe across that; data the program shares between tasks is not protected while
     * the task runs lent, which the first lend reports with the remedy (the JVM option that
     * turns the fast path on, where a blocking call simply frees the loop).
     */
    final class Baton implements Runnable {
        /** How often the loop looks at a task that holds the baton. */
        static final long PROBE_NANOS = 1_000_000;
        /** How long a task may hold the baton blocked in a JDK call before the loop goes on without it. */
        static final long LEND_AFTER_NANOS = 10_000_000;

        private volatile boolean granted;
        private volatile boolean held;
        private volatile Thread loopThread;

        /** True while parked in a Weft wait without the baton (see {@link #wokenButNotQueued()}). */
        volatile boolean idle = true;
        /** True while the task runs a step it was granted: from the grant until it gives the baton back. */
        volatile boolean stepping;
        /** True from a lend (see the class comment) until the task is granted the baton again. */
        volatile boolean lent;

        /** Task thread: asks the loop for the baton and waits until granted. */
        void acquire() {
            granted = false;
            // Through the inbox, always: the loop thread may still be finishing the hand-off of
            // this very task, so "am I on the loop?" could answer yes for a thread that is not.
            loop.scheduleFromOutside(this);
            awaitGrant();
        }

        /**
         * Task thread, lent: waits for the baton again, in turn with the loop's other ready work.
         * Gives it back first, in case the loop still waits in {@link #handOff} (a lend whose
         * check the task outran): to a loop that went on, that is a harmless extra wake-up.
         */
        void rejoin() {
            release();
            acquire();
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
            lent = false;
            stepping = true;
            if (interrupted) {
                thread.interrupt();
            }
        }

        /** Task thread: gives the baton back to the loop thread (a no-op for the loop when lent). */
        void release() {
            stepping = false;
            held = false;
            LockSupport.unpark(loopThread);
        }

        /** Loop thread: grants the baton and waits until the task gives it back, or lends it. */
        @Override
        public void run() {
            loop.runTaskStep(Task.this, this::handOff);
        }

        private void handOff() {
            loopThread = Thread.currentThread();
            held = true;
            granted = true;
            LockSupport.unpark(thread);
            long blockedSince = 0;
            boolean blockedBefore = false;
            while (held) {
                LockSupport.parkNanos(this, PROBE_NANOS);
                if (!held) {
                    return;
                }
                if (!stepping || !blocked(thread)) {
                    blockedBefore = false;
                    continue;
                }
                long now = System.nanoTime();
                if (!blockedBefore) {
                    blockedBefore = true;
                    blockedSince = now;
                } else if (now - blockedSince >= LEND_AFTER_NANOS) {
                    StackTraceElement[] stack = lend();
                    if (stack != null) {
                        Debug.reportLent(loop, Task.this, stack, now - blockedSince);
                        return;
                    }
                    blockedBefore = false; // inside Weft's own code, or it moved: look again later
                }
            }
        }

        /**
         * Loop thread, in {@link #handOff}: lends the task (see the class comment) if it is
         * blocked in a call the program made, and returns its stack then (null: not lent). The flag is published first and the thread looked
         * at again afterwards: a task still blocked in the program's call then will see the flag
         * at its next call into Weft, whatever happens next. If it moved meanwhile it may have
         * passed that check already, so the lend stands but the loop keeps waiting: the task
         * gives the baton back at its rejoin (which releases first) or its next Weft wait.
         */
        private StackTraceElement[] lend() {
            if (!(held && stepping && BlockedCall.madeByTheProgram(thread.getStackTrace()))) {
                return null;
            }
            lent = true;
            StackTraceElement[] stack = thread.getStackTrace();
            return held && stepping && blocked(thread) && BlockedCall.madeByTheProgram(stack) ? stack : null;
        }
    }

    @Override
    public String toString() {
        String base = super.toString();
        return "<Task '" + name + "' " + (isDone() ? base.substring(base.indexOf(' ') + 1) : phase.name().toLowerCase() + ">");
    }
}
