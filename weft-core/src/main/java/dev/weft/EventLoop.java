package dev.weft;

import dev.weft.internal.Loggers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Iterator;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
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
 *       step runs the task's virtual thread on this thread until it blocks again.</li>
 * </ol>
 *
 * <p><b>Threads.</b> The loop runs on the thread that calls {@link #runForever()} (or on its own
 * thread inside a {@link LoopGroup}). Loop-only state is marked "loop thread only" below.
 * Safe from any thread: {@link #callSoon}, {@link #callSoonThreadsafe}, {@link #callLater},
 * {@link #callAt}, {@link #execute}, {@link #spawn}, {@link #stop}, {@link #time()},
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
    /** Handles each key the selector reports ready (see {@link #processKey}). */
    private final java.util.function.Consumer<SelectionKey> onReady = this::processKey;
    /** Values of {@link LoopLocal}s, by index. Loop thread only. */
    Object[] locals = new Object[4];
    private final Clock clock;
    private final Selector selector;

    // Loop thread only.
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private final PriorityQueue<TimerHandle> timers = new PriorityQueue<>();
    private int stepsSincePoll;
    private Task<?> runningTask;

    // Any thread.
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final AtomicInteger cancelledTimers = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong timerSequence = new java.util.concurrent.atomic.AtomicLong();
    /** Jobs handed to executors that will come back through the inbox (virtual clock waits for them). */
    private final AtomicInteger externalJobs = new AtomicInteger();
    private final Set<Task<?>> tasks = ConcurrentHashMap.newKeySet();
    private volatile boolean selecting;
    private volatile State state = State.IDLE;
    private volatile Thread thread;
    private volatile Thread runningThread;
    private volatile boolean stopFlag;
    private volatile boolean debug = Debug.enabledByEnvironment();
    private volatile long slowCallbackNanos = Duration.ofMillis(100).toNanos();
    private volatile BiConsumer<String, Throwable> exceptionHandler;
    private volatile ExecutorService defaultExecutor;

    // Written by the loop thread (once per step), read by the watchdog: a step that does not
    // change while the loop is not selecting has held the loop since the watchdog last looked.
    volatile long stepSequence;

    private EventLoop(Clock clock) {
        this.clock = clock;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        JdkPoller.ensureInitialised();
        WaitPathWarmUp.ensure();
        if (!SchedulerBridge.available() && NOTICE_PRINTED.compareAndSet(false, true)) {
            System.err.println(SchedulerBridge.notice());
        }
    }

    /** {@return creates a loop on the real monotonic clock} */
    public static EventLoop create() {
        return new EventLoop(Clock.system());
    }

    /**
     * Creates a loop on a virtual clock: whenever nothing is ready and no executor job is in
     * flight, time jumps to the next timer, so an hour of {@code Weft.sleep} passes in
     * microseconds. For tests of time-dependent code; see {@code dev.weft.testing}.
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

    /** {@return true when the caller runs on this loop: its thread, or one of its tasks while running} */
    public boolean inLoop() {
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

    /** Runs {@code callback} on the loop soon, after what is already queued. Safe from any thread. */
    public Handle callSoon(Callback callback) {
        Handle h = new Handle(this, Objects.requireNonNull(callback, "callback"));
        schedule(h);
        return h;
    }

    /** Same as {@link #callSoon}; the name says it is meant for other threads (asyncio's name). */
    public Handle callSoonThreadsafe(Callback callback) {
        return callSoon(callback);
    }

    /** Runs {@code callback} on the loop after {@code delay}. Safe from any thread. */
    public TimerHandle callLater(Duration delay, Callback callback) {
        return callLater(delay.toNanos(), callback);
    }

    /** Runs {@code callback} after {@code seconds} seconds (asyncio's {@code call_later}). */
    public TimerHandle callLater(double seconds, Callback callback) {
        return callLater((long) (seconds * 1e9), callback);
    }

    TimerHandle callLater(long delayNanos, Callback callback) {
        return callAtNanos(clock.nanoTime() + Math.max(0, delayNanos), callback);
    }

    /** Runs {@code callback} when {@link #time()} reaches {@code when} (asyncio's {@code call_at}). */
    public TimerHandle callAt(double when, Callback callback) {
        return callAtNanos((long) (when * 1e9), callback);
    }

    /** Runs {@code callback} when {@link #nanoTime()} reaches {@code deadlineNanos}. */
    public TimerHandle callAtNanos(long deadlineNanos, Callback callback) {
        Objects.requireNonNull(callback, "callback");
        TimerHandle h = new TimerHandle(this, deadlineNanos, timerSequence.getAndIncrement(), callback);
        if (inLoop()) {
            timers.add(h);
        } else {
            // The heap is loop-owned: the handle is made here, added by the loop.
            schedule(() -> timers.add(h));
        }
        return h;
    }

    /** Counts cancelled timers; the heap is rebuilt when they pile up. */
    void timerCancelled() {
        cancelledTimers.incrementAndGet();
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

    /** Queues a ready item through the inbox and wakes the selector. Any thread. */
    void scheduleFromOutside(Runnable item) {
        if (state == State.CLOSED) {
            throw new RejectedExecutionException("event loop is closed");
        }
        inbox.add(item);
        if (selecting && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    // ------------------------------------------------------------------ tasks

    /** Spawns a task running {@code body} on this loop (asyncio's {@code loop.create_task}). */
    public <T> Task<T> spawn(Coroutine<T> body) {
        return spawn(null, body);
    }

    /** Spawns a named task. Safe from any thread, also before the loop runs. */
    public <T> Task<T> spawn(String name, Coroutine<T> body) {
        Objects.requireNonNull(body, "body");
        if (state == State.CLOSED) {
            throw new InvalidStateException("cannot spawn a task on a closed event loop");
        }
        Task<T> task = new Task<>(this, name, body);
        tasks.add(task);
        task.start();
        return task;
    }

    /** Spawns a task running a body without result. */
    public Task<Void> spawn(VoidCoroutine body) {
        return spawn(null, body.asCoroutine());
    }

    /** Spawns a named task running a body without result. */
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
     * Loop thread or any thread.
     */
    public void addReader(SelectableChannel channel, Callback callback) {
        onLoop(() -> register(channel, SelectionKey.OP_READ, callback));
    }

    /** Stops watching {@code channel} for reading; returns false if it was not watched. */
    public boolean removeReader(SelectableChannel channel) {
        return unregisterSoon(channel, SelectionKey.OP_READ);
    }

    /** Calls {@code callback} on the loop whenever {@code channel} is writable (or connected). */
    public void addWriter(SelectableChannel channel, Callback callback) {
        onLoop(() -> register(channel, SelectionKey.OP_WRITE, callback));
    }

    /** Stops watching {@code channel} for writing; returns false if it was not watched. */
    public boolean removeWriter(SelectableChannel channel) {
        return unregisterSoon(channel, SelectionKey.OP_WRITE);
    }

    /**
     * Callbacks and waiting tasks of one registered channel. Loop thread only. A direction has
     * either a callback ({@link #addReader}) or one parked task ({@link Readiness}), never both.
     */
    private static final class Interest {
        Runnable reader;
        Runnable writer;
        Thread readWaiter;
        Thread writeWaiter;
        boolean readFired;
        boolean writeFired;
    }

    private void onLoop(Runnable r) {
        if (inLoop()) {
            r.run();
        } else {
            schedule(r);
        }
    }

    /** Loop thread: the channel's key on this loop's selector, registering it (non-blocking) if needed. */
    private SelectionKey keyOf(SelectableChannel channel) throws IOException {
        SelectionKey key = channel.keyFor(selector);
        if (key != null && key.isValid()) {
            return key;
        }
        if (key != null) {
            selector.selectNow(onReady); // flush the cancelled key
        }
        if (channel.isBlocking()) {
            channel.configureBlocking(false);
        }
        return channel.register(selector, 0, new Interest());
    }

    private void register(SelectableChannel channel, int op, Callback callback) {
        try {
            SelectionKey key = keyOf(channel);
            Interest interest = (Interest) key.attachment();
            if ((op == SelectionKey.OP_READ ? interest.readWaiter : interest.writeWaiter) != null) {
                throw new InvalidStateException("a task is waiting on this channel in the same direction");
            }
            // A Handle, as asyncio's add_reader makes one: what the callback throws goes to the
            // exception handler, and the loop goes on.
            Handle handle = new Handle(this, callback);
            if (op == SelectionKey.OP_READ) {
                interest.reader = handle;
            } else {
                interest.writer = handle;
            }
            // A connecting channel reports writability as OP_CONNECT.
            key.interestOps(key.interestOps() | selectorOp(channel, op));
        } catch (ClosedChannelException e) {
            throw new UncheckedIOException("channel is closed", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The selector operation for a read or write interest: accept and connect included. */
    private static int selectorOp(SelectableChannel channel, int op) {
        if (op == SelectionKey.OP_READ) {
            return channel instanceof ServerSocketChannel ? SelectionKey.OP_ACCEPT : SelectionKey.OP_READ;
        }
        if (channel instanceof SocketChannel sc && sc.isConnectionPending()) {
            return SelectionKey.OP_CONNECT;
        }
        return SelectionKey.OP_WRITE;
    }

    /**
     * Task thread, on this loop: parks {@code me} until {@code channel} is ready for {@code op}
     * ({@link SelectionKey#OP_READ} covers accept, {@link SelectionKey#OP_WRITE} covers connect)
     * or {@code timeoutNanos} (negative: none) passed. A cancellation point. Read interest stays
     * registered after a wake-up and is dropped only when the channel fires with nobody waiting,
     * so a connection read in a loop costs no {@code epoll_ctl} per message.
     *
     * @return false on timeout
     * @throws AsynchronousCloseException if the channel was closed (through {@link #closeChannel}) meanwhile
     */
    boolean awaitReady(Task<?> me, SelectableChannel channel, int op, long timeoutNanos) throws IOException {
        me.checkpoint();
        SelectionKey key;
        try {
            key = keyOf(channel);
        } catch (ClosedChannelException e) {
            throw new AsynchronousCloseException();
        }
        Interest interest = (Interest) key.attachment();
        boolean read = op == SelectionKey.OP_READ;
        Thread self = Thread.currentThread();
        if (read) {
            if (interest.readWaiter != null || interest.reader != null) {
                throw new InvalidStateException("another task or callback is already reading from " + channel);
            }
            interest.readWaiter = self;
            interest.readFired = false;
        } else {
            if (interest.writeWaiter != null || interest.writer != null) {
                throw new InvalidStateException("another task or callback is already writing to " + channel);
            }
            interest.writeWaiter = self;
            interest.writeFired = false;
        }
        int sop = selectorOp(channel, op);
        if ((key.interestOps() & sop) == 0) {
            key.interestOps(key.interestOps() | sop);
        }
        TimerHandle timer = timeoutNanos >= 0 ? callLater(timeoutNanos, () -> LockSupport.unpark(self)) : null;
        boolean ok = false;
        try {
            while (true) {
                // Cancellation first: a cancel that came after the channel became ready but
                // before this task resumed is still delivered here (the readiness is not lost:
                // the interest stays registered, and the selector reports it again).
                if (me.takeCancel()) {
                    throw new CancelledException(me.lastCancelMessage());
                }
                if (read ? interest.readFired : interest.writeFired) {
                    ok = true;
                    return true;
                }
                if (!key.isValid()) {
                    throw new AsynchronousCloseException();
                }
                if (timer != null && timer.hasFired()) {
                    return false;
                }
                Task.park(interest);
            }
        } finally {
            if (read) {
                interest.readWaiter = null;
            } else {
                interest.writeWaiter = null;
                if (!ok && key.isValid() && interest.writer == null) {
                    key.interestOps(key.interestOps() & ~(SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT));
                }
            }
            if (timer != null) {
                timer.cancel();
            }
        }
    }

    /**
     * Closes {@code channel}, first waking any task of this loop parked on it (it gets an
     * {@link AsynchronousCloseException}) and cancelling its key so that its descriptor is
     * released at the next poll. Loop thread only.
     */
    void closeChannel(SelectableChannel channel) throws IOException {
        SelectionKey key = channel.keyFor(selector);
        if (key != null) {
            Interest interest = (Interest) key.attachment();
            key.cancel();
            if (interest.readWaiter != null) {
                LockSupport.unpark(interest.readWaiter);
            }
            if (interest.writeWaiter != null) {
                LockSupport.unpark(interest.writeWaiter);
            }
            channel.close();
            // A registered channel's descriptor is released when the selector drops the
            // cancelled key: do that now, so that closing is visible to the OS at once.
            selector.selectNow(onReady);
            return;
        }
        channel.close();
    }

    private boolean unregisterSoon(SelectableChannel channel, int op) {
        SelectionKey key = channel.keyFor(selector);
        if (key == null || !key.isValid()) {
            return false;
        }
        onLoop(() -> unregister(key, op));
        return true;
    }

    private void unregister(SelectionKey key, int op) {
        if (!key.isValid()) {
            return;
        }
        Interest interest = (Interest) key.attachment();
        int remove = op == SelectionKey.OP_WRITE ? SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT : op;
        if (op == SelectionKey.OP_READ) {
            interest.reader = null;
        } else {
            interest.writer = null;
        }
        int ops = key.interestOps() & ~remove;
        if (ops == 0 && interest.reader == null && interest.writer == null) {
            key.cancel();
        } else {
            key.interestOps(ops);
        }
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

    /** Spawns {@code body} as a task and runs until it is done. */
    public <T> T runUntilComplete(Coroutine<T> body) {
        return runUntilComplete(spawn(body));
    }

    /** Spawns {@code body} as a task and runs until it is done. */
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
        inbox.clear();
        timers.clear();
        abandonUnfinishedTasks();
        try {
            selector.close();
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
        drainInbox();
        boolean polled = false;
        if (!ready.isEmpty()) {
            if (stepsSincePoll >= STEPS_PER_POLL && !selector.keys().isEmpty()) {
                select(0);
                polled = true;
            }
        } else {
            long timeout = -1;
            TimerHandle next = nextTimer();
            if (next != null) {
                long now = clock.nanoTime();
                timeout = Math.max(0, next.deadlineNanos() - now);
                if (timeout > 0 && clock.isVirtual() && externalJobs.get() == 0 && inbox.isEmpty()
                        && !compatibilityWakeupsInFlight()) {
                    clock.advanceTo(next.deadlineNanos());
                    timeout = 0;
                }
            }
            select(timeout);
            polled = true;
        }
        if (polled) {
            stepsSincePoll = 0;
            processSelectedKeys();
            drainInbox();
        }
        fireTimers();
        int n = ready.size();
        long seq = stepSequence;
        if (!debug) {
            for (int i = 0; i < n; i++) {
                stepSequence = ++seq;
                ready.poll().run();
            }
        } else {
            for (int i = 0; i < n; i++) {
                Runnable item = ready.poll();
                stepSequence = ++seq;
                long started = System.nanoTime();
                item.run();
                long took = System.nanoTime() - started;
                if (took >= slowCallbackNanos) {
                    Debug.reportSlowStep(this, item, took);
                }
            }
        }
        stepsSincePoll += n;
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
        Runnable r;
        while ((r = inbox.poll()) != null) {
            ready.add(r);
        }
    }

    private TimerHandle nextTimer() {
        if (cancelledTimers.get() > 64 && cancelledTimers.get() > timers.size() / 2) {
            timers.removeIf(Handle::isCancelled);
            cancelledTimers.set(0);
        }
        TimerHandle h;
        while ((h = timers.peek()) != null && h.isCancelled()) {
            timers.poll();
            cancelledTimers.decrementAndGet();
        }
        return h;
    }

    private void fireTimers() {
        if (timers.isEmpty()) {
            return;
        }
        long now = clock.nanoTime();
        TimerHandle h;
        while ((h = timers.peek()) != null) {
            if (h.isCancelled()) {
                timers.poll();
                cancelledTimers.decrementAndGet();
            } else if (h.deadlineNanos() <= now) {
                ready.add(timers.poll());
            } else {
                break;
            }
        }
    }

    private void select(long timeoutNanos) {
        try {
            if (timeoutNanos == 0) {
                selector.selectNow(onReady);
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
                    selector.selectNow(onReady);
                } else if (timeoutNanos < 0) {
                    selector.select(onReady);
                } else {
                    selector.select(onReady, Math.max(1, (timeoutNanos + 999_999) / 1_000_000));
                }
            } finally {
                selecting = false;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("selector failed", e);
        }
    }

    /**
     * Handles keys a plain {@code select()} left in the selected set; Weft itself selects with
     * {@link #onReady}, which sees each ready key directly (no set to fill and empty).
     */
    private void processSelectedKeys() {
        Set<SelectionKey> selected = selector.selectedKeys();
        if (selected.isEmpty()) {
            return;
        }
        Iterator<SelectionKey> it = selected.iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            processKey(key);
        }
    }

    /**
     * One ready key: queue its callbacks, or wake the task waiting on it (see
     * {@link #awaitReady}). Loop thread only; runs inside {@code select}.
     */
    private void processKey(SelectionKey key) {
        Interest interest = (Interest) key.attachment();
        try {
            int ready = key.readyOps();
            if ((ready & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
                if (interest.reader != null) {
                    this.ready.add(interest.reader);
                } else if (interest.readWaiter != null) {
                    if (!interest.readFired) {
                        interest.readFired = true;
                        LockSupport.unpark(interest.readWaiter);
                    }
                } else {
                    // Nobody reads now: stop polling for it until a task waits again.
                    key.interestOps(key.interestOps() & ~(SelectionKey.OP_READ | SelectionKey.OP_ACCEPT));
                }
            }
            if ((ready & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
                if (interest.writer != null) {
                    if ((ready & SelectionKey.OP_CONNECT) != 0) {
                        // Connected: from now on it is plain writability.
                        key.interestOps((key.interestOps() & ~SelectionKey.OP_CONNECT) | SelectionKey.OP_WRITE);
                    }
                    this.ready.add(interest.writer);
                } else {
                    key.interestOps(key.interestOps() & ~(SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT));
                    if (interest.writeWaiter != null && !interest.writeFired) {
                        interest.writeFired = true;
                        LockSupport.unpark(interest.writeWaiter);
                    }
                }
            }
        } catch (CancelledKeyException e) {
            // Channel closed meanwhile: nothing to call.
        }
    }

    // ------------------------------------------------------------------ executors

    /**
     * Runs {@code fn} on {@code executor} (null: the loop's default pool) and returns a future
     * of its result bound to this loop (asyncio's {@code run_in_executor}). Safe from any thread.
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
                    if (clock.isVirtual()) {
                        schedule(() -> { });
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
     * @throws IllegalArgumentException for SIGKILL and SIGSTOP, which no process can catch, and
     *         for signals the JVM keeps for itself (SIGQUIT)
     */
    public void addSignalHandler(dev.weft.process.Signal signal, Runnable callback) {
        SignalHandlers.add(this, Objects.requireNonNull(signal, "signal"), Objects.requireNonNull(callback, "callback"));
    }

    /** {@link #addSignalHandler(dev.weft.process.Signal, Runnable)} by name: {@code "USR1"} or {@code "SIGUSR1"}. */
    public void addSignalHandler(String signal, Runnable callback) {
        addSignalHandler(dev.weft.process.Signal.of(signal), callback);
    }

    /**
     * Removes this loop's handler for {@code signal}; when no loop handles it any more, the
     * handler installed before comes back. Safe from any thread.
     *
     * @return false if this loop had no handler for it
     */
    public boolean removeSignalHandler(dev.weft.process.Signal signal) {
        return SignalHandlers.remove(this, Objects.requireNonNull(signal, "signal"));
    }

    /** {@link #removeSignalHandler(dev.weft.process.Signal)} by name. */
    public boolean removeSignalHandler(String signal) {
        return removeSignalHandler(dev.weft.process.Signal.of(signal));
    }

    // ------------------------------------------------------------------ errors and debug

    /**
     * Sets what happens to exceptions nobody else can receive (a failing callback, say):
     * by default they are logged with SLF4J at ERROR.
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

    /** Turns debug mode on or off (also on with the environment variable {@code WEFT_DEBUG=1}). */
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

    /** Steps and callbacks that hold the loop at least this long are reported in debug mode (default 100 ms). */
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
        Task<?> t = runningTask;
        return t != null ? "task '" + t.name() + "'" : "callback " + item;
    }

    @Override
    public String toString() {
        return "EventLoop-" + id + "[" + state + (debug ? ", debug" : "") + ", tasks=" + tasks.size() + "]";
    }
}
