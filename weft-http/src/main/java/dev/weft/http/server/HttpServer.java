package dev.weft.http.server;

import dev.weft.http.h2.Http2Io;
import dev.weft.internal.Loggers;
import dev.weft.net.Server;
import dev.weft.net.ServerOptions;
import dev.weft.net.Streams;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * An HTTP/1.1 and HTTP/2 server (aiohttp's {@code web.AppRunner} + {@code TCPSite}): each
 * connection is a task of a Weft loop running a keep-alive loop, and each request runs the
 * {@link Handler} in that task — a plain method that may block on I/O without blocking the loop.
 * HTTP/2 is served on the same port ({@link HttpServerOptions#http2(boolean)}, on by default):
 * over TLS when the client picks {@code h2} by ALPN, in clear text when it opens with the HTTP/2
 * preface (h2c with prior knowledge); each stream then runs the same handler in a task of its own.
 *
 * <pre>{@code
 * Weft.run(() -> {
 *     Router app = new Router().get("/", req -> Response.text("Hello, world"));
 *     HttpServer server = HttpServer.start(app, "127.0.0.1", 8080);
 *     server.serveForever();                       // web.run_app(app)
 * });
 * }</pre>
 *
 * <pre>
 *   start          shutdown(grace) / close()                   last connection done
 *  -------> SERVING ------------------------> NOT ACCEPTING ------------------------> CLOSED
 *                    idle keep-alive connections closed at once (shutdown);
 *                    in-flight requests finish with Connection: close
 * </pre>
 *
 * <p>Defences (see {@link HttpServerOptions}): limits on the request line (414), header section
 * and count (431) and body (413); a deadline for the whole request head (slowloris) and for
 * every wait for body bytes; request smuggling (both {@code Content-Length} and
 * {@code Transfer-Encoding}, duplicated or malformed {@code Content-Length}, bad chunk sizes)
 * answered with 400 and the connection closed; a cap on connections. Thread-safe.
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger LOG = Loggers.get(HttpServer.class);

    /** Large bodies are handed to the connection in slices of this size, each after a drain. */
    static final int WRITE_SLICE = 64 * 1024;

    private final Server server;
    private final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
    private final ConnectionCount count = new ConnectionCount();
    private volatile boolean shuttingDown;

    private HttpServer(Handler handler, String host, int port, HttpServerOptions options) throws IOException {
        ServerOptions so = ServerOptions.defaults().maxConnections(options.maxConnections()).backlog(options.backlog());
        if (options.loops() != null) {
            so = so.loops(options.loops());
        }
        if (options.tls() != null) {
            so = so.tls(options.http2() && options.tls().alpn().isEmpty() ? options.tls().alpn("h2", "http/1.1")
                    : options.tls());
        }
        this.server = Streams.startServer((in, out) -> {
            HttpConnection c = new HttpConnection(this, handler, options, in, out);
            connections.add(c);
            count.opened();
            boolean orderly = false;
            try {
                if (options.http2() && "h2".equals(out.alpnProtocol())) {
                    c.serveHttp2(Http2Io.of(in, out));
                } else {
                    c.serve();
                }
                orderly = true;
            } catch (dev.weft.CancelledException e) {
                orderly = true; // shutdown: the peer sees an end of stream
                throw e;
            } finally {
                connections.remove(c);
                // close here rather than after return, so that a waiter of the count finds the socket gone
                if (orderly) {
                    out.close();
                } else {
                    out.abort();
                }
                count.closed();
            }
        }, host, port, so);
        LOG.info("serving HTTP on {}", server.address());
    }

    /**
     * Starts serving {@code handler} on {@code host:port} with the default options; call from a task.
     *
     * @param handler the handler
     * @param host the host name or address
     * @param port the port number
     * @return the HTTP server
     * @throws IOException if an I/O error occurs
     */
    public static HttpServer start(Handler handler, String host, int port) throws IOException {
        return start(handler, host, port, HttpServerOptions.defaults());
    }

    /**
     * Starts serving {@code handler} on {@code host:port} ({@code host} null: every interface;
     * port 0: a free port, see {@link #port()}). Call from a task; the server accepts on its loop.
     *
     * @param handler the handler
     * @param host the host name or address
     * @param port the port number
     * @param options the options
     * @return the HTTP server
     * @throws IOException if an I/O error occurs
     */
    public static HttpServer start(Handler handler, String host, int port, HttpServerOptions options)
            throws IOException {
        return new HttpServer(handler, host, port, options);
    }

    /** {@return the bound port} */
    public int port() {
        return server.port();
    }

    /** {@return the bound address} */
    public SocketAddress address() {
        return server.address();
    }

    /**
     * Connections open now, idle keep-alive ones included (an https connection counts once its
     * TLS handshake is done).
     *
     * @return how many connections are open
     */
    public int activeConnections() {
        return count.get();
    }

    /**
     * Waits until at most {@code n} connections are open ({@link #activeConnections()}), e.g. until
     * the server has let go of the connections its clients closed: {@code awaitConnectionsAtMost(0)}.
     * The connections counted out are done; a socket with unsent bytes is closed once they are
     * flushed (a socket with none, at once). A cancellation point; bound it
     * with {@code Weft.withTimeout}. Call from a task of any loop.
     *
     * @param n the number
     */
    public void awaitConnectionsAtMost(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative: " + n);
        }
        count.awaitAtMost(n);
    }

    /**
     * Response bytes the server holds for its clients and has not handed to the OS yet, over
     * every open connection: what clients that read slowly (or not at all) cost. Bounded by
     * about the write high-water mark (64 KiB) plus one write slice (64 KiB) per connection,
     * whatever the size of the bodies: large bodies are written in slices with back-pressure. A
     * gauge: exact when read from a task of the loop that serves the connections, approximate from
     * other threads (it reads each connection's counter without synchronising).
     *
     * @return the bytes buffered now
     */
    public long bufferedBytes() {
        long n = 0;
        for (HttpConnection c : connections) {
            n += c.bufferedBytes();
        }
        return n;
    }

    /** {@return connections accepted since the start} */
    public int acceptedConnections() {
        return server.acceptedConnections();
    }

    boolean isShuttingDown() {
        return shuttingDown;
    }

    /** Stops accepting; open connections go on until their clients are done. Idempotent. */
    @Override
    public void close() {
        server.close();
    }

    /**
     * Graceful shutdown: stops accepting, closes idle keep-alive connections at once, lets
     * requests in flight finish (answered with {@code Connection: close}) for up to {@code grace},
     * then cancels what is left and waits for it.
     *
     * @param grace how long requests in flight may take to finish
     * @return the number of connections that had to be cancelled
     */
    public int shutdown(Duration grace) {
        shuttingDown = true;
        server.close();
        for (HttpConnection c : connections) {
            c.closeIfIdle(grace);
        }
        int cancelled = server.shutdown(grace);
        LOG.info("HTTP server on {} stopped ({} connections cancelled)", server.address(), cancelled);
        return cancelled;
    }

    /** Waits until the server is closed and every connection is done. */
    public void waitClosed() {
        server.waitClosed();
    }

    /** The grace period of {@link #serveForever()}'s shutdown. */
    public static final Duration SERVE_FOREVER_GRACE = Duration.ofSeconds(5);

    /**
     * Serves until closed. Cancelling the calling task (Ctrl-C or SIGTERM under
     * {@code Weft.run}) shuts the server down gracefully: it stops accepting, closes idle
     * connections, answers the requests in flight and any head that has begun (with
     * {@code Connection: close}) within {@link #SERVE_FOREVER_GRACE} (5 s), cancels what is left,
     * and only then throws the {@link dev.weft.CancelledException}. A second cancellation during
     * the grace period cancels the connections at once.
     */
    public void serveForever() {
        try {
            server.serveForever();
        } catch (dev.weft.CancelledException e) {
            try {
                shutdown(SERVE_FOREVER_GRACE);
            } catch (dev.weft.CancelledException again) {
                LOG.info("HTTP server on {}: cancelled again, stopping {} connections now", server.address(),
                        connections.size());
                for (HttpConnection c : connections) {
                    c.cancel("server stopped");
                }
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    @Override
    public String toString() {
        return "HttpServer[" + server.address() + ", active=" + count.get() + "]";
    }
}
