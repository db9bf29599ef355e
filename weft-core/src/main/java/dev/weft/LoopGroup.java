package dev.weft;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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

    /** Starts {@code size} loops. */
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

    /** One loop per available core. */
    public static LoopGroup perCore() {
        return new LoopGroup(Runtime.getRuntime().availableProcessors());
    }

    /** The number of loops. */
    public int size() {
        return loops.size();
    }

    /** The loop at {@code index}. */
    public EventLoop loop(int index) {
        return loops.get(index);
    }

    /** The next loop, round-robin. */
    public EventLoop next() {
        return loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
    }

    /** Spawns a task on the next loop. */
    public <T> Task<T> spawn(Coroutine<T> body) {
        return next().spawn(body);
    }

    /** Spawns a named task on the next loop. */
    public <T> Task<T> spawn(String name, Coroutine<T> body) {
        return next().spawn(name, body);
    }

    /** Stops every loop, waits for their threads, and closes them. */
    @Override
    public void close() {
        for (EventLoop l : loops) {
            if (!l.isClosed()) {
                l.stop();
            }
        }
        boolean interrupted = false;
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
        }
    }
}
