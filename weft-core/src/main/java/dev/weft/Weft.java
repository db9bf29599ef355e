package dev.weft;

import dev.weft.internal.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The entry point: asyncio's top-level functions as static methods.
 *
 * <pre>{@code
 * Weft.run(() -> {                                   // asyncio.run(main())
 *     Task<Integer> a = Weft.spawn(() -> worker(1)); // asyncio.create_task
 *     Weft.sleep(Duration.ofSeconds(1));             // await asyncio.sleep(1)
 *     List<Integer> r = Weft.gather(a, b);           // await asyncio.gather(a, b)
 *     return null;
 * });
 * }</pre>
 *
 * <p>Everything that waits ({@code sleep}, {@code gather}, {@code wait}, {@code waitFor},
 * {@code asCompleted}, {@code await}) is a cancellation point and works from a task of any
 * loop; most also work from a plain thread, which simply blocks.
 */
public final class Weft {

    private Weft() {
    }

    // ------------------------------------------------------------------ running

    /**
     * Runs {@code main} as the main task of a new event loop on the calling thread and returns
     * its result (asyncio's {@code asyncio.run}). When it returns, remaining tasks are
     * cancelled and awaited, and the loop is closed; it can be called again afterwards. Ctrl-C
     * (SIGINT) and SIGTERM cancel the main task; once it is finished the signal is re-raised so
     * that the JVM exits as usual (status 130 or 143).
     *
     * @param <T> the result type
     * @param main the main task's body
     * @return what {@code main} returned
     * @throws InvalidStateException if called from inside a task or a running loop
     */
    public static <T> T run(Coroutine<T> main) {
        return Runner.run(main, EventLoop.create());
    }

    /**
     * Runs a main body without a result (see {@link #run(Coroutine)}).
     *
     * @param main the main task's body
     */
    public static void run(VoidCoroutine main) {
        Runner.run(main.asCoroutine(), EventLoop.create());
    }

    /**
     * Runs {@code main} on a given, not yet running loop (for a virtual clock or debug mode), then closes it.
     *
     * @param <T> the result type
     * @param loop a loop that is not running yet; closed afterwards
     * @param main the main task's body
     * @return what {@code main} returned
     */
    public static <T> T run(EventLoop loop, Coroutine<T> main) {
        return Runner.run(main, loop);
    }

    /**
     * {@link #run(EventLoop, Coroutine)} for a main body without a result.
     *
     * @param loop a loop that is not running yet; closed afterwards
     * @param main the main task's body
     */
    public static void run(EventLoop loop, VoidCoroutine main) {
        Runner.run(main.asCoroutine(), loop);
    }

    /**
     * {@link #run(Coroutine)} for a caller that wants the body's checked exception back as it
     * was thrown: {@code Weft.run} carries a checked exception out wrapped in a
     * {@link TaskFailedException} (its methods throw unchecked exceptions only), this one
     * rethrows it with its own type, which Java infers from the body.
     *
     * <pre>{@code
     * try {
     *     String page = Weft.runChecked(() -> session.get(url).text());
     * } catch (IOException e) {
     *     System.err.println("cannot fetch " + url + ": " + e.getMessage());
     * }
     * }</pre>
     *
     * <p>Only what the body itself throws is unwrapped. A checked exception that reaches the body
     * already wrapped (a child task's, through {@link #gather} say) stays a
     * {@code TaskFailedException}, as the body saw it. A body that throws two kinds of checked
     * exception throws their common supertype ({@code Exception} at worst).
     *
     * @param <T> the result type
     * @param <X> the checked exception the body throws (inferred)
     * @param main the main task's body
     * @return what the body returned
     * @throws X what the body threw, unwrapped
     * @throws InvalidStateException if called from inside a task or a running loop
     */
    public static <T, X extends Exception> T runChecked(CheckedCoroutine<T, X> main) throws X {
        try {
            return run(() -> {
                try {
                    return main.call();
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Exception e) {
                    throw new BodyException(e);
                }
            });
        } catch (BodyException e) {
            @SuppressWarnings("unchecked")
            X thrown = (X) e.getCause(); // what main.call() threw: an X, or it would not compile
            throw thrown;
        }
    }

    /**
     * {@link #runChecked(CheckedCoroutine)} for a main body without a result.
     *
     * @param <X> the checked exception the body throws (inferred)
     * @param main the main task's body
     * @throws X what the body threw, unwrapped
     * @throws InvalidStateException if called from inside a task or a running loop
     */
    public static <X extends Exception> void runChecked(CheckedVoidCoroutine<X> main) throws X {
        runChecked(() -> {
            main.run();
            return null;
        });
    }

