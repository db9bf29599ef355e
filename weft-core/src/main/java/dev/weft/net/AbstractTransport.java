package dev.weft.net;

import dev.weft.EventLoop;
import dev.weft.Future;
import dev.weft.InvalidStateException;
import dev.weft.Task;
import dev.weft.Weft;
import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;

/**
 * What every {@link Transport} shares, in one place so that the socket, TLS, pipe and memory
 * transports cannot drift apart: the lifecycle, the loop checks, the drain gate, waiting for the
 * close, and closing from another thread.
 *
 * <pre>
 *                 handshake done (TLS only)
 *   HANDSHAKING ----------------------------> OPEN ------ shutdownOutput() ------> OUTPUT_SHUT
 *        |                                     |    (buffer flushed, then the write    |
 *        |                                     |     side closed; reads go on)         |
 *        |                                     | close() with bytes buffered           | close()
 *        |                                     v                                       |
 *        |                                  CLOSING  &lt;-------------------------------+
 *        |                (writes refused;     |
 *        |                 the buffer flushes) | buffer flushed (at most CLOSE_FLUSH_LIMIT, then aborted)
 *        v                                     v
 *      CLOSED  &lt;---- abort(), a failure, close() with nothing buffered, a pipe's write side closed,
 *                      or close()/abort() from another thread once the loop is closed
 * </pre>
 *
 * <p>A transport only moves forward in this order ({@link #moveTo} refuses to go back). A failure
 * ({@link #failure}) is kept besides the state: every later call throws it. The read side has its
 * own end (the peer's end of stream), which each transport tracks.
 *
 * <p><b>Threads.</b> Every field belongs to the loop thread: its tasks and callbacks, which never
 * run at once. Public methods meant for tasks check the loop ({@link #checkLoop}, an
 * {@link InvalidStateException} for misuse); internal loop-only methods {@code assert holdsLoop()}.
 * {@link #close} and {@link #abort} may be called from any thread: off the loop they are handed
 * to it, and once the loop is closed (nothing runs on it any more, nothing can flush) they abort
 * on the spot ({@link #abortAfterLoopClosed}), on the calling thread, which then owns the fields
 * since the loop's thread has left them for good.
 */
abstract class AbstractTransport implements Transport {

    /** How long a closing transport may take to flush its buffer before it is aborted. */
    static final java.time.Duration CLOSE_FLUSH_LIMIT = java.time.Duration.ofSeconds(30);

    /** Where a transport is in its life (see the diagram above). */
    enum State {
        /** TLS only: the handshake runs; nothing is handed out before it is done. */
        HANDSHAKING,
        /** Reads and writes. */
        OPEN,
        /** {@code shutdownOutput()} asked: writes refused, the buffer flushes, then the write side closes. */
        OUTPUT_SHUT,
        /** {@code close()} asked: writes refused, the buffer flushes, then {@link #CLOSED}. */
        CLOSING,
        /** Done: nothing more is sent; {@code awaitClosed} returns. */
        CLOSED
    }

    /** The loop the transport belongs to. */
    final EventLoop loop;

    // Loop thread only.
    private State state;
    /** A fatal error: every later call throws it; null while there is none. */
    IOException failure;
    /** The one task waiting in {@code drain()}. */
    private final DrainGate drain;
    /** Completed once {@link #isFullyClosed()}; made on the first wait. */
    private Future<Void> closedFuture;

    AbstractTransport(EventLoop loop, State initial) {
        this.loop = loop;
        this.state = initial;
        this.drain = new DrainGate(loop);
    }

    @Override
    public final EventLoop loop() {
        return loop;
    }

    // ------------------------------------------------------------------ lifecycle

    /** Where the transport is in its life. */
    final State state() {
        return state;
    }

    /**
     * Moves to {@code next}, never back.
     *
     * @throws IllegalStateException if {@code next} comes before the current state
     */
    final void moveTo(State next) {
        if (next.compareTo(state) < 0) {
            throw new IllegalStateException(this + ": a transport never goes back, from " + state + " to " + next);
        }
        state = next;
    }

    /** True while writes are accepted: before {@code shutdownOutput()} or {@code close()}. */
    final boolean acceptsWrites() {
        return state.compareTo(State.OUTPUT_SHUT) < 0;
    }

    /** True once {@code close()} or {@code abort()} was called, or the transport failed: {@link State#CLOSING} or later. */
    final boolean closeStarted() {
        return state.compareTo(State.CLOSING) >= 0;
    }

    @Override
    public boolean isClosing() {
        return closeStarted();
    }

    // ------------------------------------------------------------------ loop checks

    /** True on the loop's thread (in a task of the loop, or one of its callbacks). */
    final boolean inLoop() {
        return loop.inLoop();
    }

