package dev.weft;

import dev.weft.internal.Loggers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;

/**
 * A single-threaded event loop that is also the scheduler of its tasks' virtual threads
 * (asyncio's event loop; see {@code docs/architecture.md}).
 *
 * <pre>
 *   create        runForever / runUntilComplete          close
 *  -------> IDLE --------------------------------> RUNNING ------> CLOSED
 *            ^                                        |
 *            +----------- stop() / future done -------+
 * </pre>
 *
 * <p>One pass of the loop ({@link #runOnce()}):
 * <ol>
 *   <li>move everything other threads put in the <em>inbox</em> to the ready queue;</li>
 *   <li>poll the selector (epoll), blocking until the next timer only when nothing is ready;</li>
 *   <li>queue the callbacks of ready channels and of expired timers;</li>
 *   <li>run the items that were ready at the start of the pass: callbacks and task steps. A task
 *       step runs the task's virtual thread on this thread until it blocks again. First steps of
 *       tasks spawned with {@link #spawnNext} run ahead of them (see there).</li>
 * </ol>
 *
 * <p><b>Parts.</b> This class schedules: the ready queue, the inbox, tasks, running and closing.
 * The timers are a {@code TimerQueue}, the selector with its channels, callbacks and parked
 * {@link Readiness} waiters an {@code IoRegistry}; executors, signals ({@code Signals})
 * and debug reports ({@code Debug}, {@code Watchdog}) sit beside it.
 *
 * <p><b>Threads.</b> The loop runs on the thread that calls {@link #runForever()} (or on its own
 * thread inside a {@link LoopGroup}). Its fields are grouped by who may touch them; loop-only
 * methods begin with {@code assert holdsLoop()} (Netty's {@code assert inEventLoop()}; the
 * tests run with {@code -ea}).
 * A task step of the loop counts as the loop: {@link #inLoop()} is true on its virtual thread.
 * Safe from any thread: {@link #callSoon}, {@link #callSoonThreadsafe}, {@link #callLater},
 * {@link #callAt}, {@link #execute}, {@link #spawn}, {@link #spawnNext}, {@link #stop}, {@link #time()},
 * {@link #allTasks()}; a call from another thread goes through the inbox and wakes the
 * selector.
 *
 * <p>A callback must not block: it runs on the loop thread itself. Blocking belongs in tasks.
 */
public final class EventLoop implements Executor, AutoCloseable {

    private static final Logger LOG = Loggers.get(EventLoop.class);
    private static final ThreadLocal<EventLoop> LOOP_OF_THREAD = new ThreadLocal<>();
    private static final AtomicInteger LOOP_IDS = new AtomicInteger();
    private static final AtomicBoolean NOTICE_PRINTED = new AtomicBoolean();
    /** How many ready items may run between two selector polls while work keeps coming. */
    private static final int STEPS_PER_POLL = 64;

    /** The states of a loop (see the diagram above). */
    public enum State {
        /** Not running; may be run. */
        IDLE,
        /** Running on its thread. */
        RUNNING,
        /** Closed for good. */
        CLOSED
    }

    private final int id = LOOP_IDS.incrementAndGet();
    private final Clock clock;

    // Loop thread only (the loop's platform thread, or a task step it runs: see inLoop()).
    /** Items to run in this pass or the next: callbacks ({@link Handle}s) and task steps. */
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    /**
     * First steps of tasks spawned with {@link #spawnNext}, in spawn order: a pass runs those
     * waiting at its start and up to as many more as it has ready items, ahead of them (see runOnce).
     */
    private final ArrayDeque<Runnable> next = new ArrayDeque<>();
    /** Timers ({@code callLater}, deadlines of waits); {@link TimerQueue} says what is safe from elsewhere. */
    private final TimerQueue timers = new TimerQueue(this);
    /** The selector and its channels ({@code addReader}, {@link Readiness}); its wake-up is safe from any thread. */
    private final IoRegistry io;
    private int stepsSincePoll;
    private Task<?> runningTask;
    /** Values of {@link LoopLocal}s, by index. */
    Object[] locals = new Object[4];

