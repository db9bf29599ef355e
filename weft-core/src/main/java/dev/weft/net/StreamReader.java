package dev.weft.net;

import dev.weft.LoopLocal;
import dev.weft.Task;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The reading half of a stream (asyncio's {@code StreamReader}): bytes, exact counts, lines and
 * separators, with a limit on how much a single line or separator search may buffer.
 *
 * <pre>{@code
 * String status = reader.readLine();                // "HTTP/1.1 200 OK", null at end of stream
 * byte[] header = reader.readExactly(4);
 * for (String line : reader.lines()) { ... }       // async for line in reader
 * }</pre>
 *
 * <p>Every read runs in a task of the stream's loop, parks that task until data arrive, and is
 * a cancellation point. A stream has one reader task at a time.
 *
 * <p><b>Memory.</b> Data are read through one 64 KiB buffer per loop and only what the caller
 * has not consumed is kept, so an idle connection holds no read buffer at all. A line or
 * separator search buffers at most {@link #limit()} bytes (64 KiB by default) and then fails
 * with {@link LimitOverrunException}: a peer cannot make it buffer without bound.
 */
public final class StreamReader {

    /** The default limit for lines and separator searches: 64 KiB, as asyncio. */
    public static final int DEFAULT_LIMIT = 64 * 1024;

    private static final int SCRATCH_SIZE = 64 * 1024;
    private static final LoopLocal<ByteBuffer> SCRATCH = new LoopLocal<>(() -> ByteBuffer.allocateDirect(SCRATCH_SIZE));
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] NEWLINE = {'\n'};

    private final Transport transport;
    private byte[] buf = EMPTY;
    private int start;
    private int end;
    private boolean eof;
    private int limit;
    private long readTimeoutNanos = -1;
    /** On the loop's clock: no wait for data may go past it; {@link Long#MAX_VALUE}: none. */
    private long deadlineNanos = Long.MAX_VALUE;

    StreamReader(Transport transport, int limit) {
        this.transport = transport;
        setLimit(limit);
    }

    // ------------------------------------------------------------------ settings

    /** {@return the most bytes a line or separator search may buffer} */
    public int limit() {
        return limit;
    }

    /**
     * Sets the most bytes a line or separator search may buffer.
     *
     * @param limit the limit
     */
    public void setLimit(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        this.limit = limit;
    }

    /**
     * Limits how long any single wait for data may take (an idle timeout); null or zero: no
     * limit. A read that times out throws {@link java.net.SocketTimeoutException}.
     *
     * @param timeout the time limit
     */
    public void setReadTimeout(Duration timeout) {
        readTimeoutNanos = timeout == null || timeout.isZero() ? -1 : timeout.toNanos();
    }

    /**
     * Bounds all the waits for data from now on together: none may end later than {@code timeout}
     * from now, on the loop's clock (a deadline for a whole message, such as an HTTP request head,
     * where {@link #setReadTimeout} bounds each wait alone). Costs nothing while the data is
     * already buffered. A wait cut short throws {@link java.net.SocketTimeoutException}. Null:
     * no deadline.
     *
     * @param timeout the time limit
     */
    public void setReadDeadline(Duration timeout) {
        deadlineNanos = timeout == null ? Long.MAX_VALUE : transport.loop().nanoTime() + timeout.toNanos();
    }

    /**
     * Waits until at least one byte is buffered, consuming nothing.
     *
     * @return false at end of stream
     * @throws IOException if an I/O error occurs
     */
    public boolean awaitData() throws IOException {
        return start < end || fill();
    }

    /**
     * Takes in what the peer has sent so far, without waiting, and tells whether anything can be
     * read now: buffered bytes, or the end of the stream. Not a cancellation point (it never
     * waits). A pool uses it on an idle connection before reusing it: bytes that came while no
     * request was outstanding (an unsolicited response, a close) mean the connection must not be
     * reused.
     *
     * @return true if a read would not wait
     * @throws IOException if the connection failed (a reset, say)
     */
    public boolean pollData() throws IOException {
        if (start < end || eof) {
            return true;
        }
        transport.forgetEmptyHint();
        ByteBuffer scratch = SCRATCH.get(transport.loop());
        scratch.clear();
        int n = transport.tryRead(scratch);
        if (n < 0) {
            eof = true;
            return true;
        }
        if (n > 0) {
            scratch.flip();
            append(scratch, n);
        }
        return n > 0;
    }

    /** {@return the peer's address} */
    public SocketAddress remoteAddress() {
        return transport.remoteAddress();
    }

    // ------------------------------------------------------------------ reads

    /**
     * Reads up to {@code n} bytes: what is buffered, or else waits for at least one byte.
     *
     * @param n the number
     * @return the bytes, empty at end of stream
     * @throws IOException if an I/O error occurs
     */
    public byte[] read(int n) throws IOException {
        if (n < 0) {
            return readAllBytes(Long.MAX_VALUE);
        }
        Task.checkpointCurrent();
        if (n == 0 || (start == end && !fill())) {
            return EMPTY;
        }
        int k = Math.min(n, end - start);
        byte[] out = Arrays.copyOfRange(buf, start, start + k);
        consume(k);
        return out;
    }

    /**
     * Reads up to {@code len} bytes into {@code b} (an {@link InputStream}-style read).
     *
     * @param b where the bytes go
     * @param off where the bytes start
     * @param len how many bytes
     * @return the number of bytes read, or -1 at end of stream
     * @throws IOException if an I/O error occurs
     */
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        Task.checkpointCurrent();
        if (len == 0) {
            return 0;
        }
        if (start == end && !fill()) {
            return -1;
        }
        int k = Math.min(len, end - start);
        System.arraycopy(buf, start, b, off, k);
        consume(k);
        return k;
    }

    /**
     * Reads exactly {@code n} bytes.
     *
     * @param n the number
     * @return the bytes read
     * @throws IncompleteReadException if the stream ends first (it holds the partial bytes)
     */
    public byte[] readExactly(int n) throws IOException {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative: " + n);
        }
        Task.checkpointCurrent();
        while (end - start < n) {
            if (!fill()) {
                byte[] partial = Arrays.copyOfRange(buf, start, end);
                consume(end - start);
                throw new IncompleteReadException(partial, n);
            }
        }
        byte[] out = Arrays.copyOfRange(buf, start, start + n);
        consume(n);
        return out;
    }

    /**
     * Reads up to and including {@code separator} (asyncio's {@code readuntil}).
     *
     * @param separator the separator
     * @return the bytes read
     * @throws IncompleteReadException if the stream ends first (it holds the partial bytes)
     * @throws LimitOverrunException if more than {@link #limit()} bytes arrive without the separator
     */
    public byte[] readUntil(byte[] separator) throws IOException {
        if (separator.length == 0) {
            throw new IllegalArgumentException("empty separator");
        }
        Task.checkpointCurrent();
        int at = find(separator);
        if (at < 0) {
            byte[] partial = Arrays.copyOfRange(buf, start, end);
            consume(end - start);
            throw new IncompleteReadException(partial, -1);
        }
        int n = at + separator.length - start;
        byte[] out = Arrays.copyOfRange(buf, start, start + n);
        consume(n);
        return out;
    }

    /**
     * Reads one line and returns it without its terminator ({@code \n} or {@code \r\n}),
     * decoded as UTF-8; a last line without a newline is returned as is.
     *
     * @return the line, or null at end of stream
     * @throws LimitOverrunException if a line is longer than {@link #limit()}
     */
    public String readLine() throws IOException {
        return readLine(StandardCharsets.UTF_8);
    }

    /**
     * {@link #readLine()} with another charset.
     *
     * @param charset the character set
     * @return the line without its line break, or null at the end
     * @throws IOException if an I/O error occurs
     */
    public String readLine(Charset charset) throws IOException {
        Task.checkpointCurrent();
        int at = find(NEWLINE);
        int lineEnd;
        int next;
        if (at >= 0) {
            lineEnd = at;
            next = at + 1;
        } else if (start < end) {
            lineEnd = end;
            next = end;
        } else {
            return null;
        }
        if (lineEnd > start && buf[lineEnd - 1] == '\r') {
            lineEnd--;
        }
        String line = new String(buf, start, lineEnd - start, charset);
        consume(next - start);
        return line;
    }

    /**
     * The remaining lines, read lazily as the iteration goes (Python's {@code async for line
     * in reader}). I/O errors come out of the iterator as {@link UncheckedIOException}.
     *
     * @return the remaining lines, read lazily as the iteration goes (Python's {@code async for line in reader})
     */
    public Iterable<String> lines() {
        return () -> new Iterator<>() {
            private String next;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    try {
                        next = readLine();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    done = next == null;
                }
                return next != null;
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                String s = next;
                next = null;
                return s;
            }
        };
    }

    /**
     * Reads everything up to the end of the stream.
     *
     * @param maxBytes the max bytes
     * @return the bytes read
     * @throws LimitOverrunException if more than {@code maxBytes} arrive
     */
    public byte[] readAllBytes(long maxBytes) throws IOException {
        Task.checkpointCurrent();
        while (fill()) {
            if (end - start > maxBytes) {
                throw new LimitOverrunException("more than " + maxBytes + " bytes before end of stream", end - start);
            }
        }
        byte[] out = Arrays.copyOfRange(buf, start, end);
        consume(end - start);
        return out;
    }

    /** {@return true once the peer closed its side and every byte was consumed} */
    public boolean atEof() {
        return eof && start == end;
    }

    /** {@return the number of bytes buffered and not consumed yet} */
    public int buffered() {
        return end - start;
    }

    /** {@return a blocking {@link InputStream} view, for code that wants one; use it from the stream's task} */
    public InputStream asInputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return StreamReader.this.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return StreamReader.this.read(b, off, len);
            }

            @Override
            public int available() {
                return end - start;
            }
        };
    }

    // ------------------------------------------------------------------ buffer

    /** Index of {@code sep} in the buffer, filling until found; -1 at end of stream. */
    private int find(byte[] sep) throws IOException {
        int from = start;
        while (true) {
            int at = indexOf(buf, from, end, sep);
            if (at >= 0) {
                if (at + sep.length - start > limit + sep.length) {
                    throw overrun();
                }
                return at;
            }
            if (end - start > limit) {
                throw overrun();
            }
            from = Math.max(start, end - sep.length + 1);
            int before = start;
            if (!fill()) {
                return -1;
            }
            from += start - before; // fill may have compacted the buffer
        }
    }

    private LimitOverrunException overrun() {
        return new LimitOverrunException("separator not found within the limit of " + limit + " bytes", end - start);
    }

    private static int indexOf(byte[] a, int from, int to, byte[] sep) {
        byte first = sep[0];
        int last = to - sep.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (a[i] != first) {
                continue;
            }
            for (int j = 1; j < sep.length; j++) {
                if (a[i + j] != sep[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Reads one chunk from the transport into the buffer; false at end of stream. */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        // The scratch buffer is shared by the loop's tasks: never hold it across a wait.
        ByteBuffer scratch = SCRATCH.get(transport.loop());
        int n;
        while (true) {
            scratch.clear();
            n = transport.tryRead(scratch);
            if (n != 0) {
                break;
            }
            transport.awaitReadable(waitLimitNanos());
        }
        if (n < 0) {
            eof = true;
            return false;
        }
        scratch.flip();
        append(scratch, n);
        return true;
    }

    /** Appends the {@code n} bytes of {@code scratch} (read mode) to the buffer. */
    private void append(ByteBuffer scratch, int n) {
        int size = end - start;
        if (buf.length - end < n) {
            if (buf.length - size >= n && size <= buf.length / 2) {
                System.arraycopy(buf, start, buf, 0, size);
            } else {
                byte[] bigger = new byte[Math.max(size + n, Math.min(2 * buf.length, size + Math.max(n, SCRATCH_SIZE)))];
                System.arraycopy(buf, start, bigger, 0, size);
                buf = bigger;
            }
            start = 0;
            end = size;
        }
        scratch.get(buf, end, n);
        end += n;
    }

    /** How long the next wait for data may take: the read timeout, cut to what is left before the deadline. */
    private long waitLimitNanos() throws java.net.SocketTimeoutException {
        if (deadlineNanos == Long.MAX_VALUE) {
            return readTimeoutNanos;
        }
        long left = deadlineNanos - transport.loop().nanoTime();
        if (left <= 0) {
            throw new java.net.SocketTimeoutException("no data from " + remoteAddress() + " before the read deadline");
        }
        return readTimeoutNanos < 0 ? left : Math.min(left, readTimeoutNanos);
    }

    private void consume(int n) {
        start += n;
        if (start == end) {
            // Nothing left: drop the buffer, so that an idle connection holds none.
            start = end = 0;
            buf = EMPTY;
        }
    }

    /** The transport under this reader. */
    Transport transport() {
        return transport;
    }

    /** Hands over the bytes read ahead and not consumed (for {@link Streams#startTls}); the buffer is left empty. */
    byte[] takeBuffered() {
        byte[] out = Arrays.copyOfRange(buf, start, end);
        consume(end - start);
        return out;
    }

    /** The read timeout in nanoseconds, or -1. */
    long readTimeoutNanos() {
        return readTimeoutNanos;
    }

    @Override
    public String toString() {
        return "StreamReader[" + transport + ", buffered=" + (end - start) + (eof ? ", eof" : "") + "]";
    }
}
