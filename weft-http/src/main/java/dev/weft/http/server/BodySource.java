package dev.weft.http.server;

import java.io.IOException;

/**
 * Where the body of a {@link Request} comes from: an HTTP/1.1 message on the connection
 * ({@link RequestBody}) or an HTTP/2 stream ({@link Http2RequestBody}). Used by the task
 * handling the request.
 */
interface BodySource {

    /**
     * The declared length.
     *
     * @return {@code Content-Length}, 0 without a body, -1 if unknown (chunked, or HTTP/2 without content-length)
     */
    long declaredLength();

    /**
     * Reads up to {@code len} bytes.
     *
     * @param b where to put them
     * @param off the first index
     * @param len the most to read
     * @return the number read, or -1 at the end of the body
     * @throws IOException if reading failed or the body is over the limit (status 413)
     */
    int read(byte[] b, int off, int len) throws IOException;

    /**
     * The whole body, read once and cached.
     *
     * @return the body (empty if none)
     * @throws IOException if reading failed or the body is over the limit (status 413)
     */
    byte[] readAll() throws IOException;

    /**
     * The trailer fields sent after the body.
     *
     * @return a chunked HTTP/1.1 body's trailer section, or an HTTP/2 request's trailers; empty
     *     until the body was read to its end, or when none came
     */
    dev.weft.http.Headers trailers();
}