    // Any thread.
    /** Items queued from other threads; drained into {@link #ready} at every pass. */
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    /** Set by the producer that wakes the selector, so that one wake-up serves a burst. */
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    /** Jobs handed to executors that will come back through the inbox (virtual clock waits for them). */
    private final AtomicInteger externalJobs = new AtomicInteger();
    private final Set<Task<?>> tasks = ConcurrentHashMap.newKeySet();
    private volatile State state = State.IDLE;
    private volatile boolean stopFlag;
    private volatile boolean debug = Debug.enabledByEnvironment();
    private volatile long slowCallbackNanos = Duration.ofMillis(100).toNanos();
    private volatile BiConsumer<String, Throwable> exceptionHandler;
    private volatile ExecutorService defaultExecutor;

    // Written by the loop thread, read by any thread (inLoop(), the watchdog, producers).
    /** The platform thread running the loop, while it runs. */
    private volatile Thread thread;
    /** The virtual thread of the task whose step is running, or null. */
    private volatile Thread runningThread;
    /** True while the loop waits in the selector: producers wake it then. */
    private volatile boolean selecting;
    // Once per step; a step that does not change while the loop is not selecting has held the
    // loop since the watchdog last looked.
    volatile long stepSequence;

    private EventLoop(Clock clock) {
        this.clock = clock;
        this.io = new IoRegistry(this, ready);
        JdkPoller.ensureInitialised();
        WaitPathWarmUp.ensure();
        if (!SchedulerBridge.available() && NOTICE_PRINTED.compareAndSet(false, true)) {
            System.err.println(SchedulerBridge.notice());
        }
    }

    /**
     * Creates a loop on the real monotonic clock.
     *
     * @return the new loop, not running yet
     */
    public static EventLoop create() {
        return new EventLoop(Clock.system());
    }

    /**
     * Creates a loop on a virtual clock: whenever nothing is ready and no executor job is in
     * flight, time jumps to the next timer, so an hour of {@code Weft.sleep} passes in
     * microseconds. For tests of time-dependent code; see {@code dev.weft.testing}.
     *
     * @return the new loop, not running yet
     */
    public static EventLoop createWithVirtualClock() {
        return new EventLoop(Clock.virtual());
    }

    /** {@return the loop of the calling task or loop thread, or null outside any loop} */
    public static EventLoop current() {
        Task<?> t = Task.current();
        return t != null ? t.loop : LOOP_OF_THREAD.get();
    }

    /**
     * The loop of the calling task or loop thread.
     *
     * @return the loop of the calling task or loop thread
     * @throws InvalidStateException outside any loop
     */
    public static EventLoop running() {
        EventLoop l = current();
        if (l == null) {
            throw new InvalidStateException("no running event loop: call this from a task (see Weft.run)");
        }
        return l;
    }

    /** True if {@code t} is the platform thread of a running loop. */
    static boolean isLoopThread(Thread t) {
        EventLoop l = LOOP_OF_THREAD.get();
        return l != null && l.thread == t;
    }

    /**
     * {@return true when the caller runs on this loop: its thread, or one of its tasks while running}
     * In compatibility mode a task of this loop that the loop let go on its own during a blocking
     * JDK call rejoins the loop here first (see {@code docs/architecture.md}).
     */
    public boolean inLoop() {
        Thread t = Thread.currentThread();
        return t == thread || t == runningThread
                || (t.isVirtual() && !SchedulerBridge.available() && Task.rejoinIfLent(this));
    }

    /**
     * True when the calling thread runs this loop now: its thread, or the task whose step is
     * running, as Netty's {@code inEventLoop()} tells. Unlike {@link #inLoop()}, it never changes
     * anything, so the loop-owner asserts call this one: an assert must not act, and what a program
     * does must not depend on {@code -ea}. Code that decides what to do calls {@link #inLoop()}.
     *
     * @return true on the loop's thread or in the task whose step it runs
     */
    public boolean holdsLoop() {
        Thread t = Thread.currentThread();
        return t == thread || t == runningThread;
    }

    // ------------------------------------------------------------------ time

    /** {@return the loop's clock in seconds (asyncio's {@code loop.time()}); monotonic, origin arbitrary} */
    public double time() {
        return clock.nanoTime() / 1e9;
    }

    /** {@return the loop's clock in nanoseconds} */
    public long nanoTime() {
        return clock.nanoTime();
    }

