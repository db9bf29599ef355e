package dev.weft.http.server;

import dev.weft.http.codec.BodyFraming;
import dev.weft.http.codec.BodyReader;
import dev.weft.net.StreamReader;
import dev.weft.net.StreamWriter;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The body of one request as the connection loop and the handler see it: read lazily, with
 * {@code 100 Continue} sent on the first read when the client asked for it, a per-wait timeout,
 * a minimum average rate (see {@link HttpServerOptions#bodyMinRate()}), and the first failure
 * remembered (a malformed chunk poisons the connection even if the handler
 * swallowed the exception). Owned by the connection's task.
 */
final class RequestBody implements BodySource {

    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final BodyReader reader; // null: no body
    private final BodyFraming framing;
    private final StreamReader in;
    private final StreamWriter out;
    private final Duration timeout;
    private final long minRate;
    /** On the loop's clock: when the first body read began; -1 before it. */
    private long startNanos = -1;
    private boolean expectContinue;
    private IOException failure;
    private byte[] all;

    RequestBody(BodyReader reader, BodyFraming framing, StreamReader in, StreamWriter out, Duration timeout,
            long minRate, boolean expectContinue) {
        this.minRate = minRate;
        this.reader = reader;
        this.framing = framing;
        this.in = in;
        this.out = out;
        this.timeout = timeout;
        this.expectContinue = expectContinue && reader != null;
    }

    /** True if the request has a body at all. */
    boolean present() {
        return reader != null;
    }

    /** The declared length, or -1 for a chunked body. */
    @Override
    public long declaredLength() {
        return framing.kind() == BodyFraming.Kind.FIXED ? framing.length() : reader == null ? 0 : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (reader == null) {
            return -1;
        }
        if (failure != null) {
            throw failure;
        }
        try {
            if (expectContinue) {
                expectContinue = false;
                out.write(CONTINUE);
                out.drain();
            }
            in.setReadTimeout(timeout);
            if (minRate > 0) {
                in.setReadDeadline(Duration.ofNanos(nanosLeft()));
            }
            try {
                return reader.read(b, off, len);
            } finally {
                if (minRate > 0) {
                    in.setReadDeadline(null);
                }
            }
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    /**
     * What is left of the body's allowance (mod_reqtimeout's rule): {@code timeout} from the
     * first read, plus a second for every {@code minRate} bytes received so far.
     *
     * @throws SocketTimeoutException if none is left
     */
    private long nanosLeft() throws SocketTimeoutException {
        long now = dev.weft.EventLoop.running().nanoTime();
        if (startNanos < 0) {
            startNanos = now;
        }
        long earned = reader.bytesRead() >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE / 2
                : reader.bytesRead() * 1_000_000_000L / minRate;
        long left = startNanos + timeout.toNanos() + earned - now;
        if (left <= 0) {
            throw new SocketTimeoutException("the request body came slower than " + minRate + " bytes a second");
        }
        return left;
    }

    @Override
    public byte[] readAll() throws IOException {
        if (all == null) {
            if (reader == null) {
                all = new byte[0];
            } else {
                if (reader.bytesRead() > 0) {
                    throw new IllegalStateException("the body was already partly read as a stream");
                }
                if (failure != null) {
                    throw failure;
                }
                byte[] buf = new byte[(int) Math.min(Math.max(declaredLength(), 1024), 1 << 20)];
                int size = 0;
                int n;
                while ((n = read(buf, size, buf.length - size)) >= 0) {
                    size += n;
                    if (size == buf.length) {
                        buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                    }
                }
                all = size == buf.length ? buf : java.util.Arrays.copyOf(buf, size);
            }
        }
        return all;
    }

    @Override
    public dev.weft.http.Headers trailers() {
        return reader == null ? new dev.weft.http.Headers() : reader.trailers(); // empty until the end
    }

    /** True when the whole body was read (or there is none). */
    boolean complete() {
        return reader == null || reader.isComplete() || all != null;
    }

    /** True if the client still waits for {@code 100 Continue} before sending the body. */
    boolean awaitingContinue() {
        return expectContinue;
    }

    /** The failure of a body read, or null. */
    IOException failure() {
        return failure;
    }

    /**
     * Reads and drops the rest of the body, at most {@code max} bytes.
     *
     * @return true if the body ended within the bound, so the connection can carry on
     */
    boolean discard(long max) throws IOException {
        if (complete()) {
            return true;
        }
        if (framing.kind() == BodyFraming.Kind.FIXED && framing.length() - reader.bytesRead() > max) {
            return false;
        }
        byte[] buf = new byte[8192];
        long dropped = 0;
        int n;
        while ((n = read(buf, 0, buf.length)) >= 0) {
            dropped += n;
            if (dropped > max) {
                return false;
            }
        }
        return true;
    }
}
