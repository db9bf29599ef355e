/**
 * HTTP/2 (RFC 9113) on Weft's loop, written by hand: the protocol engine that
 * {@code ClientSession} and {@code HttpServer} will speak, and adapters ready to plug in.
 *
 * <h2>Parts</h2>
 * <ul>
 *   <li><b>Frames</b>: {@code FrameReader} checks every rule that needs no stream state (sizes,
 *       stream 0, padding, SETTINGS values, CONTINUATION sequencing and its flood bounds);
 *       {@code FrameWriter} encodes and coalesces. Errors are {@link dev.weft.http.h2.Http2Exception}s,
 *       connection or stream errors with their {@link dev.weft.http.h2.Http2ErrorCode}.</li>
 *   <li><b>HPACK</b>: {@code dev.weft.http.h2.hpack} (RFC 7541).</li>
 *   <li><b>Engine</b>: {@link dev.weft.http.h2.Http2Connection}, either role, and its
 *       {@link dev.weft.http.h2.Http2Stream}s; {@link dev.weft.http.h2.Http2Options} for settings
 *       and defences; {@link dev.weft.http.h2.Http2Io} as the boundary to Weft's streams (plain or
 *       TLS), or to an in-memory pipe in tests.</li>
 *   <li><b>Adapters</b>: {@link dev.weft.http.h2.Http2ClientConnection} (one origin, requests
 *       multiplexed up to the server's limit) and, in {@code dev.weft.http.server},
 *       {@code Http2ServerConnection} (a {@code Router} served over HTTP/2 unchanged).</li>
 * </ul>
 *
 * <h2>Tasks</h2>
 * <pre>
 *   connection's reader task                         tasks using streams
 *   ------------------------                         -------------------
 *   read frame ── HEADERS ──> stream.headers ──wake──> awaitHeaders()
 *              ── DATA ─────> stream buffer ───wake──> read() ── consumed ──> WINDOW_UPDATE
 *              ── WINDOW_UPDATE ─> send windows ─wake─> writeData() ── DATA frames ──+
 *              ── SETTINGS/PING ─> ACK (queued) ──────────────────────────────────────+──> one flush
 *              ── RST_STREAM ───> stream failed ──wake/cancel──> waiting task            per loop turn
 *   (server) new stream ──spawn──> handler task per stream (at most MAX_CONCURRENT_STREAMS)
 * </pre>
 * All of it runs on one loop: fields are owned by the loop thread, no locks. A task that waits on
 * a stream and is cancelled resets that stream only.
 *
 * <h2>Stream lifecycle</h2>
 * <pre>
 *                              +--------+
 *                      send H  |        |  recv H
 *                    ,---------|  IDLE  |---------.
 *                   /          |        |          \
 *                  v           +--------+           v
 *                              +--------+
 *                              |        |
 *                 ,------------|  OPEN  |------------.
 *                /   recv ES   |        |   send ES   \
 *               v              +--------+              v
 *     +--------------------+       |       +-------------------+
 *     | HALF_CLOSED_REMOTE |       |       | HALF_CLOSED_LOCAL |
 *     +--------------------+       |       +-------------------+
 *               |       send R /   |   send R /        |
 *               | send ES / recv R |   recv R / recv ES |
 *               |                  v                   |
 *               |              +--------+              |
 *               `------------->| CLOSED |&lt;-------------'
 *                              +--------+
 *      H: HEADERS   ES: END_STREAM flag   R: RST_STREAM
 * </pre>
 * Backed by {@link dev.weft.http.h2.Http2Stream.State}; the reserved states of server push
 * never occur, since Weft never enables push. Frames on a stream in the wrong state get RFC
 * 9113's error: DATA, RST_STREAM or WINDOW_UPDATE on an IDLE stream and a decreasing or
 * wrong-parity stream id are connection errors {@code PROTOCOL_ERROR}; DATA or HEADERS after
 * END_STREAM are stream errors {@code STREAM_CLOSED}; frames the peer had in flight when this
 * side reset a stream are ignored.
 */
package dev.weft.http.h2;