    /** {@return true if this loop runs on a virtual clock} */
    public boolean hasVirtualClock() {
        return clock.isVirtual();
    }

    // ------------------------------------------------------------------ scheduling callbacks

    /**
     * Runs {@code callback} on the loop soon, after what is already queued. Safe from any thread.
     *
     * @param callback what to run on the loop
     * @return a handle that can cancel it before it runs
     */
    public Handle callSoon(Callback callback) {
        Handle h = new Handle(this, Objects.requireNonNull(callback, "callback"));
        schedule(h);
        return h;
    }

    /**
     * Same as {@link #callSoon}; the name says it is meant for other threads (asyncio's name).
     *
     * @param callback what to run on the loop
     * @return a handle that can cancel it before it runs
     */
    public Handle callSoonThreadsafe(Callback callback) {
        return callSoon(callback);
    }

    /**
     * Runs {@code callback} on the loop after {@code delay}. Safe from any thread.
     *
     * @param delay how long to wait
     * @param callback what to run on the loop
     * @return a handle that can cancel the timer
     */
    public TimerHandle callLater(Duration delay, Callback callback) {
        return callLater(delay.toNanos(), callback);
    }

    /**
     * Runs {@code callback} after {@code seconds} seconds (asyncio's {@code call_later}).
     *
     * @param seconds the time in seconds
     * @param callback what to run on the loop
     * @return a handle that can cancel the timer
     */
    public TimerHandle callLater(double seconds, Callback callback) {
        return callLater((long) (seconds * 1e9), callback);
    }

    TimerHandle callLater(long delayNanos, Callback callback) {
        return callAtNanos(clock.nanoTime() + Math.max(0, delayNanos), callback);
    }

    /**
     * Runs {@code callback} when {@link #time()} reaches {@code when} (asyncio's {@code call_at}).
     *
     * @param when the loop time to run it at
     * @param callback what to run on the loop
     * @return a handle that can cancel the timer
     */
    public TimerHandle callAt(double when, Callback callback) {
        return callAtNanos((long) (when * 1e9), callback);
    }

    /**
     * Runs {@code callback} when {@link #nanoTime()} reaches {@code deadlineNanos}.
     *
     * @param deadlineNanos the loop time to run it at, in nanoseconds
     * @param callback what to run on the loop
     * @return a handle that can cancel the timer
     */
    public TimerHandle callAtNanos(long deadlineNanos, Callback callback) {
        Objects.requireNonNull(callback, "callback");
        TimerHandle h = new TimerHandle(this, deadlineNanos, timers.nextSequence(), callback);
        if (inLoop()) {
            timers.add(h);
        } else {
            // The heap is loop-owned: the handle is made here, added by the loop.
            schedule(() -> timers.add(h));
        }
        return h;
    }

    /** Counts cancelled timers; the heap is rebuilt when they pile up. Any thread. */
    void timerCancelled() {
        timers.cancelled();
    }

    /** Executor view: runs {@code command} on the loop soon. Safe from any thread. */
    @Override
    public void execute(Runnable command) {
        schedule(Objects.requireNonNull(command, "command"));
    }

    /** Queues a ready item: directly when on the loop, through the inbox otherwise. */
    void schedule(Runnable item) {
        if (inLoop()) {
            ready.add(item);
            return;
        }
        scheduleFromOutside(item);
    }

    /** Queues the first step of a {@link #spawnNext} task: ahead of the ready queue on the loop, as {@link #schedule} elsewhere. */
    void scheduleNext(Runnable item) {
        if (inLoop()) {
            next.add(item);
            return;
        }
        scheduleFromOutside(item);
    }

    /** Queues a ready item through the inbox and wakes the selector. Any thread. */
    void scheduleFromOutside(Runnable item) {
        if (state == State.CLOSED) {
            throw new RejectedExecutionException("event loop is closed");
        }
        inbox.add(item);
        if (selecting && wakeupPending.compareAndSet(false, true)) {
            io.wakeup();
        }
    }

    // ------------------------------------------------------------------ tasks

    /**
     * Spawns a task running {@code body} on this loop (asyncio's {@code loop.create_task}).
     *
     * @param <T> the result type
     * @param body the task's body
     * @return the task
     */
    public <T> Task<T> spawn(Coroutine<T> body) {
        return spawn(null, body);
    }

