package dev.weft.http.server;

import dev.weft.Future;
import dev.weft.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * The number of open connections of a server, which tasks (of any loop) and threads can wait on
 * to drop to a bound. Thread-safe: connections of a loop group open and close on several loops.
 */
final class ConnectionCount {

    /** A task waiting until the count is at most {@code atMost}. */
    private record Waiter(int atMost, Future<Void> done) {
    }

    private final Object guard = new Object();
    private int open; // guarded
    private final List<Waiter> waiters = new ArrayList<>(); // guarded

    /** Counts a connection that starts being served. */
    void opened() {
        synchronized (guard) {
            open++;
        }
    }

    /** Counts a connection that is done (its socket already closed) and wakes the waiters now satisfied. */
    void closed() {
        List<Future<Void>> wake = new ArrayList<>();
        synchronized (guard) {
            open--;
            waiters.removeIf(w -> {
                if (w.atMost >= open) {
                    wake.add(w.done);
                    return true;
                }
                return false;
            });
        }
        for (Future<Void> f : wake) {
            f.trySetResult(null);
        }
    }

    /** The connections open now. */
    int get() {
        synchronized (guard) {
            return open;
        }
    }

    /** Waits until at most {@code atMost} connections are open; always a cancellation point. */
    void awaitAtMost(int atMost) {
        Task.checkpointCurrent(); // also when it need not wait
        Future<Void> done;
        synchronized (guard) {
            if (open <= atMost) {
                return;
            }
            done = new Future<>();
            waiters.add(new Waiter(atMost, done));
        }
        try {
            done.await();
        } finally {
            synchronized (guard) {
                waiters.removeIf(w -> w.done == done);
            }
        }
    }
}
