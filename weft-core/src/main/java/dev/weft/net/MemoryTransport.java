package dev.weft.net;

import dev.weft.EventLoop;
import dev.weft.Future;
import dev.weft.InvalidStateException;
import dev.weft.Task;
import dev.weft.TimeoutException;
import dev.weft.internal.Durations;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * One end of an in-memory byte pipe ({@link Streams#memoryPair}): what one end writes, the other
 * reads, on one loop, with no socket. Each {@link #tryRead} hands out at most
 * {@code maxReadChunk} bytes, so a test can feed a parser one byte at a time, or split a message
 * anywhere by writing its parts with a {@code Weft.yieldNow()} between them.
 *
 * <pre>
 *   OPEN --shutdownOutput()--> OUTPUT_SHUT     (the peer reads end of stream; reads go on here)
 *     |                            |
 *     +------ close()/abort() -----+--> CLOSED (the peer reads end of stream; nothing more is read here)
 * </pre>
 *
 * <p>The lifecycle is {@link AbstractTransport.State}, shared with the other transports; with
 * nothing ever buffered, a close is immediate (no {@code CLOSING}). No back-pressure: a write
 * goes straight into the peer's inbound queue, so {@link #bufferedBytes} is always 0. Closing
 * from another thread after the loop closed closes on the spot, as the other transports do.
 * Fields are owned by the loop thread.
 */
final class MemoryTransport extends AbstractTransport {

    private int maxReadChunk;
    private final String name;
    private MemoryTransport peer;

    private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
    private int offset;
    /** The read side is over: the peer shut its output down or closed. */
    private boolean inputEnded;
    /** Bytes handed out by {@link #tryRead} so far. */
    private long received;
    /** Where the reads pause once ({@link #pauseAfter}): a value of {@link #received}, or -1 for none. */
    private long pauseAt = -1;
    private Future<Void> readWaiter;

    private MemoryTransport(EventLoop loop, int maxReadChunk, String name) {
        if (maxReadChunk <= 0) {
            throw new IllegalArgumentException("maxReadChunk must be positive: " + maxReadChunk);
        }
        super(loop, State.OPEN);
        this.maxReadChunk = maxReadChunk;
        this.name = name;
    }

    /** Two connected ends on {@code loop}. */
    static MemoryTransport[] pair(EventLoop loop, int maxReadChunk) {
        MemoryTransport a = new MemoryTransport(loop, maxReadChunk, "memory-a");
        MemoryTransport b = new MemoryTransport(loop, maxReadChunk, "memory-b");
        a.peer = b;
        b.peer = a;
        return new MemoryTransport[] {a, b};
    }

    // ------------------------------------------------------------------ read side

    @Override
    public int tryRead(ByteBuffer dst) throws IOException {
        checkLoop();
        if (state() == State.CLOSED) {
            throw new ClosedChannelException();
        }
        int max = maxReadChunk;
        if (pauseAt >= 0) {
            if (received == pauseAt && !inbound.isEmpty()) {
                pauseAt = -1;
                return 0; // as if the rest had not arrived yet; awaitReadable returns at once
            }
            max = (int) Math.min(max, pauseAt - received);
        }
        int total = 0;
        while (dst.hasRemaining() && total < max && !inbound.isEmpty()) {
            byte[] head = inbound.peek();
            int k = Math.min(Math.min(dst.remaining(), max - total), head.length - offset);
            dst.put(head, offset, k);
            offset += k;
            total += k;
            if (offset == head.length) {
                inbound.poll();
                offset = 0;
            }
        }
        if (total > 0) {
            received += total;
            return total;
        }
        return inputEnded ? -1 : 0;
    }

    // ------------------------------------------------------------------ cutting the reads (tests)

    /** Changes the most bytes one read hands out (tests vary it on one connection). */
    void setMaxReadChunk(int n) {
        checkLoop();
        if (n <= 0) {
            throw new IllegalArgumentException("maxReadChunk must be positive: " + n);
        }
        maxReadChunk = n;
    }

    /**
     * Cuts the reads {@code n} bytes from now, once: no read goes past that point, and the first
     * read that reaches it finds nothing (as if the rest had not arrived yet), so the reader
     * returns to its caller with the first part alone before it sees the rest.
     */
    void pauseAfter(long n) {
        checkLoop();
        pauseAt = received + n;
    }

    /** Bytes handed out by the reads so far. */
    long received() {
        return received;
    }

    @Override
    public void awaitReadable(long timeoutNanos) throws IOException {
        checkLoop();
        Task.checkpointCurrent();
        if (!inbound.isEmpty() || inputEnded || state() == State.CLOSED) {
            return;
        }
        if (readWaiter != null && !readWaiter.isDone()) {
            throw new InvalidStateException("another task is already reading " + name);
        }
        Future<Void> w = new Future<>(loop);
        readWaiter = w;
        try {
            if (timeoutNanos < 0) {
                w.await();
            } else {
                try {
                    w.await(Duration.ofNanos(timeoutNanos));
                } catch (TimeoutException e) {
                    throw new SocketTimeoutException("no data on " + name + " within " + Durations.nanos(timeoutNanos));
                }
            }
        } finally {
            if (readWaiter == w) {
                readWaiter = null;
            }
        }
    }

    private void deliver(byte[] bytes) {
        if (state() != State.CLOSED) {
            inbound.add(bytes);
            wakeReader();
        }
    }

    private void endInput() {
        inputEnded = true;
        wakeReader();
    }

    private void wakeReader() {
        Future<Void> w = readWaiter;
        if (w != null) {
            readWaiter = null;
            w.trySetResult(null);
        }
    }

    // ------------------------------------------------------------------ write side

    @Override
    public void write(ByteBuffer src) throws IOException {
        checkLoop();
        if (!acceptsWrites()) {
            throw new IOException("cannot write: " + name + " is closing");
        }
        if (!src.hasRemaining()) {
            return;
        }
        byte[] copy = new byte[src.remaining()];
        src.get(copy);
        peer.deliver(copy);
    }

    @Override
    public long bufferedBytes() {
        return 0;
    }

    @Override
    public void shutdownOutput() {
        checkLoop();
        if (acceptsWrites()) {
            moveTo(State.OUTPUT_SHUT);
            peer.endInput();
        }
    }

    // ------------------------------------------------------------------ closing

    @Override
    void closeOnLoop() {
        closeHere();
        signalIfFullyClosed();
    }

    @Override
    void abortOnLoop() {
        closeOnLoop();
    }

    @Override
    void abortAfterLoopClosed() {
        closeHere();
    }

    /** Closes at once: nothing is ever buffered. */
    private void closeHere() {
        if (state() == State.CLOSED) {
            return;
        }
        moveTo(State.CLOSED);
        inbound.clear();
        peer.endInput();
        wakeReader();
    }

    @Override
    public SocketAddress localAddress() {
        return null;
    }

    @Override
    public SocketAddress remoteAddress() {
        return null;
    }

    @Override
    public String toString() {
        return "MemoryTransport[" + name + (state() == State.OPEN ? "" : ", " + state()) + "]";
    }
}