    /**
     * Spawns a named task. Safe from any thread, also before the loop runs.
     *
     * @param <T> the result type
     * @param name the name
     * @param body the task's body
     * @return the task
     */
    public <T> Task<T> spawn(String name, Coroutine<T> body) {
        return spawn(name, body, false);
    }

    /**
     * Spawns a named task whose first step goes ahead of the loop's queue (in the spirit of Go's
     * {@code runnext}, but a queue, not one slot): when called on this loop, from one of its tasks
     * or callbacks, the first step runs once the running step ends, before the items already
     * waiting. For work that must not wait behind a queue: a request that keeps a connection busy,
     * the next step of a pipeline. Such first steps run in the order they were spawned. So that
     * the queue still moves, a pass of the loop runs the ones waiting at its start and, of those
     * spawned during the pass, at most as many as the pass has ready items; the others run first
     * in the next pass. From another thread, or without the virtual thread scheduler hook (the
     * compatibility path), it is {@link #spawn(String, Coroutine)}. Later steps of the task are
     * queued like any other.
     *
     * @param <T> the result type
     * @param name the name
     * @param body the task's body
     * @return the task
     */
    public <T> Task<T> spawnNext(String name, Coroutine<T> body) {
        return spawn(name, body, true);
    }

    /**
     * {@link #spawnNext(String, Coroutine)} for a body without result.
     *
     * @param name the name
     * @param body the task's body
     * @return the task
     */
    public Task<Void> spawnNext(String name, VoidCoroutine body) {
        return spawn(name, body.asCoroutine(), true);
    }

    private <T> Task<T> spawn(String name, Coroutine<T> body, boolean first) {
        Objects.requireNonNull(body, "body");
        if (state == State.CLOSED) {
            throw new InvalidStateException("cannot spawn a task on a closed event loop");
        }
        Task<T> task = new Task<>(this, name, body);
        tasks.add(task);
        task.start(first);
        return task;
    }

    /**
     * Spawns a task running a body without result.
     *
     * @param body the task's body
     * @return the task
     */
    public Task<Void> spawn(VoidCoroutine body) {
        return spawn(null, body.asCoroutine());
    }

    /**
     * Spawns a named task running a body without result.
     *
     * @param name the name
     * @param body the task's body
     * @return the task
     */
    public Task<Void> spawn(String name, VoidCoroutine body) {
        return spawn(name, body.asCoroutine());
    }

    /** {@return the tasks of this loop that are not done yet (asyncio's {@code all_tasks})} */
    public Set<Task<?>> allTasks() {
        Set<Task<?>> live = ConcurrentHashMap.newKeySet();
        for (Task<?> t : tasks) {
            if (!t.isDone()) {
                live.add(t);
            }
        }
        return live;
    }

    /** {@return the task running on this loop now, or null (loop thread only; see {@link Task#current()})} */
    public Task<?> runningTask() {
        return runningTask;
    }

    void taskDone(Task<?> task) {
        tasks.remove(task);
    }

    /** Loop thread: runs one step of {@code task} (its continuation, or a baton hand-off). */
    void runTaskStep(Task<?> task, Runnable step) {
        assert Thread.currentThread() == thread : "task steps run on the loop's own thread";
        runningTask = task;
        runningThread = task.thread;
        task.phase = Task.Phase.RUNNING;
        try {
            step.run();
        } finally {
            if (task.phase == Task.Phase.RUNNING) {
                task.phase = Task.Phase.WAITING;
            }
            runningThread = null;
            runningTask = null;
        }
    }

    // ------------------------------------------------------------------ selector (addReader & co.)

    /**
     * Calls {@code callback} on the loop whenever {@code channel} is readable (asyncio's
     * {@code add_reader}); replaces a previous reader. The channel is made non-blocking.
     * What the callback throws goes to the exception handler; the reader stays registered.
     * Loop thread or any thread.
     *
     * @param channel the channel to watch
     * @param callback what to run on the loop each time it is readable
     */
    public void addReader(SelectableChannel channel, Callback callback) {
        onLoop(() -> io.register(channel, SelectionKey.OP_READ, callback));
    }

