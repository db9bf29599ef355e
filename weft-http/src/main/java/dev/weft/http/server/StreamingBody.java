package dev.weft.http.server;

import java.io.OutputStream;

/**
 * Writes a response body of unknown length as it is produced (aiohttp's {@code StreamResponse}).
 * Each {@code write} goes out as one chunk of a chunked body (or, to an HTTP/1.0 client, as raw
 * bytes before the connection closes); {@code flush()} waits until the peer has taken most of
 * what was written, so a slow client slows the writer instead of filling memory.
 *
 * <pre>{@code
 * Response.stream("text/plain", out -> {
 *     for (int i = 0; i < 10; i++) {
 *         out.write(("line " + i + "\n").getBytes());
 *         out.flush();
 *         Weft.sleep(0.1);
 *     }
 * });
 * }</pre>
 *
 * <p>Runs in the connection's task after the head was sent; if it throws, the connection is
 * closed (the client sees an incomplete body).
 */
@FunctionalInterface
public interface StreamingBody {

    /**
     * Writes the body to {@code out}; do not close it.
     *
     * @param out the output stream
     * @throws Exception what the code throws
     */
    void writeTo(OutputStream out) throws Exception;
}
