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
 * status 413), each wait at most {@code timeout} (past it the stream is reset). The first failure
 * is remembered. Owned by the task handling the stream.
 */
final class Http2RequestBody implements BodySource {

    private final Http2Stream stream;
    private final long declared;
    private final long maxBytes;
    private final Duration timeout;
    private long read;
    /** True once a read found the end of the body. */
    private boolean ended;
    private IOException failure;
    private byte[] all;

    Http2RequestBody(Http2Stream stream, long declared, long maxBytes, Duration timeout) {
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
        try {
            int n;
            if (stream.bufferedInbound() > 0 || stream.isRemoteEnded()) {
                n = stream.read(b, off, len); // no wait: no timer
            } else {
                n = Weft.withTimeout(timeout, () -> stream.read(b, off, len));
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
            failure = new SocketTimeoutException("no request body bytes for " + Durations.format(timeout));
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