    /**
     * Stops watching {@code channel} for reading; returns false if it was not watched.
     *
     * @param channel the channel
     * @return false if it was not watched
     */
    public boolean removeReader(SelectableChannel channel) {
        return unregisterSoon(channel, SelectionKey.OP_READ);
    }

    /**
     * Calls {@code callback} on the loop whenever {@code channel} is writable (or connected).
     *
     * @param channel the channel to watch
     * @param callback what to run on the loop each time it is writable
     */
    public void addWriter(SelectableChannel channel, Callback callback) {
        onLoop(() -> io.register(channel, SelectionKey.OP_WRITE, callback));
    }

    /**
     * Stops watching {@code channel} for writing; returns false if it was not watched.
     *
     * @param channel the channel
     * @return false if it was not watched
     */
    public boolean removeWriter(SelectableChannel channel) {
        return unregisterSoon(channel, SelectionKey.OP_WRITE);
    }

    private void onLoop(Runnable r) {
        if (inLoop()) {
            r.run();
        } else {
            schedule(r);
        }
    }

    private boolean unregisterSoon(SelectableChannel channel, int op) {
        SelectionKey key = io.validKey(channel);
        if (key == null) {
            return false;
        }
        onLoop(() -> io.unregister(key, op));
        return true;
    }

    /** Task thread, on this loop: see {@link IoRegistry#awaitReady}. */
    boolean awaitReady(Task<?> me, SelectableChannel channel, int op, long timeoutNanos) throws IOException {
        return io.awaitReady(me, channel, op, timeoutNanos);
    }

    /** Loop thread only: see {@link IoRegistry#closeChannel}. */
    void closeChannel(SelectableChannel channel) throws IOException {
        io.closeChannel(channel);
    }

    // ------------------------------------------------------------------ running

    /** Runs until {@link #stop()} is called (asyncio's {@code run_forever}). */
    public void runForever() {
        enter();
        try {
            while (!stopFlag) {
                runOnce();
            }
        } finally {
            leave();
        }
    }

    /**
     * Runs until {@code future} is done and returns its result (asyncio's
     * {@code run_until_complete}).
     *
     * @param <T> the result type
     * @param future the future to wait for
     * @return its result (asyncio's {@code run_until_complete})
     * @throws InvalidStateException if the loop was stopped before the future was done
     */
    public <T> T runUntilComplete(Future<T> future) {
        // Stop through the ready queue, not at once: done callbacks the future dispatched just
        // before (asyncio's add_done_callback) are queued ahead of the stop and still run.
        future.addDirectCallback(f -> callSoon(this::stop));
        runForever();
        if (!future.isDone()) {
            throw new InvalidStateException("event loop stopped before the future completed");
        }
        return future.result();
    }

    /**
     * Spawns {@code body} as a task and runs until it is done.
     *
     * @param <T> the result type
     * @param body the task's body
     * @return what the body returned
     */
    public <T> T runUntilComplete(Coroutine<T> body) {
        return runUntilComplete(spawn(body));
    }

    /**
     * Spawns {@code body} as a task and runs until it is done.
     *
     * @param body the task's body
     */
    public void runUntilComplete(VoidCoroutine body) {
        runUntilComplete(spawn(body));
    }

    /**
     * Asks the loop to stop after the current pass (asyncio's {@code stop}). Safe from any
     * thread. A loop that is not running stops right after its next pass.
     */
    public void stop() {
        stopFlag = true;
        if (!inLoop()) {
            schedule(() -> { });
        }
    }

    /** True while the loop waits in the selector (for the watchdog). */
    boolean isSelecting() {
        return selecting;
    }

    /** {@return true while the loop runs} */
    public boolean isRunning() {
        return state == State.RUNNING;
    }

    /** {@return true once closed} */
    public boolean isClosed() {
        return state == State.CLOSED;
    }

    /** {@return the loop's state} */
    public State state() {
        return state;
    }

