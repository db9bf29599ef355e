package dev.weft.http.h2;

import dev.weft.EventLoop;
import dev.weft.Future;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;

/**
 * Two {@link Http2Io} ends joined in memory, on one loop, behaving like a socket pair: each
 * direction holds at most {@code capacity} bytes in flight (the kernel's buffers); what a writer
 * sends beyond that waits in its own buffer ({@link Http2Io#bufferedAmount()}) until the reader
 * takes some, and {@link Http2Io#drain()} parks the writer as a socket's would. So a peer that
 * does not read makes the other side's buffer grow, exactly what the flood defences watch.
 */
public final class MemoryPipe {

    static final long HIGH_WATER = 64 * 1024;
    static final long LOW_WATER = 16 * 1024;

    /** The client's end. */
    public final End client;
    /** The server's end. */
    public final End server;
    private final EventLoop loop;
    private final int capacity;

    /**
     * A pipe on the running loop.
     *
     * @param capacity bytes in flight per direction
     */
    public MemoryPipe(int capacity) {
        this.loop = EventLoop.running();
        this.capacity = capacity;
        this.client = new End("client", 40000);
        this.server = new End("server", 443);
        client.peer = server;
        server.peer = client;
    }

    /** One end. */
    public final class End implements Http2Io {
        private final String name;
        private final SocketAddress address;
        End peer;
        // bytes the peer sent that are in flight to us
        private final ArrayDeque<byte[]> in = new ArrayDeque<>();
        private int inOffset;
        private long inBytes;
        private boolean inEof;
        // bytes we wrote that do not fit in flight yet
        private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
        private long pendingBytes;
        private boolean closing;
        private boolean aborted;
        private Future<Void> readWaiter;
        private Future<Void> drainWaiter;
        long totalRead;

        End(String name, int port) {
            this.name = name;
            this.address = new InetSocketAddress("127.0.0.1", port);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (in.isEmpty()) {
                if (inEof) {
                    return -1;
                }
                if (aborted) {
                    throw new IOException(name + ": connection aborted");
                }
                Future<Void> w = new Future<>(loop);
                readWaiter = w;
                w.await();
            }
            int total = 0;
            while (total < len && !in.isEmpty()) {
                byte[] head = in.peek();
                int n = Math.min(len - total, head.length - inOffset);
                System.arraycopy(head, inOffset, b, off + total, n);
                inOffset += n;
                total += n;
                if (inOffset == head.length) {
                    in.poll();
                    inOffset = 0;
                }
            }
            inBytes -= total;
            totalRead += total;
            peer.pump();
            return total;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closing || aborted) {
                throw new IOException(name + ": write to a closed connection");
            }
            if (len == 0) {
                return;
            }
            byte[] copy = new byte[len];
            System.arraycopy(b, off, copy, 0, len);
            pending.add(copy);
            pendingBytes += len;
            pump();
        }

        /** Moves what fits from our pending buffer into the peer's in-flight queue. */
        void pump() {
            while (!pending.isEmpty() && peer.inBytes < capacity && !peer.aborted) {
                byte[] head = pending.poll();
                long room = capacity - peer.inBytes;
                if (head.length > room) {
                    byte[] now = java.util.Arrays.copyOf(head, (int) room);
                    pending.addFirst(java.util.Arrays.copyOfRange(head, (int) room, head.length));
                    head = now;
                }
                peer.in.add(head);
                peer.inBytes += head.length;
                pendingBytes -= head.length;
            }
            if (pending.isEmpty() && closing) {
                peer.inEof = true;
            }
            peer.wakeReader();
            if (drainWaiter != null && pendingBytes <= LOW_WATER) {
                Future<Void> w = drainWaiter;
                drainWaiter = null;
                w.trySetResult(null);
            }
        }

        private void wakeReader() {
            Future<Void> w = readWaiter;
            if (w != null && (!in.isEmpty() || inEof || aborted)) {
                readWaiter = null;
                w.trySetResult(null);
            }
        }

        @Override
        public long bufferedAmount() {
            return pendingBytes;
        }

        @Override
        public void drain() throws IOException {
            while (pendingBytes > HIGH_WATER) {
                if (aborted || peer.aborted) {
                    throw new IOException(name + ": connection aborted");
                }
                Future<Void> w = new Future<>(loop);
                drainWaiter = w;
                w.await();
                if (pendingBytes <= LOW_WATER) {
                    return;
                }
            }
        }

        @Override
        public void close() {
            if (closing || aborted) {
                return;
            }
            closing = true;
            pump();
        }

        @Override
        public void abort() {
            if (aborted) {
                return;
            }
            aborted = true;
            pending.clear();
            pendingBytes = 0;
            peer.inEof = true;
            peer.wakeReader();
            inEof = true;
            wakeReader();
            if (drainWaiter != null) {
                drainWaiter.trySetResult(null);
            }
        }

        /** True once the peer can read no more from us (closed and flushed, or aborted). */
        boolean isClosed() {
            return (closing && pending.isEmpty()) || aborted;
        }

        /** True once this end has seen the end of what the peer sends. */
        boolean sawEof() {
            return inEof && in.isEmpty();
        }

        @Override
        public SocketAddress remoteAddress() {
            return peer.address;
        }

        @Override
        public SocketAddress localAddress() {
            return address;
        }

        @Override
        public String toString() {
            return "MemoryPipe." + name;
        }
    }
}
