package dev.weft.net;

import dev.weft.EventLoop;
import dev.weft.Readiness;
import dev.weft.internal.Durations;
import dev.weft.internal.Loggers;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import org.slf4j.Logger;

/**
 * A {@link Transport} over a connected non-blocking {@link SocketChannel} (TCP or Unix domain),
 * polled by its loop's selector.
 *
 * <pre>
 *            close() with data buffered          buffer flushed (at most CLOSE_FLUSH_LIMIT)
 *   OPEN ------------------------------> CLOSING -------------------------------------> CLOSED
 *     |  \                                  ^                                             ^
 *     |   shutdownOutput() --> OUTPUT_SHUT --+ close()                                     |
 *     |                        (FIN once flushed)                                          |
 *     +---- close() with empty buffer, abort(), write error -------------------------------+
 * </pre>
 *
 * <p>The lifecycle is {@link AbstractTransport.State}, shared with the other transports.
 *
 * <p>A write error closes the socket, but what the peer had sent before it went away (an HTTP
 * server's early {@code 413} answer to an upload it refused, say) is read out first and stays
 * readable: {@link #tryRead} returns it, then end of stream.
 *
 * <p><b>Closing from another thread</b> ({@link #close}, {@link #abort}) hands the close to the
 * loop; once the loop itself is closed it aborts on the spot (the socket is closed at once, what
 * was buffered is dropped), as every {@link AbstractTransport} does.
 *
 * <p>Fields are owned by the loop thread (and by the loop's tasks, which run on it).
 */
final class SocketTransport extends AbstractTransport {

    private static final Logger LOG = Loggers.get(SocketTransport.class);

    /** At most this much of what a peer sent before a write error is kept readable. */
    private static final int SALVAGE_LIMIT = 64 * 1024;

    private final SocketChannel channel;
    private final SocketAddress local;
    private final SocketAddress remote;

    /**
     * False after a read that did not fill its buffer: the socket is most likely empty, so the
     * next read first waits for readiness (a request/response peer saves one read(2) per message).
     * The selector is level-triggered, so data that arrived meanwhile still wake the wait at once.
     */
    private boolean mayHaveData = true;

    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>(4);
    private long pendingBytes;
    /** True while the loop's selector watches the socket for writability (to flush {@link #pending}). */
    private boolean flushRegistered;
    /** After a write error: what the socket still held for reading when it was closed, or null. */
    private ByteBuffer salvaged;
    /** True if the salvage read to the peer's end of stream (so that nothing is missing after it). */
    private boolean salvagedToEnd;
    /** The limit on a close's flush ({@link #CLOSE_FLUSH_LIMIT}), while one runs; cancelled when it ends. */
    private dev.weft.TimerHandle closeFlushTimer;

    SocketTransport(EventLoop loop, SocketChannel channel) throws IOException {
        super(loop, State.OPEN);
        this.channel = channel;
        if (channel.isBlocking()) {
            channel.configureBlocking(false);
        }
        this.local = channel.getLocalAddress();
        this.remote = channel.getRemoteAddress();
    }

    /** Sets TCP_NODELAY and keep-alive on TCP sockets (not on Unix domain sockets). */
    static void tuneTcp(SocketChannel channel) throws IOException {
        if (channel.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        }
    }

    SocketChannel channel() {
        return channel;
    }

    // ------------------------------------------------------------------ read side

    @Override
    public int tryRead(ByteBuffer dst) throws IOException {
        checkLoop();
        if (state() == State.CLOSED) {
            if (salvaged == null) {
                throw new java.nio.channels.ClosedChannelException();
            }
            if (!salvaged.hasRemaining()) {
                if (salvagedToEnd) {
                    return -1; // the peer's last words were read: it is gone
                }
                throw failure; // more may have followed: never pass a cut stream off as a whole one
            }
            int n = Math.min(dst.remaining(), salvaged.remaining());
            dst.put(dst.position(), salvaged, salvaged.position(), n).position(dst.position() + n);
            salvaged.position(salvaged.position() + n);
            return n;
        }
        if (!mayHaveData) {
            return 0; // the last read emptied the socket: wait for readiness instead of a futile read(2)
        }
        int room = dst.remaining();
        int n = channel.read(dst);
        mayHaveData = n == room;
        return n;
    }

    @Override
    public void forgetEmptyHint() {
        mayHaveData = true;
    }

    @Override
    public void awaitReadable(long timeoutNanos) throws IOException {
        mayHaveData = true;
        try {
            awaitChannelReadable(timeoutNanos);
        } catch (java.nio.channels.ClosedChannelException e) {
            if (salvaged == null) {
                throw e;
            }
            // a write error closed the socket under this wait: tryRead hands out what was salvaged
        }
    }

    private void awaitChannelReadable(long timeoutNanos) throws IOException {
        if (state() == State.CLOSED && salvaged != null) {
            return;
        }
        if (timeoutNanos < 0) {
            Readiness.awaitReadable(channel);
        } else if (!Readiness.awaitReadable(channel, Duration.ofNanos(timeoutNanos))) {
            throw new SocketTimeoutException("no data from " + remote + " within " + Durations.nanos(timeoutNanos));
        }
    }

    // ------------------------------------------------------------------ write side