    /**
     * Closes the loop: drops pending callbacks, closes the selector, shuts the default
     * executor down (asyncio's {@code close}). A task still unfinished can never run again: it
     * is completed as cancelled, so that whoever awaits it is released, without running its
     * {@code finally} blocks, and reported in the log ({@link Weft#run} and
     * {@link LoopGroup#close()} cancel and await their tasks first). Idempotent.
     *
     * @throws InvalidStateException if the loop is running
     */
    @Override
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.RUNNING) {
            throw new InvalidStateException("cannot close a running event loop; stop it first");
        }
        state = State.CLOSED;
        ready.clear();
        next.clear();
        inbox.clear();
        timers.clear();
        abandonUnfinishedTasks();
        try {
            io.close();
        } catch (IOException e) {
            LOG.debug("closing selector", e);
        }
        ExecutorService ex = defaultExecutor;
        if (ex != null) {
            ex.shutdown();
        }
        Watchdog.unwatch(this);
    }

    /**
     * Closing: a task still unfinished can never run again. It is completed as cancelled, so
     * that whoever awaits it (on another loop, on a plain thread) is released, and reported:
     * its {@code finally} blocks do not run ({@link Weft#run} and {@link LoopGroup#close}
     * cancel and await their tasks before closing, so they leave none).
     */
    private void abandonUnfinishedTasks() {
        List<String> names = new ArrayList<>();
        for (Task<?> t : tasks) {
            if (t.abandon()) {
                names.add(t.name());
            }
        }
        tasks.clear();
        if (!names.isEmpty()) {
            LOG.warn("{} closed with {} unfinished task(s), now cancelled without running their finally blocks: {}",
                    this, names.size(), names);
        }
    }

    private void enter() {
        if (Task.current() != null) {
            throw new InvalidStateException("cannot run an event loop from inside a task; await or spawn instead");
        }
        EventLoop other = LOOP_OF_THREAD.get();
        if (other != null) {
            throw new InvalidStateException("another event loop is already running on this thread");
        }
        synchronized (this) {
            if (state == State.CLOSED) {
                throw new InvalidStateException("event loop is closed");
            }
            if (state == State.RUNNING) {
                throw new InvalidStateException("event loop is already running");
            }
            state = State.RUNNING;
        }
        thread = Thread.currentThread();
        LOOP_OF_THREAD.set(this);
        Watchdog.watch(this);
    }

    private void leave() {
        stopFlag = false;
        LOOP_OF_THREAD.remove();
        thread = null;
        state = State.IDLE;
    }

    /** One pass of the loop (see the class comment). Loop thread only. */
    private void runOnce() {
        assert Thread.currentThread() == thread : "the loop runs on its own thread";
        drainInbox();
        boolean polled = false;
        if (!ready.isEmpty() || !next.isEmpty()) {
            if (stepsSincePoll >= STEPS_PER_POLL && io.hasChannels()) {
                select(0);
                polled = true;
            }
        } else {
            long timeout = -1;
            TimerHandle due = timers.next();
            if (due != null) {
                long now = clock.nanoTime();
                timeout = Math.max(0, due.deadlineNanos() - now);
                if (timeout > 0 && clock.isVirtual() && externalJobs.get() == 0 && inbox.isEmpty()
                        && !compatibilityWakeupsInFlight()) {
                    clock.advanceTo(due.deadlineNanos());
                    timeout = 0;
                }
            }
            select(timeout);
            polled = true;
        }
        if (polled) {
            stepsSincePoll = 0;
            drainInbox();
        }
        if (!timers.isEmpty()) {
            timers.moveDueTo(clock.nanoTime(), ready);
        }
        // The items ready now, and first steps of spawnNext tasks ahead of them: those waiting
        // now, and as many more as this pass has items (the ready ones still run in this pass).
        int readyLeft = ready.size();
        int nextLeft = next.size() + readyLeft;
        int steps = 0;
        long seq = stepSequence;
        boolean timed = debug; // read once per pass (volatile)
        while (readyLeft > 0 || (nextLeft > 0 && !next.isEmpty())) {
            Runnable item;
            if (nextLeft > 0 && !next.isEmpty()) {
                item = next.poll();
                nextLeft--;
            } else {
                item = ready.poll();
                readyLeft--;
            }
            stepSequence = ++seq;
            steps++;
            if (!timed) {
                item.run();
            } else {
                long started = System.nanoTime();
                item.run();
                long took = System.nanoTime() - started;
                if (took >= slowCallbackNanos) {
                    Debug.reportSlowStep(this, item, took);
                }
            }
        }
        stepsSincePoll += steps;
    }

    /**
     * Compatibility path only: true while a task was woken but has not yet asked for the baton
     * (its wake-up is on its way to the inbox). The virtual clock must not jump meanwhile.
     */
    private boolean compatibilityWakeupsInFlight() {
        if (SchedulerBridge.available()) {
            return false;
        }
        for (Task<?> t : tasks) {
            if (t.wokenButNotQueued()) {
                Thread.onSpinWait();
                return true;
            }
        }
        return false;
    }

    private void drainInbox() {
        assert holdsLoop() : "the inbox is drained on the loop thread";
        Runnable r;
        while ((r = inbox.poll()) != null) {
            ready.add(r);
        }
    }

    /**
     * Polls the selector: at once ({@code timeoutNanos} 0), until a channel is ready or the
     * inbox is woken (negative), or at most {@code timeoutNanos}. Loop thread only.
     */
    private void select(long timeoutNanos) {
        try {
            if (timeoutNanos == 0) {
                io.pollNow();
                return;
            }
            // Cleared here, before `selecting` is published, not after the previous select: a
            // producer that saw `selecting` during that one may win wakeupPending after it ended
            // and call wakeup() later; a selectNow since (a busy pass, a key flush) consumed that
            // wake-up, and a flag left set would make every later producer skip its own: the
            // loop would sleep with work in its inbox (issue 9 §2).
            wakeupPending.set(false);
            selecting = true;
            try {
                if (!inbox.isEmpty() || stopFlag) {
                    io.pollNow();
                } else if (timeoutNanos < 0) {
                    io.poll(0);
                } else {
                    io.poll(Math.max(1, (timeoutNanos + 999_999) / 1_000_000));
                }
            } finally {
                selecting = false;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("selector failed", e);
        }
    }

    // ------------------------------------------------------------------ executors

    /**
     * Runs {@code fn} on {@code executor} (null: the loop's default pool) and returns a future
     * of its result bound to this loop (asyncio's {@code run_in_executor}). Safe from any thread.
     *
     * @param <T> the result type
     * @param executor where to run it; null: the loop's default executor
     * @param fn the call
     * @return a future of its result bound to this loop (asyncio's {@code run_in_executor})
     */
    public <T> Future<T> runInExecutor(Executor executor, Coroutine<T> fn) {
        Executor ex = executor != null ? executor : defaultExecutor();
        Future<T> f = new Future<>(this);
        externalJobs.incrementAndGet();
        try {
            ex.execute(() -> {
                try {
                    if (!f.isDone()) {
                        f.trySetResult(fn.call());
                    }
                } catch (Throwable t) {
                    f.trySetException(t);
                } finally {
                    externalJobs.decrementAndGet();
                    if (clock.isVirtual() && state != State.CLOSED) {
                        try {
                            schedule(() -> { }); // the virtual clock may move on
                        } catch (RejectedExecutionException e) {
                            // Closed since: no clock left to move (the result is delivered anyway).
                        }
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            externalJobs.decrementAndGet();
            f.trySetException(e);
        }
        return f;
    }

    /**
     * {@link #runInExecutor(Executor, Coroutine)} for a call without result.
     *
     * @param executor where to run it; null: the loop's default executor
     * @param fn       the call
     * @return a future completed (with null) when the call returns, bound to this loop
     */
    public Future<Void> runInExecutor(Executor executor, VoidCoroutine fn) {
        return runInExecutor(executor, fn.asCoroutine());
    }

    /** {@return the loop's default executor: a cached pool of daemon platform threads, made on first use} */
    public ExecutorService defaultExecutor() {
        ExecutorService ex = defaultExecutor;
        if (ex == null) {
            synchronized (this) {
                ex = defaultExecutor;
                if (ex == null) {
                    AtomicInteger n = new AtomicInteger();
                    defaultExecutor = ex = Executors.newCachedThreadPool(r -> {
                        Thread t = new Thread(r, "weft-loop" + id + "-executor-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
                }
            }
        }
        return ex;
    }

    // ------------------------------------------------------------------ signals

    /**
     * Runs {@code callback} on this loop's thread whenever the process receives {@code signal}
     * (asyncio's {@code add_signal_handler}); replaces this loop's previous handler for it.
     * While registered it takes precedence over what was installed before (for SIGINT and SIGTERM
     * inside {@link Weft#run}: cancelling the main task), which comes back on
     * {@link #removeSignalHandler}. Safe from any thread.
     *
     * <pre>{@code
     * loop.addSignalHandler(Signal.HUP, () -> reloadConfig());
     * }</pre>
     *
     * @param signal   the signal to handle
     * @param callback what to run on the loop when it arrives
     * @throws IllegalArgumentException for SIGKILL and SIGSTOP, which no process can catch, and
     *         for signals the JVM keeps for itself (SIGQUIT)
     */
    public void addSignalHandler(Signal signal, Runnable callback) {
        Signals.addLoopHandler(this, Objects.requireNonNull(signal, "signal"), Objects.requireNonNull(callback, "callback"));
    }

    /**
     * {@link #addSignalHandler(Signal, Runnable)} by name.
     *
     * @param signal   {@code "USR1"} or {@code "SIGUSR1"}
     * @param callback what to run on the loop when it arrives
     */
    public void addSignalHandler(String signal, Runnable callback) {
        addSignalHandler(Signal.of(signal), callback);
    }

    /**
     * Removes this loop's handler for {@code signal}; when no loop handles it any more, the
     * handler installed before comes back. Safe from any thread.
     *
     * @param signal the signal
     * @return false if this loop had no handler for it
     */
    public boolean removeSignalHandler(Signal signal) {
        return Signals.removeLoopHandler(this, Objects.requireNonNull(signal, "signal"));
    }

    /**
     * {@link #removeSignalHandler(Signal)} by name.
     *
     * @param signal {@code "USR1"} or {@code "SIGUSR1"}
     * @return false if this loop had no handler for it
     */
    public boolean removeSignalHandler(String signal) {
        return removeSignalHandler(Signal.of(signal));
    }

    // ------------------------------------------------------------------ errors and debug

    /**
     * Sets what happens to exceptions nobody else can receive (a failing callback, say):
     * by default they are logged with SLF4J at ERROR.
     *
     * @param handler the handler
     */
    public void setExceptionHandler(BiConsumer<String, Throwable> handler) {
        this.exceptionHandler = handler;
    }

    static void reportUnhandled(String context, Throwable t, EventLoop loop) {
        BiConsumer<String, Throwable> h = loop != null ? loop.exceptionHandler : null;
        if (h != null) {
            try {
                h.accept(context, t);
                return;
            } catch (Throwable inner) {
                t.addSuppressed(inner);
            }
        }
        LOG.error("Exception in {}", context, t);
    }

    /**
     * Turns debug mode on or off (also on with the environment variable {@code WEFT_DEBUG=1}).
     *
     * @param on true to turn it on
     */
    public void setDebug(boolean on) {
        this.debug = on;
        if (on) {
            Debug.startPinnedMonitor();
        }
    }

    /** {@return true in debug mode} */
    public boolean debug() {
        return debug;
    }

    /**
     * Steps and callbacks that hold the loop at least this long are reported in debug mode (default 100 ms).
     *
     * @param d the duration
     */
    public void setSlowCallbackDuration(Duration d) {
        this.slowCallbackNanos = d.toNanos();
    }

    /** {@return the slow-step threshold} */
    public Duration slowCallbackDuration() {
        return Duration.ofNanos(slowCallbackNanos);
    }

    /** Thread currently running a step of this loop (the loop thread, or the task's virtual thread). */
    Thread stepThread() {
        Thread t = runningThread;
        return t != null ? t : thread;
    }

    /** {@return the platform thread running this loop, or null when it is not running} */
    public Thread thread() {
        return thread;
    }

    /** Loop thread: names the item being run, for reports. */
    String describeRunning(Runnable item) {
        assert holdsLoop() : "reports name the running item on the loop thread";
        Task<?> t = runningTask;
        return t != null ? "task '" + t.name() + "'" : "callback " + item;
    }

    @Override
    public String toString() {
        return "EventLoop-" + id + "[" + state + (debug ? ", debug" : "") + ", tasks=" + tasks.size() + "]";
    }
}
