package dev.weft.http.h2;

import dev.weft.CancelledException;
import dev.weft.http.Headers;
import dev.weft.net.ConnectOptions;
import dev.weft.net.Connection;
import dev.weft.net.Streams;
import dev.weft.net.TlsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * An HTTP/2 client connection to one origin: {@link #send} a request, get its
 * {@link Http2Response} (status and headers, body read as it comes). Any number of tasks may send
 * at once; their requests are multiplexed as streams on the one connection, up to the server's
 * {@code SETTINGS_MAX_CONCURRENT_STREAMS}, past which {@link #send} waits its turn (first come,
 * first served). {@link #availableStreams()} tells a pool when opening a second connection would
 * help.
 *
 * <pre>{@code
 * try (Http2ClientConnection c = Http2ClientConnection.open("example.com", 443, TlsOptions.client(),
 *         Http2Options.defaults())) {
 *     try (Http2Response r = c.send("GET", "/", new Headers())) {
 *         System.out.println(r.status() + " " + r.text());
 *     }
 * }
 * }</pre>
 *
 * <p><b>Cancellation.</b> Cancelling a task inside {@link #send} or while it reads a body resets
 * that request's stream only. A request refused by the server before it was processed
 * ({@code REFUSED_STREAM}, or above the last stream id of a GOAWAY) fails with an
 * {@link Http2Exception} whose {@link Http2Exception#isRetryable()} is true: it may be sent
 * again on a new connection.
 *
 * <p>Threads: the connection belongs to the loop of the task that opened it; use it from tasks of
 * that loop.
 */
public final class Http2ClientConnection implements AutoCloseable {

    private static final byte[] EMPTY = new byte[0];

    private final Http2Connection connection;
    private final String scheme;
    private final String authority;

    private Http2ClientConnection(Http2Connection connection, String scheme, String authority) {
        this.connection = connection;
        this.scheme = scheme;
        this.authority = authority;
    }

    /**
     * Connects to {@code host:port} and starts HTTP/2: over TLS when {@code tls} is given (ALPN
     * offers {@code h2} and {@code http/1.1} unless the options list protocols of their own, and
     * the server must pick {@code h2}; offering both lets a server without HTTP/2 complete the
     * handshake, so the caller learns it and can fall back), else in clear text with prior
     * knowledge (h2c). Call from a task.
     *
     * @param host the host name or address
     * @param port the port
     * @param tls TLS options, or null for h2c
     * @param options HTTP/2 settings and limits
     * @return the connection
     * @throws IOException if connecting fails, or the TLS server did not agree to h2 (fall back to
     *     HTTP/1.1 then)
     */
    public static Http2ClientConnection open(String host, int port, TlsOptions tls, Http2Options options)
            throws IOException {
        ConnectOptions co = ConnectOptions.defaults();
        if (tls != null) {
            co = co.tls(tls.alpn().isEmpty() ? tls.alpn("h2", "http/1.1") : tls);
        }
        Connection c = Streams.openConnection(host, port, co);
        if (tls != null && !"h2".equals(c.alpnProtocol())) {
            c.writer().abort();
            throw new IOException("the server at " + host + ":" + port + " did not agree to h2 by ALPN (it chose "
                    + c.alpnProtocol() + ")");
        }
        boolean defaultPort = port == (tls != null ? 443 : 80);
        String hostPart = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        return over(c, tls != null ? "https" : "http", defaultPort ? hostPart : hostPart + ":" + port, options);
    }

    /**
     * Starts HTTP/2 on a connection already open (and, over TLS, where ALPN chose {@code h2}).
     *
     * @param connection the connection
     * @param scheme {@code http} or {@code https}, sent as {@code :scheme}
     * @param authority host and port, sent as {@code :authority}
     * @param options HTTP/2 settings and limits
     * @return the client connection
     * @throws IOException if the preface cannot be written
     */
    public static Http2ClientConnection over(Connection connection, String scheme, String authority,
            Http2Options options) throws IOException {
        Http2Connection h2 = Http2Connection.client(Http2Io.of(connection.reader(), connection.writer()), options);
        return new Http2ClientConnection(h2, scheme, authority);
    }

    /**
     * Sends a request without a body and waits for the response head. A cancellation point:
     * cancelling the calling task resets the request's stream.
     *
     * @param method the method
     * @param path the path and query, e.g. {@code /search?q=h2}
     * @param headers the request's fields
     * @return the response; close it
     * @throws IOException if the stream was reset or the connection failed; see
     *     {@link Http2Exception#isRetryable()}
     */
    public Http2Response send(String method, String path, Headers headers) throws IOException {
        return send(method, path, headers, (byte[]) null);
    }

    /**
     * Sends a request with a body given whole, and waits for the response head. A cancellation
     * point: cancelling the calling task resets the request's stream.
     *
     * @param method the method
     * @param path the path and query, e.g. {@code /search?q=h2}
     * @param headers the request's fields (a {@code Host} field, if any, becomes
     *     {@code :authority}; connection-specific fields are dropped; a {@code content-length}
     *     is added for a body)
     * @param body the body, or null for none
     * @return the response; close it
     * @throws IOException if the stream was reset or the connection failed; see
     *     {@link Http2Exception#isRetryable()}
     */
    public Http2Response send(String method, String path, Headers headers, byte[] body) throws IOException {
        boolean hasBody = body != null && body.length > 0;
        if (hasBody && !headers.contains("Content-Length")) {
            headers = headers.copy().set("content-length", Integer.toString(body.length));
        }
        Http2Stream s = connection.newStream(head(method, path, headers), !hasBody);
        try {
            if (hasBody) {
                s.writeData(body, 0, body.length, true);
            }
        } catch (IOException e) {
            if (s.headers() == null) {
                throw e;
            }
            // the server answered before taking the whole body: its answer stands
        }
        return awaitResponse(s);
    }

    /**
     * Sends a request whose body is read from {@code body} as it goes (16 KiB at a time, as flow
     * control allows), then waits for the response head.
     *
     * @param method the method
     * @param path the path and query
     * @param headers the request's fields
     * @param body the body; read to its end, not closed
     * @return the response; close it
     * @throws IOException if reading the body, the stream or the connection failed
     */
    public Http2Response send(String method, String path, Headers headers, InputStream body) throws IOException {
        Http2Stream s = connection.newStream(head(method, path, headers), false);
        try {
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = body.read(buf)) >= 0) {
                if (n > 0) {
                    s.writeData(buf, 0, n, false);
                }
                if (s.headers() != null && s.failure != null) {
                    break;
                }
            }
            s.writeData(EMPTY, 0, 0, true);
        } catch (CancelledException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (s.headers() == null) {
                s.reset(Http2ErrorCode.CANCEL);
                throw e;
            }
        }
        return awaitResponse(s);
    }

    private Http2Headers head(String method, String path, Headers headers) {
        return Http2Headers.request(method, scheme, headers.contains("Host") ? null : authority, path, headers);
    }

    private static Http2Response awaitResponse(Http2Stream s) throws IOException {
        return new Http2Response(s, s.awaitHeaders());
    }

    /**
     * How many more requests may start now without waiting (the server's concurrency limit less
     * those in flight); 0 once the connection takes no new streams.
     *
     * @return the count
     */
    public int availableStreams() {
        return connection.availableStreams();
    }

    /**
     * The streams in flight.
     *
     * @return the count
     */
    public int activeStreams() {
        return connection.activeStreams();
    }

    /**
     * Whether new requests may be sent (no GOAWAY, not closed).
     *
     * @return true if open to new requests
     */
    public boolean isAcceptingStreams() {
        return connection.isAcceptingStreams();
    }

    /**
     * The HTTP/2 connection underneath.
     *
     * @return the connection
     */
    public Http2Connection connection() {
        return connection;
    }

    /**
     * Closes gracefully: no new requests, those in flight finish for up to {@code grace}.
     *
     * @param grace how long they may take
     */
    public void shutdown(Duration grace) {
        connection.shutdown(grace);
    }

    /** Closes now: GOAWAY, requests in flight fail. Idempotent. */
    @Override
    public void close() {
        connection.close();
    }

    @Override
    public String toString() {
        return "Http2ClientConnection[" + scheme + "://" + authority + ", " + connection.state() + "]";
    }
}
