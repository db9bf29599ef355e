package dev.weft.net;

import dev.weft.EventLoop;
import dev.weft.Future;
import dev.weft.InvalidStateException;

/**
 * The one task of a transport that waits in {@code drain()} until its write buffer is down to a
 * target (or the transport failed or closed). Owned by {@link AbstractTransport}, for every transport.
 * Loop thread only.
 */
final class DrainGate {

    private final EventLoop loop;
    private Future<Void> waiter;
    private long target;

    DrainGate(EventLoop loop) {
        this.loop = loop;
    }

    /**
     * Parks the calling task until {@link #wake} lets it go; the caller re-checks its buffer.
     *
     * @throws InvalidStateException if another task is already waiting
     */
    void await(long target, String what) {
        if (waiter != null && !waiter.isDone()) {
            throw new InvalidStateException("another task is already draining " + what);
        }
        this.target = target;
        Future<Void> w = new Future<>(loop);
        waiter = w;
        try {
            w.await();
        } finally {
            if (waiter == w) {
                waiter = null;
            }
        }
    }

    /** Lets the waiting task go if {@code buffered} is down to its target, or always if {@code force}. */
    void wake(long buffered, boolean force) {
        Future<Void> w = waiter;
        if (w != null && (force || buffered <= target)) {
            waiter = null;
            w.trySetResult(null); // a cancelled waiter is already done
        }
    }
}
