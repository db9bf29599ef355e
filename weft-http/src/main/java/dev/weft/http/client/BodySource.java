package dev.weft.http.client;

import java.io.IOException;
import java.time.Duration;

/**
 * Where the bytes of a {@link ClientResponse}'s body come from, and what becomes of the
 * connection when the body is done: the protocol's part of a response. {@link Http1Body} reads
 * the framed body off a pooled HTTP/1.1 connection; an HTTP/2 exchange would read its stream.
 * The response does the rest (decompression, limits, timeouts' messages, leaks) the same for all.
 *
 * <p>Read by the response's reading task; {@link #release} may also come from the leak
 * detector's thread.
 */
interface BodySource {

    /** The length the head declared ({@code Content-Length}), or -1 if none (or no body). */
    long declaredLength();

    /** True once the body was read to its end. */
    boolean isComplete();

    /** Bytes of the body read so far, as sent (before decompression). */
    long bytesRead();

    /**
     * Reads body bytes, waiting for them at most {@code timeout}.
     *
     * @param timeout the longest wait for data, or null for none
     * @return how many bytes were read, or -1 at the end of the body
     * @throws java.net.SocketTimeoutException nothing came within {@code timeout}
     * @throws java.io.EOFException            the connection ended in the middle of the body
     * @throws IOException                     the body is malformed, or the connection failed
     */
    int read(byte[] b, int off, int len, Duration timeout) throws IOException;

    /** True if the rest of the body has already arrived, so {@link #discard} will not wait for it. */
    boolean restArrived();

    /**
     * The trailer fields that came after the body (a chunked HTTP/1.1 body's trailer section, or
     * HTTP/2 trailers): empty until the body was read to its end, or when none came.
     */
    dev.weft.http.Headers trailers();

    /** Reads the rest of the body and drops it. */
    void discard() throws IOException;

    /**
     * Lets go of the connection: back to the pool if {@code complete} and the connection may be
     * reused, else closed. Called once.
     *
     * @param complete whether the body was read to its end
     */
    void release(boolean complete);
}