    @Override
    public void write(ByteBuffer src) throws IOException {
        checkLoop();
        if (failure != null) {
            throw failure;
        }
        if (!acceptsWrites()) {
            throw new IOException("cannot write: the stream is closing");
        }
        if (!src.hasRemaining()) {
            return;
        }
        if (pendingBytes == 0) {
            try {
                channel.write(src);
            } catch (IOException e) {
                fail(e);
                throw e;
            }
            if (!src.hasRemaining()) {
                return;
            }
        }
        ByteBuffer copy = ByteBuffer.allocate(src.remaining());
        copy.put(src).flip();
        pending.add(copy);
        pendingBytes += copy.remaining();
        if (!flushRegistered) {
            flushRegistered = true;
            loop.addWriter(channel, this::flush);
        }
    }

    /** Loop callback: the socket is writable; sends what it can. */
    private void flush() {
        assert holdsLoop();
        if (state() == State.CLOSED) {
            return;
        }
        try {
            while (!pending.isEmpty()) {
                ByteBuffer[] bufs = pending.toArray(new ByteBuffer[0]);
                long n = channel.write(bufs);
                pendingBytes -= n;
                while (!pending.isEmpty() && !pending.peek().hasRemaining()) {
                    pending.poll();
                }
                if (n == 0) {
                    break;
                }
            }
        } catch (IOException e) {
            fail(e);
            return;
        }
        if (pendingBytes == 0) {
            flushRegistered = false;
            loop.removeWriter(channel);
            afterFlushed();
        }
        wakeDrainWaiter();
    }

    /** The buffer is empty: ends a half-close (FIN) or a close waiting for it. */
    private void afterFlushed() {
        assert holdsLoop();
        if (state() == State.OUTPUT_SHUT) {
            try {
                channel.shutdownOutput();
            } catch (IOException e) {
                LOG.debug("shutdownOutput", e);
            }
        } else if (state() == State.CLOSING) {
            finishClose();
        }
    }

    @Override
    public long bufferedBytes() {
        return pendingBytes;
    }

    @Override
    public void shutdownOutput() throws IOException {
        checkLoop();
        if (!acceptsWrites()) {
            return;
        }
        moveTo(State.OUTPUT_SHUT);
        if (pendingBytes == 0) {
            afterFlushed();
        }
    }

    // ------------------------------------------------------------------ closing

    @Override
    void closeOnLoop() {
        if (isClosing()) {
            return;
        }
        moveTo(State.CLOSING);
        if (pendingBytes == 0) {
            finishClose();
        } else {
            closeFlushTimer = loop.callLater(CLOSE_FLUSH_LIMIT, () -> {
                if (state() != State.CLOSED) {
                    LOG.debug("{}: peer did not take {} buffered bytes in {}; aborting", remote, pendingBytes,
                            Durations.format(CLOSE_FLUSH_LIMIT));
                    abort();
                }
            });
        }
    }

    @Override
    void abortOnLoop() {
        if (state() == State.CLOSED) {
            return;
        }
        try {
            if (channel.isOpen() && channel.supportedOptions().contains(StandardSocketOptions.SO_LINGER)) {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (IOException e) {
            LOG.trace("SO_LINGER", e);
        }
        finishClose();
    }

    /** After the loop closed: the socket is closed at once, what was buffered dropped. */
    @Override
    void abortAfterLoopClosed() {
        pending.clear();
        pendingBytes = 0;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("close", e);
        }
    }

    /** A write failed: keeps what the peer sent before it went away, then closes. */
    private void fail(IOException e) {
        assert holdsLoop();
        if (failure == null) {
            failure = e;
        }
        salvage();
        finishClose();
    }

    /** Reads out (without waiting) what is left in the socket's receive queue, at most {@link #SALVAGE_LIMIT}. */
    private void salvage() {
        if (state() == State.CLOSED) {
            return;
        }
        ByteBuffer buf = ByteBuffer.allocate(SALVAGE_LIMIT);
        try {
            int n;
            do {
                n = channel.read(buf); // the kernel keeps data that arrived before a reset readable
            } while (n > 0 && buf.hasRemaining());
            salvagedToEnd = n < 0;
        } catch (IOException e) {
            LOG.trace("salvage after a write error", e);
        }
        salvaged = ByteBuffer.allocate(buf.flip().remaining()).put(buf).flip();
    }

    private void finishClose() {
        assert holdsLoop();
        if (state() == State.CLOSED) {
            return;
        }
        moveTo(State.CLOSED);
        if (closeFlushTimer != null) {
            closeFlushTimer.cancel(); // the flush is over (done, or cut short)
            closeFlushTimer = null;
        }
        pending.clear();
        try {
            Readiness.close(channel);
        } catch (IOException e) {
            LOG.debug("close", e);
        }
        wakeDrainWaiter();
        signalIfFullyClosed();
    }

    /** True while the limit on a close's flush is armed (for tests). */
    boolean closeFlushTimerArmed() {
        return closeFlushTimer != null && !closeFlushTimer.isCancelled() && !closeFlushTimer.hasFired();
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public String toString() {
        return "SocketTransport[" + local + " -> " + remote + (state() == State.OPEN ? "" : ", " + state()) + "]";
    }
}
