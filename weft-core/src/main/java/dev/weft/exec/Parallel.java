package dev.weft.exec;

import dev.weft.CancelledException;
import dev.weft.EventLoop;
import dev.weft.Future;
import dev.weft.InvalidStateException;
import dev.weft.Task;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A parallel map over a pool of worker threads that returns the results in input order
 * (joblib's {@code Parallel(n_jobs=…)(delayed(f)(x) for x in xs)}).
 *
 * <pre>{@code
 * List<Double> roots = Parallel.withJobs(2).map(xs, x -> Math.sqrt(x));          // CPU-bound
 * List<Integer> codes = Parallel.withJobs(10)
 *         .prefer(Parallel.Workers.VIRTUAL_THREADS)                            // blocking I/O
 *         .withProgressBar("Request")
 *         .map(urls, url -> load(url));
 * }</pre>
 *
 * <p>One call of {@code map}:
 * <pre>
 *   map ---> RUNNING ------------- every item done -------------> returns the results in input order
 *               |
 *               | an item (or the progress listener) throws,
 *               | or the caller is cancelled / interrupted
 *               v
 *           ABORTING: no item starts any more, running workers are interrupted
 *               |
 *               +------ last worker has left ------> throws ParallelException (naming the input),
 *                                                      the listener's exception, or CancelledException
 * </pre>
 *
 * <p><b>Workers.</b> Each {@code map} starts {@code min(jobs, items)} fresh worker threads that
 * take the next item until none is left: platform threads by default (real parallelism for
 * CPU-bound work: what joblib needs processes for), or virtual threads for blocking I/O. The
 * caller never runs items itself. Aborting interrupts the workers; an item that ignores
 * interruption (a CPU-bound loop) is waited for, so no worker outlives the call.
 *
 * <p><b>Callers.</b> {@code map} may be called from a task, which is suspended while it waits
 * (its loop runs other tasks meanwhile), or from a plain thread, which blocks. It is always a
 * cancellation point. It must not be called from a loop callback (that would block the loop).
 * Progress listeners run on the calling thread, never concurrently (see {@link ProgressListener}).
 *
 * <p><b>Thread-safety:</b> a {@code Parallel} is immutable; use it from any thread, even for
 * several maps at once.
 */
public final class Parallel {

    /** Which threads run the items (joblib's {@code prefer}). */
    public enum Workers {
        /** Platform threads: for CPU-bound items (the default). */
        PLATFORM_THREADS,
        /** Virtual threads on the JDK's default scheduler: for items that block on I/O. */
        VIRTUAL_THREADS
    }

    /**
     * The function applied to each item (joblib's {@code delayed(f)}). It may throw; the
     * exception aborts the map.
     *
     * @param <T> the type of the items
     * @param <R> the type of the results
     */
    @FunctionalInterface
    public interface Mapper<T, R> {
        /**
         * Computes the result for one item.
         *
         * @param item the item
         * @return the result
         * @throws Exception what the code throws
         */
        R apply(T item) throws Exception;
    }

    private final int jobs;
    private final Workers workers;
    private final ProgressListener listener;
    private final String progressBar;

    private Parallel(int jobs, Workers workers, ProgressListener listener, String progressBar) {
        this.jobs = jobs;
        this.workers = workers;
        this.listener = listener;
        this.progressBar = progressBar;
    }

    /**
     * A map with {@code jobs} workers on platform threads (joblib's {@code n_jobs}); {@code -1}
     * means one per available processor.
     *
     * @param jobs how many jobs run at once
     * @return a map with {@code jobs} workers on platform threads (joblib's {@code n_jobs}); {@code -1} means one per available processor
     * @throws IllegalArgumentException if {@code jobs} is 0 or below -1
     */
    public static Parallel withJobs(int jobs) {
        if (jobs == -1) {
            jobs = Runtime.getRuntime().availableProcessors();
        }
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1 (or -1 for one per processor), was " + jobs);
        }
        return new Parallel(jobs, Workers.PLATFORM_THREADS, null, null);
    }

    /**
     * The same map on the given kind of worker threads (joblib's {@code prefer=}).
     *
     * @param kind the kind of worker threads
     * @return the same map on the given kind of worker threads (joblib's {@code prefer=})
     */
    public Parallel prefer(Workers kind) {
        return new Parallel(jobs, Objects.requireNonNull(kind, "kind"), listener, progressBar);
    }

    /**
     * The same map, telling {@code listener} of every finished item (see {@link ProgressListener}).
     *
     * @param listener the listener
     * @return the same map, telling {@code listener} of every finished item (see {@link ProgressListener})
     */
    public Parallel onProgress(ProgressListener listener) {
        return new Parallel(jobs, workers, Objects.requireNonNull(listener, "listener"), progressBar);
    }

    /**
     * The same map, drawing a {@link ProgressBar} with this description on standard error
     * while it runs (tqdm_joblib's {@code tqdm_joblib(desc=…)}).
     *
     * @param description the description
     * @return the same map, drawing a {@link ProgressBar} with this description on standard error while it runs (tqdm_joblib's {@code tqdm_joblib(desc=…)})
     */
    public Parallel withProgressBar(String description) {
        return new Parallel(jobs, workers, listener, Objects.requireNonNull(description, "description"));
    }

    /** {@return the number of workers a map starts at most} */
    public int jobs() {
        return jobs;
    }

    /** {@return the kind of worker threads} */
    public Workers workers() {
        return workers;
    }

    /**
     * Applies {@code mapper} to every item on the workers and returns the results in the order
     * of {@code items} (an unmodifiable list; null results are kept).
     *
     * @param <R> the type of the results
     * @param <T> the result type
     * @param items the items
     * @param mapper the mapper
     * @return the results in the order of {@code items} (an unmodifiable list; null results are kept)
     * @throws ParallelException if an item failed: the first failure, naming its input index
     * @throws CancelledException if the calling task was cancelled, or the calling thread
     *         interrupted (its interrupt status is then set again), while waiting
     * @throws InvalidStateException if called from a loop callback
     */
    public <T, R> List<R> map(Collection<? extends T> items, Mapper<? super T, ? extends R> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        List<T> inputs = new ArrayList<>(items);
        Task<?> me = Task.current();
        if (me == null && EventLoop.current() != null) {
            throw new InvalidStateException("Parallel.map in a loop callback would block the loop;"
                    + " call it from a task or a plain thread");
        }
        checkpoint(me);
        ProgressBar bar = progressBar != null ? ProgressBar.create(progressBar, inputs.size()) : null;
        try {
            ProgressListener report = combine(listener, bar);
            return new MapRun<T, R>(inputs, mapper, Math.min(jobs, inputs.size()), workers).run(me, report);
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
    }

    /**
     * Runs every call on the workers and returns their results in order (joblib's
     * {@code Parallel(...)(delayed(f)(a, b) for …)} with different functions or arguments).
     *
     * @param <R> the type of the results
     * @param calls the calls
     * @return their results in order (joblib's {@code Parallel(...)(delayed(f)(a, b) for …)} with different functions or arguments)
     * @throws ParallelException if a call failed, naming its index
     */
    public <R> List<R> run(Collection<? extends Callable<? extends R>> calls) {
        return map(calls, Callable::call);
    }

    /** Every Weft wait is a cancellation point, even when it does not need to wait. */
    private static void checkpoint(Task<?> me) {
        if (me != null) {
            Future.completed(null).await(); // await() delivers a pending cancellation even when done
        } else if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new CancelledException("interrupted");
        }
    }

    private static ProgressListener combine(ProgressListener a, ProgressListener b) {
        if (a == null || b == null) {
            return a != null ? a : b;
        }
        return (done, total) -> {
            b.progressed(done, total);
            a.progressed(done, total);
        };
    }

    /**
     * One call of {@code map}. The caller waits on {@code wake}, a fresh Weft future per round
     * that workers complete whenever an item finishes or a worker leaves.
     */
    private static final class MapRun<T, R> {
        private final List<T> inputs;
        private final Mapper<? super T, ? extends R> mapper;
        private final Object[] results;
        private final Thread[] threads;

        // Any thread.
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private final AtomicInteger live;
        private final AtomicReference<ParallelException> failure = new AtomicReference<>();
        private volatile boolean aborted;
        private volatile Future<Void> wake = new Future<>((EventLoop) null);

        MapRun(List<T> inputs, Mapper<? super T, ? extends R> mapper, int workerCount, Workers kind) {
            this.inputs = inputs;
            this.mapper = mapper;
            this.results = new Object[inputs.size()];
            this.live = new AtomicInteger(workerCount);
            this.threads = newWorkers(workerCount, kind, this::work);
        }

        /** Caller thread: starts the workers, reports progress, waits until the last one left. */
        @SuppressWarnings("unchecked")
        List<R> run(Task<?> me, ProgressListener listener) {
            for (Thread t : threads) {
                t.start();
            }
            long reported = 0;
            CancelledException cancelled = null;
            RuntimeException listenerFailure = null;
            while (true) {
                Future<Void> w = new Future<>((EventLoop) null);
                wake = w; // publish before reading the counters: a later change completes w
                boolean stopped = live.get() == 0;
                int done = finished.get(); // final once stopped was read as true
                if (done > reported && listener != null && listenerFailure == null) {
                    try {
                        while (reported < done) {
                            listener.progressed(++reported, results.length);
                        }
                    } catch (RuntimeException | Error e) {
                        listenerFailure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                        abort();
                    }
                    continue;
                }
                if (stopped) {
                    break;
                }
                try {
                    w.await();
                } catch (CancelledException e) {
                    if (cancelled == null) {
                        cancelled = e;
                    }
                    if (me == null) {
                        Thread.interrupted(); // remembered in `cancelled`; set again before returning
                    }
                    abort();
                }
            }
            if (cancelled != null) {
                if (me == null) {
                    Thread.currentThread().interrupt();
                }
                throw cancelled;
            }
            if (listenerFailure != null) {
                throw listenerFailure;
            }
            ParallelException f = failure.get();
            if (f != null) {
                throw f;
            }
            return Collections.unmodifiableList(Arrays.asList((R[]) results));
        }

        /** Worker thread: takes items until none is left or the map is aborted. */
        private void work() {
            try {
                while (!aborted) {
                    int i = next.getAndIncrement();
                    if (i >= results.length) {
                        return;
                    }
                    Object r;
                    try {
                        r = mapper.apply(inputs.get(i));
                    } catch (Throwable t) {
                        failed(i, t);
                        return;
                    }
                    results[i] = r;
                    finished.incrementAndGet();
                    signal();
                }
            } finally {
                live.decrementAndGet();
                signal();
            }
        }

        private void failed(int index, Throwable t) {
            boolean wasAborted = aborted;
            if (wasAborted && isInterruption(t)) {
                return; // the abort's own interrupt, not a failure of the item
            }
            ParallelException e = new ParallelException(index, results.length, t);
            if (failure.compareAndSet(null, e)) {
                abort();
            } else {
                failure.get().addSuppressed(t);
            }
        }

        private void abort() {
            aborted = true;
            for (Thread t : threads) {
                if (t != Thread.currentThread()) {
                    t.interrupt();
                }
            }
        }

        private void signal() {
            Future<Void> w = wake;
            if (!w.isDone()) {
                w.trySetResult(null);
            }
        }

        private static boolean isInterruption(Throwable t) {
            return t instanceof InterruptedException || t instanceof InterruptedIOException
                    || t instanceof ClosedByInterruptException || t instanceof CancellationException
                    || Thread.currentThread().isInterrupted();
        }

        /**
         * Makes the worker threads, unstarted. A virtual thread takes the scheduler of the thread
         * that creates it, so one made inside a task would be scheduled through the task's loop;
         * virtual workers are therefore made on a platform thread, which gives them the JDK's
         * default scheduler.
         */
        private static Thread[] newWorkers(int n, Workers kind, Runnable body) {
            Thread[] threads = new Thread[n];
            Runnable make = () -> {
                Thread.Builder builder = kind == Workers.VIRTUAL_THREADS
                        ? Thread.ofVirtual().name("weft-parallel-", 1)
                        : Thread.ofPlatform().daemon().name("weft-parallel-", 1);
                for (int i = 0; i < n; i++) {
                    threads[i] = builder.unstarted(body);
                }
            };
            if (kind == Workers.VIRTUAL_THREADS && Thread.currentThread().isVirtual()) {
                Thread maker = Thread.ofPlatform().name("weft-parallel-maker").start(make);
                boolean interrupted = false;
                while (true) {
                    try {
                        maker.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true; // keep waiting: it takes microseconds; re-set below
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            } else {
                make.run();
            }
            return threads;
        }
    }
}