    /** The checked exception of a {@link #runChecked} body, on its way out of the loop. */
    private static final class BodyException extends TaskFailedException {
        BodyException(Exception cause) {
            super(cause);
        }
    }

    // ------------------------------------------------------------------ tasks

    /**
     * Spawns a task on the current loop (asyncio's {@code create_task}).
     *
     * @param <T> the result type
     * @param body the task's body
     * @return the task
     */
    public static <T> Task<T> spawn(Coroutine<T> body) {
        return EventLoop.running().spawn(body);
    }

    /**
     * Spawns a named task on the current loop.
     *
     * @param <T> the result type
     * @param name the name
     * @param body the task's body
     * @return the task
     */
    public static <T> Task<T> spawn(String name, Coroutine<T> body) {
        return EventLoop.running().spawn(name, body);
    }

    /**
     * Spawns a task without result on the current loop.
     *
     * @param body the task's body
     * @return the task
     */
    public static Task<Void> spawn(VoidCoroutine body) {
        return EventLoop.running().spawn(body);
    }

    /**
     * Spawns a named task without result on the current loop.
     *
     * @param name the name
     * @param body the task's body
     * @return the task
     */
    public static Task<Void> spawn(String name, VoidCoroutine body) {
        return EventLoop.running().spawn(name, body);
    }

    /** {@return the task running the caller, or null (asyncio's {@code current_task})} */
    public static Task<?> currentTask() {
        return Task.current();
    }

    /** {@return the unfinished tasks of the current loop (asyncio's {@code all_tasks})} */
    public static Set<Task<?>> allTasks() {
        return EventLoop.running().allTasks();
    }

    /**
     * A new pending future bound to the current loop (asyncio's {@code loop.create_future}).
     *
     * @param <T> the result type
     * @return a new pending future bound to the current loop (asyncio's {@code loop.create_future})
     */
    public static <T> Future<T> newFuture() {
        return new Future<>(EventLoop.current());
    }

    // ------------------------------------------------------------------ time

    /**
     * Suspends the calling task for {@code delay} (asyncio's {@code sleep}); other tasks of the
     * loop run meanwhile. A zero or negative delay just lets the other ready tasks run once.
     * Outside a task it blocks the calling thread.
     *
     * @param delay how long to wait
     * @throws CancelledException if the task is cancelled
     */
    public static void sleep(Duration delay) {
        sleepNanos(delay.toNanos());
    }

    /**
     * Sleeps {@code seconds} seconds (for ports of Python code: {@code Weft.sleep(0.5)}).
     *
     * @param seconds the time in seconds
     */
    public static void sleep(double seconds) {
        sleepNanos((long) (seconds * 1e9));
    }

