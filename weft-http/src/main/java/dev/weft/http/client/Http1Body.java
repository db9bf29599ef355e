package dev.weft.http.client;

import dev.weft.http.codec.BodyReader;
import java.io.IOException;
import java.time.Duration;

/**
 * The body of a response on a pooled HTTP/1.1 connection ({@link BodySource}): read through the
 * body's framing, and the connection given back to the pool when it is complete and may be kept
 * alive, else closed.
 */
final class Http1Body implements BodySource {

    private final PooledConnection conn;
    private final ConnectionPool pool;
    private final BodyReader raw;
    private final boolean keepAlive;
    private final long fixedLength;

    /**
     * @param conn        the connection the body comes on
     * @param pool        where it goes back
     * @param raw         the body's framing on it
     * @param keepAlive   whether the connection may carry another request after this body
     * @param fixedLength the {@code Content-Length}, or -1
     */
    Http1Body(PooledConnection conn, ConnectionPool pool, BodyReader raw, boolean keepAlive, long fixedLength) {
        this.conn = conn;
        this.pool = pool;
        this.raw = raw;
        this.keepAlive = keepAlive;
        this.fixedLength = fixedLength;
    }

    @Override
    public long declaredLength() {
        return fixedLength;
    }

    @Override
    public boolean isComplete() {
        return raw.isComplete();
    }

    @Override
    public long bytesRead() {
        return raw.bytesRead();
    }

    @Override
    public int read(byte[] b, int off, int len, Duration timeout) throws IOException {
        conn.reader().setReadTimeout(timeout);
        return raw.read(b, off, len);
    }

    @Override
    public boolean restArrived() {
        return fixedLength >= 0 && fixedLength - raw.bytesRead() <= conn.reader().buffered();
    }

    @Override
    public void discard() throws IOException {
        raw.discard();
    }

    @Override
    public void release(boolean complete) {
        pool.release(conn, complete && keepAlive);
    }

    @Override
    public String toString() {
        return "Http1Body[" + conn + ", " + raw.bytesRead() + " bytes read" + (raw.isComplete() ? ", complete" : "")
                + "]";
    }

    @Override
    public dev.weft.http.Headers trailers() {
        return raw.trailers().copy(); // empty until the end of a chunked body
    }
}