    /**
     * {@link #inLoop()} without side effects, for {@code assert}s: in compatibility mode
     * {@code inLoop()} makes a lent task rejoin the loop, and an assert must not act.
     */
    final boolean holdsLoop() {
        return loop.holdsLoop();
    }

    /**
     * Throws unless called on the loop: the check of the public methods that tasks call.
     *
     * @throws InvalidStateException off the loop
     */
    final void checkLoop() {
        if (!loop.inLoop()) {
            throw new InvalidStateException("a stream is used from its own loop only (" + loop + ")");
        }
    }

    // ------------------------------------------------------------------ drain

    /**
     * Parks the task until at most {@code bytes} are buffered; throws the transport's failure, or
     * if it closed with more buffered. Always a cancellation point.
     */
    @Override
    public final void awaitBufferedAtMost(long bytes) throws IOException {
        checkLoop();
        Task.checkpointCurrent();
        while (true) {
            if (failure != null) {
                throw failure;
            }
            if (bufferedBytes() <= bytes) {
                return;
            }
            awaitDrainStep(bytes);
        }
    }

    /**
     * One wait of {@link #awaitBufferedAtMost}, which checks again after it: by default, fails if
     * the transport is closed (nothing will flush any more), else parks on the drain gate until
     * {@link #wakeDrainWaiter} lets the task go.
     */
    void awaitDrainStep(long bytes) throws IOException {
        if (state == State.CLOSED) {
            throw new IOException(this + " was closed with " + bufferedBytes() + " bytes unsent");
        }
        parkOnDrainGate(bytes);
    }

    /** Parks the draining task until {@link #wakeDrainWaiter} lets it go (one task at a time). */
    final void parkOnDrainGate(long bytes) {
        drain.await(bytes, String.valueOf(this));
    }

    /**
     * Lets the draining task go if the buffer is down to its target, or always once the
     * transport failed or closed (it then throws). Call whenever the buffer shrinks or the
     * transport fails or closes.
     */
    void wakeDrainWaiter() {
        assert holdsLoop();
        drain.wake(bufferedBytes(), failure != null || state == State.CLOSED);
    }

    /** Lets the draining task go whatever the buffer holds (it checks again). */
    final void forceWakeDrainWaiter() {
        assert holdsLoop();
        drain.wake(0, true);
    }

    // ------------------------------------------------------------------ closed

    /** True once closed all the way, so that {@link #awaitClosed} returns: by default, {@link State#CLOSED}. */
    boolean isFullyClosed() {
        return state == State.CLOSED;
    }

    /**
     * Parks the task until the transport is fully closed. Always a cancellation point; a
     * cancelled wait leaves the close and the other waiters alone.
     */
    @Override
    public void awaitClosed() throws IOException {
        checkLoop();
        if (isFullyClosed()) {
            Task.checkpointCurrent();
            return;
        }
        if (closedFuture == null) {
            closedFuture = new Future<>(loop);
        }
        Weft.shield(closedFuture).await();
    }

    /** Lets the {@link #awaitClosed} waiters go if the transport is fully closed now. */
    final void signalIfFullyClosed() {
        if (closedFuture != null && isFullyClosed()) {
            closedFuture.trySetResult(null);
        }
    }

    // ------------------------------------------------------------------ closing from anywhere

    /** Flushes the buffer in the background, then closes. Idempotent; never blocks; any thread. */
    @Override
    public final void close() {
        if (!inLoop()) {
            offLoop(this::close);
            return;
        }
        closeOnLoop();
    }

    /** Closes now, dropping what is buffered. Idempotent; never blocks; any thread. */
    @Override
    public final void abort() {
        if (!inLoop()) {
            offLoop(this::abort);
            return;
        }
        abortOnLoop();
    }

    /** {@link #close} on the loop. */
    abstract void closeOnLoop();

    /** {@link #abort} on the loop. */
    abstract void abortOnLoop();

    /**
     * {@link #close} or {@link #abort} from another thread once the loop is closed: closes at once
     * what the transport holds (its socket, or its pumps' streams), dropping what is buffered,
     * and ends {@link State#CLOSED}. Runs on the calling thread.
     */
    abstract void abortAfterLoopClosed();

    /** Hands {@code onLoop} to the loop, or aborts right here if the loop is closed. */
    private void offLoop(Runnable onLoop) {
        if (!loop.isClosed()) {
            try {
                loop.execute(onLoop);
                return;
            } catch (RejectedExecutionException closedMeanwhile) {
                // the loop closed since the check: abort here
            }
        }
        abortAfterLoopClosed();
        state = State.CLOSED;
    }
}
