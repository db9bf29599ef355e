package dev.weft.http.h2;

/**
 * Serves one stream a client opened on a server-side {@link Http2Connection}: the narrow
 * interface between the protocol engine and an HTTP server. It runs in a task of its own, spawned
 * for the stream on the connection's loop, so it may block on reads and writes; the stream's
 * request head is {@link Http2Stream#headers()}.
 *
 * <pre>{@code
 * Http2StreamHandler echo = stream -> {
 *     byte[] body = stream.inputStream().readAllBytes();
 *     stream.writeHeaders(Http2Headers.response(200, new Headers()), false);
 *     stream.writeData(body, 0, body.length, true);
 * };
 * }</pre>
 *
 * <p>If the handler returns without ending its stream, the engine ends it (an empty DATA frame
 * with END_STREAM after a response head, RST_STREAM {@code INTERNAL_ERROR} without one); if it
 * throws, the stream is reset with {@code INTERNAL_ERROR}. If the client resets the stream, or
 * the connection ends, the handler's task is cancelled.
 */
@FunctionalInterface
public interface Http2StreamHandler {

    /**
     * Serves {@code stream}.
     *
     * @param stream the stream, its request head received
     * @throws Exception anything; the stream is then reset
     */
    void handle(Http2Stream stream) throws Exception;
}
