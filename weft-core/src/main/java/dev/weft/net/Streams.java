package dev.weft.net;

import dev.weft.EventLoop;
import dev.weft.Readiness;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TCP and Unix-domain streams (asyncio's {@code open_connection} and {@code start_server}), in
 * plain text or TLS ({@link ConnectOptions#tls}, {@link ServerOptions#tls}, {@link #startTls}).
 * Call them from a task; the sockets belong to the task's loop.
 *
 * <pre>{@code
 * // client
 * try (Connection c = Streams.openConnection("127.0.0.1", 8888)) {
 *     c.writer().write("hello\n");
 *     System.out.println(c.reader().readLine());
 * }
 *
 * // server: one task per connection
 * Server s = Streams.startServer((reader, writer) -> {
 *     for (String line : reader.lines()) {
 *         writer.write(line + "\n");
 *         writer.drain();
 *     }
 * }, "127.0.0.1", 8888);
 * s.serveForever();
 * }</pre>
 */
public final class Streams {

    private Streams() {
    }

    /**
     * Connects to {@code host:port} with {@link ConnectOptions#defaults()}.
     *
     * @param host the host name or address
     * @param port the port number
     * @return the connection
     * @throws IOException if an I/O error occurs
     */
    public static Connection openConnection(String host, int port) throws IOException {
        return openConnection(host, port, ConnectOptions.defaults());
    }

    /**
     * Connects to {@code host:port}: resolves the name off the loop, tries its addresses
     * happy-eyeballs style, all within the connect timeout. A cancellation point.
     *
     * @param host the host name or address
     * @param port the port number
     * @param options the options
     * @return the connection
     * @throws java.net.ConnectException if every address refused
     * @throws java.net.SocketTimeoutException if the connect timeout passed
     * @throws java.net.UnknownHostException if the name does not resolve
     */
    public static Connection openConnection(String host, int port, ConnectOptions options) throws IOException {
        EventLoop loop = EventLoop.running();
        SocketChannel ch = Connector.connect(host, port, options);
        if (options.tls() == null) {
            return wrap(loop, ch, options.limit());
        }
        SocketTransport plain = transport(loop, ch);
        TlsTransport tls = TlsTransport.client(plain, options.tls(), host, port, null);
        return new Connection(new StreamReader(tls, options.limit()), new StreamWriter(tls));
    }

    /**
     * Upgrades a connected plain stream to TLS (asyncio's {@code start_tls}, STARTTLS, or a
     * tunnel through an HTTP proxy after {@code CONNECT}): runs the handshake in the calling task
     * and returns the TLS connection. Client or server side follows {@code options}. Bytes the
     * old reader had read ahead are handed to TLS. From then on use only the returned connection:
     * the old reader and writer would bypass TLS. On failure the connection is closed.
     *
     * @param connection the connection
     * @param options the options
     * @param serverName the host name a client verifies and sends as SNI; null: the peer's
     *     address (verified as an IP address); ignored on the server side
     * @return the TLS connection
     * @throws javax.net.ssl.SSLHandshakeException if the handshake fails
     * @throws java.net.SocketTimeoutException past the options' handshake timeout
     */
    public static Connection startTls(Connection connection, TlsOptions options, String serverName)
            throws IOException {
        return startTls(connection.reader(), connection.writer(), options, serverName);
    }

    /**
     * {@link #startTls(Connection, TlsOptions, String)} for the two halves a server handler gets.
     *
     * @param reader the reading half
     * @param writer the writing half
     * @param options the options
     * @param serverName the server name
     * @return the connection
     * @throws IOException if an I/O error occurs
     */
    public static Connection startTls(StreamReader reader, StreamWriter writer, TlsOptions options, String serverName)
            throws IOException {
        Transport lower = writer.transport();
        if (reader.transport() != lower) {
            throw new IllegalArgumentException("the reader and the writer belong to different connections");
        }
        byte[] early = reader.takeBuffered();
        TlsTransport tls;
        if (options.isServer()) {
            tls = TlsTransport.server(lower, options, early);
        } else {
            String name = serverName;
            int port = -1;
            if (lower.remoteAddress() instanceof InetSocketAddress remote) {
                port = remote.getPort();
                if (name == null) {
                    name = remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
                }
            }
            tls = TlsTransport.client(lower, options, name, port, early);
        }
        StreamReader r = new StreamReader(tls, reader.limit());
        if (reader.readTimeoutNanos() > 0) {
            r.setReadTimeout(java.time.Duration.ofNanos(reader.readTimeoutNanos()));
        }
        return new Connection(r, new StreamWriter(tls));
    }

    /**
     * Two connected in-memory streams on the calling task's loop, no socket: what one side
     * writes, the other reads (a socket pair, Go's {@code net.Pipe}). Each read hands out at most
     * {@code maxReadChunk} bytes, so a test can feed a parser one byte at a time
     * ({@code memoryPair(1)}) or split a message at any offset (write the parts with
     * {@code Weft.yieldNow()} between them). No back-pressure: writes never wait. TLS works over
     * it ({@link #startTls}). Closing one side is an end of stream for the other.
     *
     * @param maxReadChunk the most bytes one read takes in, at least 1
     * @return the two sides
     */
    public static MemoryPair memoryPair(int maxReadChunk) {
        EventLoop loop = EventLoop.running();
        MemoryTransport[] t = MemoryTransport.pair(loop, maxReadChunk);
        return new MemoryPair(new Connection(new StreamReader(t[0], StreamReader.DEFAULT_LIMIT), new StreamWriter(t[0])),
                new Connection(new StreamReader(t[1], StreamReader.DEFAULT_LIMIT), new StreamWriter(t[1])));
    }

    /**
     * The two sides of {@link #memoryPair}.
     *
     * @param a one side
     * @param b the other side
     */
    public record MemoryPair(Connection a, Connection b) {
    }

    /**
     * Connects to the Unix domain socket at {@code path}.
     *
     * @param path the path
     * @return the connection
     * @throws IOException if an I/O error occurs
     */
    public static Connection openUnixConnection(Path path) throws IOException {
        EventLoop loop = EventLoop.running();
        SocketChannel ch = Connector.connectUnix(loop, UnixDomainSocketAddress.of(path), Long.MAX_VALUE);
        return wrap(loop, ch, StreamReader.DEFAULT_LIMIT);
    }

    private static Connection wrap(EventLoop loop, SocketChannel ch, int limit) throws IOException {
        SocketTransport t = transport(loop, ch);
        return new Connection(new StreamReader(t, limit), new StreamWriter(t));
    }

    private static SocketTransport transport(EventLoop loop, SocketChannel ch) throws IOException {
        try {
            return new SocketTransport(loop, ch);
        } catch (IOException e) {
            Readiness.close(ch);
            throw e;
        }
    }

    /**
     * Starts a TCP server with {@link ServerOptions#defaults()}.
     *
     * @param handler the handler
     * @param host the host name or address
     * @param port the port number
     * @return the server
     * @throws IOException if an I/O error occurs
     */
    public static Server startServer(ConnectionHandler handler, String host, int port) throws IOException {
        return startServer(handler, host, port, ServerOptions.defaults());
    }

    /**
     * Starts a TCP server on {@code host:port} ({@code host} null: every interface; port 0: any
     * free port, see {@link Server#port()}); each connection runs {@code handler} as a task.
     * Call from a task or the loop's thread; the server accepts on that loop.
     *
     * @param handler the handler
     * @param host the host name or address
     * @param port the port number
     * @param options the options
     * @return the server
     * @throws IOException if an I/O error occurs
     */
    public static Server startServer(ConnectionHandler handler, String host, int port, ServerOptions options)
            throws IOException {
        EventLoop loop = EventLoop.running();
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (options.reusePort()) {
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            InetSocketAddress at = bindAddress(host, port);
            ch.bind(at, options.backlog());
            ch.configureBlocking(false);
            return new Server(loop, ch, handler, options);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The address to bind: all interfaces for null, a literal as is, a name resolved off the loop when in a task. */
    private static InetSocketAddress bindAddress(String host, int port) throws IOException {
        if (host == null) {
            return new InetSocketAddress(port);
        }
        java.net.InetAddress literal = CachingResolver.literal(host);
        if (literal != null) {
            return new InetSocketAddress(literal, port);
        }
        if (dev.weft.Task.current() != null) {
            return new InetSocketAddress(Resolver.system().resolve(host).get(0), port);
        }
        return new InetSocketAddress(host, port);
    }

    /**
     * Starts a server on a Unix domain socket at {@code path} (a stale socket file there is replaced).
     *
     * @param handler the handler
     * @param path the path
     * @param options the options
     * @return the server
     * @throws IOException if an I/O error occurs
     */
    public static Server startUnixServer(ConnectionHandler handler, Path path, ServerOptions options)
            throws IOException {
        EventLoop loop = EventLoop.running();
        Files.deleteIfExists(path);
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(path), options.backlog());
            ch.configureBlocking(false);
            return new Server(loop, ch, handler, options);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Starts a Unix domain socket server with {@link ServerOptions#defaults()}.
     *
     * @param handler the handler
     * @param path the path
     * @return the server
     * @throws IOException if an I/O error occurs
     */
    public static Server startUnixServer(ConnectionHandler handler, Path path) throws IOException {
        return startUnixServer(handler, path, ServerOptions.defaults());
    }
}
