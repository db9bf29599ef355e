package dev.weft.http.h2;

import dev.weft.CancelledException;
import dev.weft.EventLoop;
import dev.weft.Future;
import dev.weft.Task;
import dev.weft.http.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * One HTTP/2 stream: a request and its response on a shared {@link Http2Connection}. A task
 * reads the head the peer sent ({@link #awaitHeaders()}), its body ({@link #read}) and trailers,
 * and writes its own head, body and trailers; every wait is a cancellation point, and
 * <b>cancelling a task that waits on a stream resets that stream only</b> ({@code CANCEL}), the
 * connection and its other streams go on.
 *
 * <pre>
 *                              +--------+
 *                      send H  |        |  recv H
 *                    ,---------|  IDLE  |---------.
 *                   /          |        |          \
 *                  v           +--------+           v
 *                              +--------+
 *                              |        |
 *                 ,------------|  OPEN  |------------.
 *                /   recv ES   |        |   send ES   \
 *               v              +--------+              v
 *     +--------------------+       |       +-------------------+
 *     | HALF_CLOSED_REMOTE |       |       | HALF_CLOSED_LOCAL |
 *     +--------------------+       |       +-------------------+
 *               |       send R /   |   send R /        |
 *               | send ES / recv R |   recv R / recv ES |
 *               |                  v                   |
 *               |              +--------+              |
 *               `------------->| CLOSED |&lt;-------------'
 *                              +--------+
 *      H: HEADERS   ES: END_STREAM flag   R: RST_STREAM    (RFC 9113 section 5.1;
 *      the reserved states of server push never occur: Weft never enables push)
 * </pre>
 *
 * <p><b>Flow control.</b> The peer may send at most the stream's window; data wait in the stream
 * until {@link #read} takes them, and only then is the window reopened (WINDOW_UPDATE), so a slow
 * reader holds back its own stream and nothing else. {@link #writeData} sends as much as the
 * peer's windows allow and waits, at most the connection's write timeout, for more.
 *
 * <p><b>Threads.</b> Every field is owned by the connection's loop thread: the connection's reader
 * task fills the stream, the tasks using it drain it; they never run at once. Use a stream only
 * from tasks of its connection's loop. One task may read while another writes.
 */
public final class Http2Stream {

    /** Where a stream is in its life (RFC 9113 section 5.1; see the diagram above). */
    public enum State {
        /** Not opened yet. */
        IDLE,
        /** Both sides may send. */
        OPEN,
        /** This side has sent END_STREAM; the peer may still send. */
        HALF_CLOSED_LOCAL,
        /** The peer has sent END_STREAM; this side may still send. */
        HALF_CLOSED_REMOTE,
        /** Done, normally or by a reset. */
        CLOSED
    }

    private static final byte[] EMPTY = new byte[0];

    final Http2Connection connection;
    final int id;
    State state = State.IDLE;

    // ---- what the peer sent (filled by the reader task)
    Http2Headers headers;
    Http2Headers trailers;
    private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
    private int headOffset;
    long inboundBytes;
    /** What the peer may still send on this stream. */
    long recvWindow;
    /** Bytes the application consumed (or we dropped) not yet returned to the peer's window. */
    long unackedConsumed;
    boolean remoteEnded;
    long expectedLength = -1;
    long receivedLength;
    /** Nobody will read any more: data are dropped and credited as they come. */
    boolean discarding;
    /** The request method (client side: a response to HEAD has no body whatever its content-length). */
    String requestMethod;

    // ---- what this side sends
    long sendWindow;
    boolean headersSent;
    boolean localEnded;

    /** Set once, when the stream was reset either way or the connection failed. */
    IOException failure;
    /** Set when the peer stopped the request body after a complete response: writes fail, reads go on. */
    IOException writeFailure;
    /** The task serving this stream (server side), cancelled if the stream is reset. */
    Task<?> handlerTask;

    private Future<Void> readWaiter;
    private Future<Void> writeWaiter;

    Http2Stream(Http2Connection connection, int id) {
        this.connection = connection;
        this.id = id;
    }

    /**
     * The stream id.
     *
     * @return odd for streams a client opened
     */
    public int id() {
        return id;
    }

    /**
     * Where the stream is in its life.
     *
     * @return the state
     */
    public State state() {
        return state;
    }

    /**
     * The connection the stream belongs to.
     *
     * @return the connection
     */
    public Http2Connection connection() {
        return connection;
    }

    /**
     * The head the peer sent: the request on a server, the final response (after any 1xx) on a
     * client.
     *
     * @return the head, or null if it has not arrived
     */
    public Http2Headers headers() {
        return headers;
    }

    /**
     * Waits for the head the peer sends (on a client, the final response). A cancellation point;
     * cancelling the waiting task resets the stream.
     *
     * @return the head
     * @throws IOException if the stream was reset or the connection failed first
     */
    public Http2Headers awaitHeaders() throws IOException {
        return awaitHeaders(null);
    }

    /**
     * Waits for the head the peer sends, at most {@code timeout}. A cancellation point;
     * cancelling the waiting task resets the stream.
     *
     * @param timeout the longest wait, or null for none
     * @return the head
     * @throws java.net.SocketTimeoutException if it did not come in time (the stream stays open)
     * @throws IOException if the stream was reset or the connection failed first
     */
    public Http2Headers awaitHeaders(java.time.Duration timeout) throws IOException {
        connection.checkLoop();
        long deadline = timeout == null ? 0 : connection.loop().nanoTime() + timeout.toNanos();
        while (headers == null) {
            if (failure != null) {
                throw failure();
            }
            awaitReader(timeout == null ? -1 : Math.max(0, deadline - connection.loop().nanoTime()));
        }
        return headers;
    }

    /**
     * The trailers the peer sent after its body.
     *
     * @return the trailers, or null if there were none (or the body is not finished)
     */
    public Http2Headers trailers() {
        return trailers;
    }

    /**
     * Reads body bytes the peer sent, waiting for some if none are buffered. Reading reopens the
     * peer's flow-control window. A cancellation point; cancelling the waiting task resets the
     * stream.
     *
     * @param b where to put them
     * @param off the first index
     * @param len the most to read
     * @return the number read, or -1 at the end of the body
     * @throws IOException if the stream was reset or the connection failed
     */
    public int read(byte[] b, int off, int len) throws IOException {
        return read(b, off, len, null);
    }

    /**
     * Reads body bytes as {@link #read(byte[], int, int)} does, waiting at most {@code timeout}
     * for the next ones.
     *
     * @param b where to put them
     * @param off the first index
     * @param len the most to read
     * @param timeout the longest wait for data, or null for none
     * @return the number read, or -1 at the end of the body
     * @throws java.net.SocketTimeoutException if nothing came in time (the stream stays open)
     * @throws IOException if the stream was reset or the connection failed
     */
    public int read(byte[] b, int off, int len, java.time.Duration timeout) throws IOException {
        connection.checkLoop();
        Objects.checkFromIndexSize(off, len, b.length);
        Task.checkpointCurrent();
        if (len == 0) {
            return 0;
        }
        while (true) {
            if (failure != null) {
                throw failure();
            }
            if (!inbound.isEmpty()) {
                int n = take(b, off, len);
                connection.consumed(this, n);
                return n;
            }
            if (remoteEnded) {
                return -1;
            }
            awaitReader(timeout == null ? -1 : timeout.toNanos());
        }
    }

    /**
     * The body as a blocking stream over {@link #read}; closing it does not reset the stream.
     *
     * @return the stream
     */
    public InputStream inputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return Http2Stream.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return Http2Stream.this.read(b, off, len);
            }

            @Override
            public int available() {
                return (int) Math.min(Integer.MAX_VALUE, inboundBytes);
            }
        };
    }

    /**
     * Sends this side's head: the response on a server (a request head goes with
     * {@link Http2Connection#newStream}); a second head must end the stream and is the trailers,
     * see {@link #writeTrailers}.
     *
     * @param head the header fields
     * @param endStream true if nothing follows (no body)
     * @throws IOException if the stream was reset or the connection failed
     */
    public void writeHeaders(Http2Headers head, boolean endStream) throws IOException {
        connection.checkLoop();
        connection.writeHeaders(this, head, endStream);
    }

    /**
     * Sends body bytes, as the peer's flow-control windows allow, waiting for them to open (at
     * most the connection's write timeout, after which the stream is reset). A cancellation
     * point; cancelling the writing task resets the stream.
     *
     * @param b the bytes to send fromytes
     * @param off the first
     * @param len how many (0 with {@code endStream}: just end the stream)
     * @param endStream true to end the stream after them
     * @throws IOException if the stream was reset, the connection failed, or the peer kept its
     *     window shut past the write timeout
     */
    public void writeData(byte[] b, int off, int len, boolean endStream) throws IOException {
        connection.checkLoop();
        Objects.checkFromIndexSize(off, len, b.length);
        connection.writeData(this, b, off, len, endStream);
    }

    /**
     * Ends the stream with trailers (a HEADERS frame with END_STREAM).
     *
     * @param fields the trailer fields
     * @throws IOException if the stream was reset or the connection failed
     */
    public void writeTrailers(Headers fields) throws IOException {
        writeHeaders(Http2Headers.trailers(fields), true);
    }

    /**
     * The body as a blocking stream over {@link #writeData}; {@code close()} ends the stream.
     * Writes are sent as they are made (no buffering), so write in chunks of a few KiB or more.
     *
     * @return the stream
     */
    public OutputStream outputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                writeData(new byte[] {(byte) b}, 0, 1, false);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len > 0) {
                    writeData(b, off, len, false);
                }
            }

            @Override
            public void close() throws IOException {
                if (!localEnded && failure == null) {
                    writeData(EMPTY, 0, 0, true);
                }
            }
        };
    }

    /**
     * Resets the stream (RST_STREAM) unless it is already closed; tasks waiting on it get an
     * {@link Http2Exception}. Idempotent.
     *
     * @param code the code to send, e.g. {@link Http2ErrorCode#CANCEL}
     */
    public void reset(Http2ErrorCode code) {
        connection.checkLoop();
        connection.resetLocally(this, code, "stream " + id + " was reset by this side (" + code + ")");
    }

    /**
     * Says that nothing more will be read: what is buffered is dropped, and what still comes is
     * dropped as it arrives, its flow-control credit returned at once.
     */
    public void discardInbound() {
        connection.checkLoop();
        connection.discard(this);
    }

    /**
     * Whether the peer has ended its side (END_STREAM received).
     *
     * @return true once the peer's body is complete
     */
    public boolean isRemoteEnded() {
        return remoteEnded;
    }

    /**
     * Whether this side has ended its side (END_STREAM sent).
     *
     * @return true once this side's message is complete
     */
    public boolean isLocalEnded() {
        return localEnded;
    }

    /**
     * The peer's flow-control window for this stream: what may be sent now, before the connection's own window.
     *
     * @return octets (may be negative after the peer lowered its initial window)
     */
    public long sendWindow() {
        return sendWindow;
    }

    /**
     * Body bytes received and not read yet.
     *
     * @return octets
     */
    public long bufferedInbound() {
        return inboundBytes;
    }

    // ------------------------------------------------------------------ engine side

    /** Appends received body bytes (a copy). */
    void append(byte[] buf, int off, int len) {
        if (len == 0) {
            return;
        }
        byte[] copy = new byte[len];
        System.arraycopy(buf, off, copy, 0, len);
        inbound.add(copy);
        inboundBytes += len;
        wakeReader();
    }

    /** Drops what is buffered; returns how many bytes that was. */
    long dropInbound() {
        long n = inboundBytes;
        inbound.clear();
        headOffset = 0;
        inboundBytes = 0;
        return n;
    }

    private int take(byte[] b, int off, int len) {
        int total = 0;
        while (total < len && !inbound.isEmpty()) {
            byte[] head = inbound.peek();
            int n = Math.min(len - total, head.length - headOffset);
            System.arraycopy(head, headOffset, b, off + total, n);
            headOffset += n;
            total += n;
            if (headOffset == head.length) {
                inbound.poll();
                headOffset = 0;
            }
        }
        inboundBytes -= total;
        return total;
    }

    /** Why the stream failed (reset either way, or the connection ended), or null. */
    IOException failure() {
        return failure;
    }

    void wakeReader() {
        Future<Void> w = readWaiter;
        if (w != null) {
            readWaiter = null;
            w.trySetResult(null);
        }
    }

    void wakeWriter() {
        Future<Void> w = writeWaiter;
        if (w != null) {
            writeWaiter = null;
            w.trySetResult(null);
        }
    }

    /** Parks the reading task until the reader task delivers something; a cancellation resets the stream. */
    private void awaitReader(long timeoutNanos) throws java.net.SocketTimeoutException {
        if (timeoutNanos == 0) {
            throw new java.net.SocketTimeoutException("stream " + id + ": nothing from the peer in time");
        }
        Future<Void> w = new Future<>(connection.loop());
        readWaiter = w;
        try {
            if (timeoutNanos < 0) {
                w.await();
            } else {
                w.await(java.time.Duration.ofNanos(timeoutNanos));
            }
        } catch (dev.weft.TimeoutException e) {
            if (readWaiter == w) {
                readWaiter = null;
            }
            throw new java.net.SocketTimeoutException("stream " + id + ": nothing from the peer in time");
        } catch (CancelledException e) {
            if (readWaiter == w) {
                readWaiter = null;
            }
            connection.resetLocally(this, Http2ErrorCode.CANCEL, "the task reading stream " + id + " was cancelled");
            throw e;
        }
    }

    /**
     * Parks the writing task until the stream's window or the connection's may have opened, at
     * most {@code timeoutNanos}; a cancellation resets the stream.
     *
     * @return false if the time ran out
     */
    boolean awaitWindow(Future<Void> w, long timeoutNanos) {
        try {
            w.await(java.time.Duration.ofNanos(timeoutNanos));
            return true;
        } catch (dev.weft.TimeoutException e) {
            return false;
        } catch (CancelledException e) {
            connection.resetLocally(this, Http2ErrorCode.CANCEL, "the task writing stream " + id + " was cancelled");
            throw e;
        } finally {
            if (writeWaiter == w) {
                writeWaiter = null;
            }
        }
    }

    /** A future the next window update on this stream completes. */
    Future<Void> windowWaiter(EventLoop loop) {
        Future<Void> w = new Future<>(loop);
        writeWaiter = w;
        return w;
    }

    @Override
    public String toString() {
        return "Http2Stream[" + id + ", " + state + (failure != null ? ", failed" : "") + "]";
    }
}
