package dev.weft.http.client;

import dev.weft.EventLoop;
import dev.weft.http.h2.Http2ErrorCode;
import dev.weft.http.h2.Http2Stream;
import java.io.IOException;
import java.time.Duration;

/**
 * The body of a response on an HTTP/2 stream ({@link BodySource}): read from the stream, each
 * read reopening the server's flow-control window. Releasing it before its end resets the
 * stream ({@code CANCEL}) and only the stream: the connection goes on carrying the others.
 */
final class Http2Body implements BodySource {

    private final Http2Stream stream;
    private final EventLoop loop;
    private final long declaredLength;
    private long bytesRead;
    private boolean ended;

    /**
     * @param stream         the request's stream, its response head received
     * @param declaredLength the {@code content-length}, or -1
     */
    Http2Body(Http2Stream stream, long declaredLength) {
        this.stream = stream;
        this.loop = EventLoop.running();
        this.declaredLength = declaredLength;
        this.ended = stream.isRemoteEnded() && stream.bufferedInbound() == 0;
    }

    @Override
    public long declaredLength() {
        return declaredLength;
    }

    @Override
    public boolean isComplete() {
        return ended;
    }

    @Override
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public int read(byte[] b, int off, int len, Duration timeout) throws IOException {
        if (ended) {
            return -1;
        }
        int n = stream.read(b, off, len, timeout);
        if (n < 0 || (stream.isRemoteEnded() && stream.bufferedInbound() == 0)) {
            ended = true;
        }
        if (n > 0) {
            bytesRead += n;
        }
        return n;
    }

    @Override
    public boolean restArrived() {
        return stream.isRemoteEnded();
    }

    @Override
    public void discard() throws IOException {
        byte[] buf = new byte[16 * 1024];
        while (read(buf, 0, buf.length, null) >= 0) {
            // dropped
        }
    }

    @Override
    public void release(boolean complete) {
        Runnable r = () -> {
            if (!stream.isRemoteEnded() && stream.state() != Http2Stream.State.CLOSED) {
                stream.reset(Http2ErrorCode.CANCEL);
            } else {
                stream.discardInbound();
            }
        };
        if (loop.inLoop()) {
            r.run();
        } else if (!loop.isClosed()) {
            loop.execute(r); // the leak detector's thread
        }
    }

    @Override
    public String toString() {
        return "Http2Body[stream " + stream.id() + ", " + bytesRead + " bytes read" + (ended ? ", complete" : "") + "]";
    }

    @Override
    public dev.weft.http.Headers trailers() {
        dev.weft.http.h2.Http2Headers t = isComplete() ? stream.trailers() : null;
        return t == null ? new dev.weft.http.Headers() : t.headers().copy();
    }
}
