package dev.weft.net;

import dev.weft.EventLoop;
import dev.weft.Future;
import dev.weft.InvalidStateException;
import dev.weft.Task;
import dev.weft.TimeoutException;
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
 *   OPEN --close()/abort()--> CLOSED   (the peer reads end of stream; shutdownOutput: only that)
 * </pre>
 *
 * <p>No back-pressure: a write goes straight into the peer's inbound queue, so
 * {@link #bufferedBytes} is always 0. Closing from another thread after the loop closed closes
 * on the spot, as the other transports do. Fields are owned by the loop thread.
 */
final class MemoryTransport implements Transport {

    private final EventLoop loop;
    private final int maxReadChunk;
    private final String name;
    private MemoryTransport peer;

    private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
    private int offset;
    private boolean inputEnded;
    private boolean outputShut;
    private boolean closed;
    private Future<Void> readWaiter;

    private MemoryTransport(EventLoop loop, int maxReadChunk, String name) {
        if (maxReadChunk <= 0) {
            throw new IllegalArgumentException("maxReadChunk must be positive: " + maxReadChunk);
        }
        this.loop = loop;
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

    @Override
    public EventLoop loop() {
        return loop;
    }

    private void checkLoop() {
        if (!loop.inLoop()) {
            throw new InvalidStateException("a stream is used from its own loop only (" + loop + ")");
        }
    }

    // ------------------------------------------------------------------ read side

    @Override
    public int tryRead(ByteBuffer dst) throws IOException {
        checkLoop();
        if (closed) {
            throw new ClosedChannelException();
        }
        int total = 0;
        while (dst.hasRemaining() && total < maxReadChunk && !inbound.isEmpty()) {
            byte[] head = inbound.peek();
            int k = Math.min(Math.min(dst.remaining(), maxReadChunk - total), head.length - offset);
            dst.put(head, offset, k);
            offset += k;
            total += k;
            if (offset == head.length) {
                inbound.poll();
                offset = 0;
            }
        }
        if (total > 0) {
            return total;
        }
        return inputEnded ? -1 : 0;
    }

    @Override
    public void awaitReadable(long timeoutNanos) throws IOException {
        checkLoop();
        Task.checkpointCurrent();
        if (!inbound.isEmpty() || inputEnded || closed) {
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
                    throw new SocketTimeoutException("no data on " + name + " within " + Duration.ofNanos(timeoutNanos));
                }
            }
        } finally {
            if (readWaiter == w) {
                readWaiter = null;
            }
        }
    }

    private void deliver(byte[] bytes) {
        if (!closed) {
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
        if (closed || outputShut) {
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
    public void awaitBufferedAtMost(long bytes) throws IOException {
        checkLoop();
        Task.checkpointCurrent();
    }

    @Override
    public void shutdownOutput() {
        checkLoop();
        if (!outputShut) {
            outputShut = true;
            peer.endInput();
        }
    }

    // ------------------------------------------------------------------ closing

    @Override
    public void close() {
        if (!loop.inLoop() && !loop.isClosed()) {
            try {
                loop.execute(this::close);
                return;
            } catch (java.util.concurrent.RejectedExecutionException closedMeanwhile) {
                // close here
            }
        }
        if (closed) {
            return;
        }
        closed = true;
        outputShut = true;
        inbound.clear();
        peer.endInput();
        wakeReader();
    }

    @Override
    public void abort() {
        close();
    }

    @Override
    public boolean isClosing() {
        return closed || outputShut;
    }

    @Override
    public void awaitClosed() {
        Task.checkpointCurrent(); // closing is immediate
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
        return "MemoryTransport[" + name + (closed ? ", closed" : "") + "]";
    }
}
