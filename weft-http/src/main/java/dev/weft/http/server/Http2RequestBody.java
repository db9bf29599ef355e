package dev.weft.http.server;

import dev.weft.TaskFailedException;
import dev.weft.TimeoutException;
import dev.weft.Weft;
import dev.weft.http.HttpProtocolException;
import dev.weft.http.h2.Http2Stream;
import dev.weft.internal.Durations;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * The body of a request that came on an HTTP/2 stream: read from the stream as the handler goes
 * (which reopens the client's flow-control window), at most {@code maxBytes} (more fails with
 * status 413), each wait at most {@code timeout}, and the whole body no slower than
 * {@code minRate} bytes a second on average after {@code timeout} (as over HTTP/1.1, see
 * {@link HttpServerOptions#bodyMinRate()}); past either the stream is reset. The first failure
 * is remembered. Owned by the task handling the stream.
 */
final class Http2RequestBody implements BodySource {

    private final Http2Stream stream;
    private final long declared;
    private final long maxBytes;
    private final Duration timeout;
    private final long minRate;
    /** On the loop's clock: when the first read began; -1 before it. */
    private long startNanos = -1;
    private long read;
    /** True once a read found the end of the body. */
    private boolean ended;
    private IOException failure;
    private byte[] all;

    Http2RequestBody(Http2Stream stream, long declared, long maxBytes, Duration timeout, long minRate) {
        this.minRate = minRate;
        this.stream = stream;
        this.declared = declared;
        this.maxBytes = maxBytes;
        this.timeout = timeout;
    }

    @Override
    public long declaredLength() {
        return declared;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (startNanos < 0) {
            startNanos = dev.weft.EventLoop.running().nanoTime();
        }
        boolean rateBound = false;
        try {
            int n;
            if (stream.bufferedInbound() > 0 || stream.isRemoteEnded()) {
                n = stream.read(b, off, len); // no wait: no timer
            } else {
                Duration wait = timeout;
                if (minRate > 0) {
                    long left = nanosLeft();
                    if (left < timeout.toNanos()) {
                        wait = Duration.ofNanos(left);
                        rateBound = true;
                    }
                }
                n = Weft.withTimeout(wait, () -> stream.read(b, off, len));
            }
            if (n < 0) {
                ended = true;
            } else if (n > 0) {
                read += n;
                if (read > maxBytes) {
                    throw new HttpProtocolException(413, "body exceeds the limit of " + maxBytes + " bytes");
                }
            }
            return n;
        } catch (TimeoutException e) {
            failure = new SocketTimeoutException(rateBound ? slower()
                    : "no request body bytes for " + Durations.format(timeout));
            throw failure;
        } catch (TaskFailedException e) {
            IOException io = e.getCause() instanceof IOException x ? x : new IOException(e.getCause());
            failure = io;
            throw io;
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    /**
     * What is left of the body's allowance (mod_reqtimeout's rule, as {@link RequestBody} has it):
     * {@code timeout} from the first read, plus a second for every {@code minRate} bytes so far.
     *
     * @throws SocketTimeoutException if none is left
     */
    private long nanosLeft() throws SocketTimeoutException {
        long earned = read >= Long.MAX_VALUE / 1_000_000_000L ? Long.MAX_VALUE / 2 : read * 1_000_000_000L / minRate;
        long left = startNanos + timeout.toNanos() + earned - dev.weft.EventLoop.running().nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException(slower());
        }
        return left;
    }

    private String slower() {
        return "the request body came slower than " + minRate + " bytes a second";
    }

    @Override
    public byte[] readAll() throws IOException {
        if (all == null) {
            if (read > 0) {
                throw new IllegalStateException("the body was already partly read as a stream");
            }
            byte[] buf = new byte[(int) Math.min(Math.max(declared, 1024), 1 << 20)];
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
        return all;
    }

    @Override
    public dev.weft.http.Headers trailers() {
        dev.weft.http.h2.Http2Headers t = ended ? stream.trailers() : null;
        return t == null ? new dev.weft.http.Headers() : t.headers();
    }

    /** The failure of a body read, or null. */
    IOException failure() {
        return failure;
    }
}