    private static void sleepNanos(long nanos) {
        Task<?> me = Task.current();
        if (me == null) {
            if (EventLoop.isLoopThread(Thread.currentThread())) {
                throw new InvalidStateException("sleep() in a callback would block the loop; use callLater");
            }
            try {
                Thread.sleep(Duration.ofNanos(Math.max(0, nanos)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancelledException("interrupted while sleeping");
            }
            return;
        }
        me.checkpoint();
        if (nanos <= 0) {
            Task.yieldCurrent();
            me.checkpoint(); // a cancel that came while the others ran is delivered here
            return;
        }
        // Parks on the timer itself (no future, no waiter node): a sleeping task costs little.
        Thread self = Thread.currentThread();
        TimerHandle timer = me.loop.callLater(nanos, () -> java.util.concurrent.locks.LockSupport.unpark(self));
        while (true) {
            // Cancellation first: a cancel that came after the deadline passed but before this
            // task resumed is still delivered here.
            if (me.takeCancel()) {
                timer.cancel();
                throw new CancelledException(me.lastCancelMessage());
            }
            if (timer.hasFired()) {
                return;
            }
            Task.park(timer);
        }
    }

    /**
     * Lets every other ready task of the loop run once, then continues (asyncio's
     * {@code await asyncio.sleep(0)}). A cancellation point.
     */
    public static void yieldNow() {
        Task<?> me = Task.current();
        if (me != null) {
            me.checkpoint();
        }
        Task.yieldCurrent();
        if (me != null) {
            me.checkpoint(); // a cancel that came while the others ran is delivered here
        }
    }

    // ------------------------------------------------------------------ gather

    /**
     * Waits for all futures and returns their results in order; see {@link #gather(OnFailure, Collection)}.
     *
     * @param <T> the result type
     * @param futures the futures to wait for
     * @return their results in order; see {@link #gather(OnFailure, Collection)}
     */
    @SafeVarargs
    public static <T> List<T> gather(Future<? extends T>... futures) {
        return gather(OnFailure.CANCEL_OTHERS, Arrays.asList(futures));
    }

    /**
     * Waits for all futures and returns their results in order.
     *
     * @param <T> the result type
     * @param futures the futures to wait for
     * @return their results in order
     */
    public static <T> List<T> gather(Collection<? extends Future<? extends T>> futures) {
        return gather(OnFailure.CANCEL_OTHERS, futures);
    }

    /**
     * Runs each body as a task of the current loop and gathers their results in order.
     *
     * @param <T> the result type
     * @param bodies the bodies
     * @return the results, in the order of the bodies
     */
    @SafeVarargs
    public static <T> List<T> gather(Coroutine<? extends T>... bodies) {
        List<Future<? extends T>> tasks = new ArrayList<>(bodies.length);
        for (Coroutine<? extends T> b : bodies) {
            tasks.add(spawn(b));
        }
        return gather(OnFailure.CANCEL_OTHERS, tasks);
    }

    /**
     * Runs each body without result as a task of the current loop and waits for all of them
     * (asyncio's {@code await gather(f(), g())} of coroutines that return nothing):
     * {@code Weft.gather(() -> factorial("A", 2), () -> factorial("B", 3))}. Failures and
     * cancellation as in {@link #gather(OnFailure, Collection)}.
     *
     * @param bodies the bodies, each run as a task
     */
    public static void gather(VoidCoroutine... bodies) {
        List<Future<Void>> tasks = new ArrayList<>(bodies.length);
        for (VoidCoroutine b : bodies) {
            tasks.add(spawn(b));
        }
        gather(OnFailure.CANCEL_OTHERS, tasks);
    }

    /**
     * Waits for all futures and returns their results in the order given (asyncio's
     * {@code gather}). When one fails, {@code onFailure} says what happens to the others; then
     * the first failure is thrown (unchecked as it is, checked ones wrapped in
     * {@link TaskFailedException}). If the calling task is cancelled, every future is cancelled
     * and waited for, and {@link CancelledException} is thrown.
     *
     * @param <T> the result type
     * @param onFailure what happens to the others when one fails
     * @param futures the futures to wait for
     * @return their results in the order given (asyncio's {@code gather})
     */
    public static <T> List<T> gather(OnFailure onFailure, Collection<? extends Future<? extends T>> futures) {
        List<Future<? extends T>> fs = new ArrayList<>(futures);
        Task<?> me = Task.current();
        if (me != null) {
            me.checkpoint();
        }
        AtomicReference<Future<?>> firstFailure = new AtomicReference<>();
        Future<Void> signal = new Future<>((EventLoop) null);
        AtomicInteger remaining = new AtomicInteger(fs.size());
        if (fs.isEmpty()) {
            return new ArrayList<>();
        }
        for (Future<? extends T> f : fs) {
            f.addDirectCallback(x -> {
                if (x.state() != Future.State.RESULT && firstFailure.compareAndSet(null, x)) {
                    signal.trySetResult(null);
                }
                if (remaining.decrementAndGet() == 0) {
                    signal.trySetResult(null);
                }
            });
        }
        try {
            signal.awaitDone(me, -1);
        } catch (CancelledException e) {
            cancelAll(fs, e.getMessage());
            awaitAllQuietly(me, fs);
            throw e;
        }
        Future<?> failed = firstFailure.get();
        if (failed != null) {
            if (onFailure == OnFailure.CANCEL_OTHERS) {
                cancelAll(fs, "another task of the gather failed");
                awaitAllQuietly(me, fs);
                RuntimeException first = Future.rethrowable(failureOf(failed));
                for (Future<? extends T> f : fs) {
                    if (f != failed && f.state() == Future.State.FAILED) {
                        Throwable other = f.exception();
                        if (other != first) {
                            first.addSuppressed(other);
                        }
                    }
                }
                throw first;
            }
            failed.result(); // throws its failure
        }
        List<T> results = new ArrayList<>(fs.size());
        for (Future<? extends T> f : fs) {
            results.add(f.result());
        }
        return results;
    }

    /**
     * Waits for all futures and returns, in order, each one's result, exception, or
     * {@link CancelledException} (asyncio's {@code gather(..., return_exceptions=True)}). Never
     * cancels the others; if the caller is cancelled, all are cancelled and awaited.
     *
     * @param futures the futures to wait for
     * @return each one's result, exception or cancellation, in order
     */
    public static List<Object> gatherReturningExceptions(Future<?>... futures) {
        return gatherReturningExceptions(Arrays.asList(futures));
    }

    /**
     * Collection form of {@link #gatherReturningExceptions(Future[])}.
     *
     * @param futures the futures to wait for
     * @return each one's result, exception or cancellation, in order
     */
    public static List<Object> gatherReturningExceptions(Collection<? extends Future<?>> futures) {
        List<Future<?>> fs = new ArrayList<>(futures);
        Task<?> me = Task.current();
        if (me != null) {
            me.checkpoint();
        }
        try {
            awaitAll(me, fs);
        } catch (CancelledException e) {
            cancelAll(fs, e.getMessage());
            awaitAllQuietly(me, fs);
            throw e;
        }
        List<Object> out = new ArrayList<>(fs.size());
        for (Future<?> f : fs) {
            out.add(f.outcome());
        }
        return out;
    }

    private static Throwable failureOf(Future<?> f) {
        Object o = f.outcome();
        return (Throwable) o;
    }

    private static void cancelAll(Collection<? extends Future<?>> fs, String message) {
        for (Future<?> f : fs) {
            f.cancel(message);
        }
    }

    /** Waits until every future is done (cancellation passes to none of them). */
    static void awaitAll(Task<?> me, Collection<? extends Future<?>> fs) {
        Future<Void> signal = new Future<>((EventLoop) null);
        AtomicInteger remaining = new AtomicInteger(fs.size() + 1);
        for (Future<?> f : fs) {
            f.addDirectCallback(x -> {
                if (remaining.decrementAndGet() == 0) {
                    signal.trySetResult(null);
                }
            });
        }
        if (remaining.decrementAndGet() == 0) {
            return;
        }
        signal.awaitDone(me, -1);
    }

    /**
     * Waits until every future is done, holding back any cancellation of the caller until then
     * (it is re-armed afterwards). Used where structured clean-up must finish.
     */
    static void awaitAllQuietly(Task<?> me, Collection<? extends Future<?>> fs) {
        boolean cancelled = false;
        String message = null;
        while (true) {
            try {
                awaitAll(me, fs);
                break;
            } catch (CancelledException e) {
                cancelled = true;
                message = e.getMessage();
            }
        }
        if (cancelled && me != null) {
            me.rearmCancel(message);
        }
    }

    // ------------------------------------------------------------------ wait, waitFor, asCompleted, shield

    /**
     * Waits for the futures until {@code when} says, with an optional timeout (null: none), and
     * returns which are done and which pending (asyncio's {@code wait}). Cancels nothing, not
     * on timeout and not when the caller is cancelled.
     *
     * @param <F> the type of the futures
     * @param futures the futures to wait for
     * @param when when to return
     * @param timeout the time limit
     * @return which are done and which pending (asyncio's {@code wait})
     */
    public static <F extends Future<?>> WaitResult<F> wait(Collection<F> futures, ReturnWhen when, Duration timeout) {
        List<F> fs = new ArrayList<>(new LinkedHashSet<>(futures));
        if (fs.isEmpty()) {
            throw new IllegalArgumentException("futures must not be empty");
        }
        Task<?> me = Task.current();
        if (me != null) {
            me.checkpoint();
        }
        Future<Void> signal = new Future<>((EventLoop) null);
        AtomicInteger remaining = new AtomicInteger(fs.size());
        for (F f : fs) {
            f.addDirectCallback(x -> {
                boolean last = remaining.decrementAndGet() == 0;
                if (last || when == ReturnWhen.FIRST_COMPLETED
                        || (when == ReturnWhen.FIRST_EXCEPTION && x.state() == Future.State.FAILED)) {
                    signal.trySetResult(null);
                }
            });
        }
        signal.awaitDone(me, timeout == null ? -1 : timeout.toNanos());
        Set<F> done = new LinkedHashSet<>();
        Set<F> pending = new LinkedHashSet<>();
        for (F f : fs) {
            (f.isDone() ? done : pending).add(f);
        }
        return new WaitResult<>(done, pending);
    }

    /**
     * {@link #wait(Collection, ReturnWhen, Duration)} for all futures, without timeout.
     *
     * @param <F> the type of the futures
     * @param futures the futures to wait for
     * @return the futures, all done
     */
    public static <F extends Future<?>> WaitResult<F> wait(Collection<F> futures) {
        return wait(futures, ReturnWhen.ALL_COMPLETED, null);
    }

    /**
     * Waits for {@code future} at most {@code timeout}; when time is up, cancels it, waits until
     * it has finished, and throws {@link TimeoutException} (asyncio's {@code wait_for}). If the
     * future completed anyway, its result is returned. If the caller is cancelled, the future is
     * cancelled too, and {@link CancelledException} is thrown once it has finished.
     *
     * @param <T> the result type
     * @param timeout the time limit
     * @param future the future to wait for, cancelled when time is up
     * @return the future's result
     */
    public static <T> T waitFor(Duration timeout, Future<T> future) {
        Task<?> me = Task.current();
        try {
            if (me != null) {
                me.checkpoint();
            }
            future.awaitDone(me, timeout.toNanos());
        } catch (CancelledException e) {
            // The caller is cancelled: as asyncio's wait_for, the future is cancelled too (once:
            // the wait has passed the caller's cancel on to a task it awaited already), and the
            // caller's CancelledException comes out once it has finished, also when the time
            // limit passes meanwhile and when the cancel was pending on entry.
            if (!(future instanceof Task<?> t && t.cancelling() > 0)) {
                future.cancel(e.getMessage());
            }
            awaitAllQuietly(me, List.of(future));
            throw e;
        }
        if (!future.isDone()) {
            future.cancel("timed out after " + Durations.format(timeout));
            awaitAllQuietly(me, List.of(future));
            if (future.isCancelled()) {
                throw new TimeoutException("timed out after " + Durations.format(timeout));
            }
        }
        return future.result();
    }

    /**
     * Runs {@code body} in the calling task with a deadline {@code timeout} from now (asyncio's
     * {@code wait_for(coro, timeout)}); see {@link #withTimeout}. As in asyncio, a timeout of
     * zero or less throws {@link TimeoutException} at once, without running the body.
     *
     * @param <T> the result type
     * @param timeout the time limit
     * @param body the body, run in the calling task
     * @return what the body returned
     */
    public static <T> T waitFor(Duration timeout, Coroutine<T> body) {
        return TimeoutScope.waitFor(timeout, body);
    }

    /**
     * {@link #waitFor(Duration, Coroutine)} for a body without result:
     * {@code Weft.waitFor(Duration.ofSeconds(1), Example::eternity)}.
     *
     * @param timeout how long the body may take
     * @param body    the body, run in the calling task
     * @throws TimeoutException if the deadline passed
     */
    public static void waitFor(Duration timeout, VoidCoroutine body) {
        TimeoutScope.waitFor(timeout, body.asCoroutine());
    }

    /**
     * Runs {@code body} in the calling task and cancels it if it takes longer than
     * {@code timeout}; the cancellation this caused comes out as {@link TimeoutException}, and
     * nothing else is converted (asyncio's {@code async with asyncio.timeout()}). That includes
     * what a blocking JDK call throws when the cancellation interrupts it (a {@code java.net}
     * read failing with "Closed by interrupt", a JDBC driver's exception caused by it). Nestable:
     * the scope whose deadline passed reports the timeout; the others see a cancellation. A
     * timeout of zero or less has passed already: the body times out at its first suspension
     * (a body that never suspends returns its value, as with {@code asyncio.timeout(0)}).
     *
     * @param <T> the result type
     * @param timeout how long the body may take
     * @param body the body, run in the calling task
     * @return what the body returned
     * @throws TimeoutException if the deadline passed
     */
    public static <T> T withTimeout(Duration timeout, Coroutine<T> body) {
        return TimeoutScope.run(timeout, body);
    }

    /**
     * {@link #withTimeout(Duration, Coroutine)} for a body without result.
     *
     * @param timeout the time limit
     * @param body the task's body
     */
    public static void withTimeout(Duration timeout, VoidCoroutine body) {
        TimeoutScope.run(timeout, body.asCoroutine());
    }

    /**
     * Yields the futures as they finish, each one already done (asyncio's
     * {@code as_completed}). Each {@code next()} waits; a cancellation of the caller stops it
     * without touching the futures.
     *
     * @param <F> the type of the futures
     * @param <T> the result type
     * @param futures the futures to wait for
     * @return the futures in the order they finish
     */
    public static <T, F extends Future<T>> Iterable<F> asCompleted(Collection<F> futures) {
        return asCompleted(futures, null);
    }

    /**
     * Like {@link #asCompleted(Collection)} with an overall timeout: {@code next()} throws
     * {@link TimeoutException} once it has passed.
     *
     * @param <F> the type of the futures
     * @param <T> the result type
     * @param futures the futures to wait for
     * @param timeout how long all of them may take (null: no limit)
     * @return the futures in the order they finish
     */
    public static <T, F extends Future<T>> Iterable<F> asCompleted(Collection<F> futures, Duration timeout) {
        List<F> fs = new ArrayList<>(new LinkedHashSet<>(futures));
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        ConcurrentLinkedQueue<F> finished = new ConcurrentLinkedQueue<>();
        AtomicReference<Future<Void>> wakeup = new AtomicReference<>();
        for (F f : fs) {
            f.addDirectCallback(x -> {
                finished.add(f);
                Future<Void> w = wakeup.get();
                if (w != null) {
                    w.trySetResult(null);
                }
            });
        }
        return () -> new Iterator<>() {
            private int yielded;

            @Override
            public boolean hasNext() {
                return yielded < fs.size();
            }

            @Override
            public F next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Task<?> me = Task.current();
                if (me != null) {
                    me.checkpoint();
                }
                while (true) {
                    F f = finished.poll();
                    if (f != null) {
                        yielded++;
                        return f;
                    }
                    Future<Void> w = new Future<>((EventLoop) null);
                    wakeup.set(w);
                    if (!finished.isEmpty()) {
                        continue;
                    }
                    long left = deadline == Long.MAX_VALUE ? -1 : deadline - System.nanoTime();
                    if (deadline != Long.MAX_VALUE && left <= 0) {
                        throw new TimeoutException("asCompleted timed out after " + Durations.format(timeout));
                    }
                    w.awaitDone(me, left);
                }
            }
        };
    }

    /**
     * Protects {@code future} from the cancellation of those who wait for it (asyncio's
     * {@code shield}): the returned future follows it, and cancelling the returned one (or a
     * task waiting on it) leaves {@code future} running.
     *
     * @param <T> the result type
     * @param future the future to protect
     * @return a future that follows {@code future}; cancelling it leaves {@code future} running
     */
    public static <T> Future<T> shield(Future<T> future) {
        Future<T> outer = new Future<>(future.loop != null ? future.loop : EventLoop.current());
        future.addDirectCallback(f -> {
            switch (f.state()) {
                case RESULT -> outer.trySetResult(f.result());
                case CANCELLED -> outer.cancel();
                default -> outer.trySetException((Throwable) f.outcome());
            }
        });
        return outer;
    }

    // ------------------------------------------------------------------ executors

    /**
     * Runs {@code fn} on a thread of the current loop's default executor and waits for its
     * result (asyncio's {@code to_thread}); for CPU-bound work and calls that would pin the
     * carrier (file I/O, native code). The caller's cancellation does not stop the thread.
     *
     * @param <T> the result type
     * @param fn the call
     * @return what {@code fn} returned
     */
    public static <T> T toThread(Coroutine<T> fn) {
        return EventLoop.running().runInExecutor(null, fn).await();
    }

    /**
     * {@link #toThread(Coroutine)} for a call without result: {@code Weft.toThread(() -> store.insert(row))}.
     *
     * @param fn the call, run on a thread of the default executor
     */
    public static void toThread(VoidCoroutine fn) {
        toThread(fn.asCoroutine());
    }

    /**
     * Runs {@code fn} on {@code executor} and returns a future of its result bound to the current loop.
     *
     * @param <T> the result type
     * @param executor where to run it; null: the loop's default executor
     * @param fn the call
     * @return a future of its result bound to the current loop
     */
    public static <T> Future<T> runInExecutor(Executor executor, Coroutine<T> fn) {
        return EventLoop.running().runInExecutor(executor, fn);
    }

    /**
     * {@link #runInExecutor(Executor, Coroutine)} for a call without result.
     *
     * @param executor where to run it; null: the loop's default executor
     * @param fn       the call
     * @return a future completed (with null) when the call returns, bound to the current loop
     */
    public static Future<Void> runInExecutor(Executor executor, VoidCoroutine fn) {
        return EventLoop.running().runInExecutor(executor, fn);
    }

    // ------------------------------------------------------------------ introspection

    /** {@return a printable dump of the current loop's tasks: name, phase and stack of each} */
    public static String taskDump() {
        return TaskDump.of(EventLoop.running());
    }
}
