package dev.weft;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Several event loops, each on its own platform thread, for programs that use every core
 * (Netty's {@code EventLoopGroup}). Tasks are spread round-robin by {@link #spawn} or placed on
 * a given loop with {@link #loop(int)}; a task on one loop may await a future or task of
 * another: the wake-up crosses through the other loop's inbox.
 *
 * <p>Thread-safety: all methods are safe from any thread.
 */
public final class LoopGroup implements AutoCloseable {

    private final List<EventLoop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();

    /** How long {@link #close()} lets the cancelled tasks finish, in seconds. */
    public static final int CLOSE_GRACE_SECONDS = 10;

    /**
     * Starts {@code size} loops.
     *
     * @param size the size
     */
    public LoopGroup(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1, was " + size);
        }
        CountDownLatch started = new CountDownLatch(size);
        for (int i = 0; i < size; i++) {
            EventLoop loop = EventLoop.create();
            loops.add(loop);
            loop.callSoon(started::countDown);
            Thread t = Thread.ofPlatform().name("weft-loop-" + i).daemon().start(loop::runForever);
            threads.add(t);
        }
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException("interrupted while starting loops");
        }
    }

    /**
     * Cancels the live tasks of every loop, again for those spawned meanwhile, and waits until
     * none is left or {@code grace} has passed. Returns null, or the exception that ended the
     * wait early: the calling task was cancelled, or the calling thread interrupted (its
     * interrupt status is then cleared, for the joins that follow).
     */
    private CancelledException cancelAndAwaitTasks(Duration grace) {
        Task<?> me = Task.current();
        long deadline = System.nanoTime() + grace.toNanos();
        Set<Task<?>> cancelled = new HashSet<>();
        while (true) {
            List<Task<?>> live = new ArrayList<>();
            for (EventLoop l : loops) {
                if (!l.isClosed()) {
                    live.addAll(l.allTasks());
                }
            }
            if (live.isEmpty()) {
                return null;
            }
            for (Task<?> t : live) {
                if (cancelled.add(t)) {
                    t.cancel("loop group is closing");
                }
            }
            for (Task<?> t : live) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                try {
                    t.awaitDone(me, left);
                } catch (CancelledException e) {
                    if (me == null) {
                        Thread.interrupted(); // restored by close() once the loops are closed
                    }
                    return e;
                }
            }
        }
    }

    /** {@return one loop per available core} */
    public static LoopGroup perCore() {
        return new LoopGroup(Runtime.getRuntime().availableProcessors());
    }

    /** {@return the number of loops} */
    public int size() {
        return loops.size();
    }

    /**
     * The loop at {@code index}.
     *
     * @param index the index
     * @return the loop at {@code index}
     */
    public EventLoop loop(int index) {
        return loops.get(index);
    }

    /** {@return the next loop, round-robin} */
    public EventLoop next() {
        return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
    }

    /**
     * Spawns a task on the next loop.
     *
     * @param <T> the result type
     * @param body the task's body
     * @return the task
     */
    public <T> Task<T> spawn(Coroutine<T> body) {
        return next().spawn(body);
    }

    /**
     * Spawns a named task on the next loop.
     *
     * @param <T> the result type
     * @param name the name
     * @param body the task's body
     * @return the task
     */
    public <T> Task<T> spawn(String name, Coroutine<T> body) {
        return next().spawn(name, body);
    }

    /**
     * Spawns a task without result on the next loop.
     *
     * @param body the task's body
     * @return the task
     */
    public Task<Void> spawn(VoidCoroutine body) {
        return next().spawn(body);
    }

    /**
     * Spawns a named task without result on the next loop.
     *
     * @param name the task's name
     * @param body the task's body
     * @return the task
     */
    public Task<Void> spawn(String name, VoidCoroutine body) {
        return next().spawn(name, body);
    }

    /**
     * Closes the group: cancels every task still running on its loops and waits for them (at
     * most {@value #CLOSE_GRACE_SECONDS} s in all), so that their {@code finally} blocks run;
     * then stops every loop, waits for their threads, and closes them. A task still running
     * after the grace period is abandoned (see {@link EventLoop#close()}). Idempotent.
     *
     * @throws InvalidStateException if called from one of the group's own loops
     */
    @Override
    public void close() {
        close(Duration.ofSeconds(CLOSE_GRACE_SECONDS));
    }

    /**
     * Like {@link #close()}, giving the cancelled tasks {@code grace} to finish.
     *
     * @param grace how long the cancelled tasks may take to finish, in all
     * @throws InvalidStateException if called from one of the group's own loops
     */
    public void close(Duration grace) {
        for (EventLoop l : loops) {
            if (l.inLoop() || l.thread() == Thread.currentThread()) {
                throw new InvalidStateException("a LoopGroup cannot be closed from one of its own loops:"
                        + " it waits for their tasks and threads");
            }
        }
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        CancelledException stoppedWaiting = cancelAndAwaitTasks(grace);
        boolean interrupted = stoppedWaiting != null && Task.current() == null;
        for (EventLoop l : loops) {
            if (!l.isClosed()) {
                l.stop();
            }
        }
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        for (EventLoop l : loops) {
            l.close();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        } else if (stoppedWaiting != null) {
            throw stoppedWaiting; // the calling task was cancelled while it waited
        }
    }
}
