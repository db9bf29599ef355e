package dev.weft.net;

import java.net.SocketAddress;
import javax.net.ssl.SSLSession;

/**
 * A connected stream: the {@link StreamReader} and {@link StreamWriter} that asyncio's
 * {@code open_connection} returns as a pair. Closing it closes the writer (flush, then close).
 *
 * <pre>{@code
 * try (Connection c = Streams.openConnection("example.com", 80)) {
 *     c.writer().write("GET / HTTP/1.0\r\nHost: example.com\r\n\r\n");
 *     for (String line : c.reader().lines()) System.out.println(line);
 * }
 * }</pre>
 */
public final class Connection implements AutoCloseable {

    private final StreamReader reader;
    private final StreamWriter writer;

    Connection(StreamReader reader, StreamWriter writer) {
        this.reader = reader;
        this.writer = writer;
    }

    /** {@return the reading half} */
    public StreamReader reader() {
        return reader;
    }

    /** {@return the writing half} */
    public StreamWriter writer() {
        return writer;
    }

    /** {@return the peer's address} */
    public SocketAddress remoteAddress() {
        return writer.remoteAddress();
    }

    /** {@return the local address} */
    public SocketAddress localAddress() {
        return writer.localAddress();
    }

    /** {@return the TLS session, or null on a plain connection} */
    public SSLSession tlsSession() {
        return writer.tlsSession();
    }

    /** {@return the protocol agreed with ALPN (for example {@code "h2"}), or null: plain connection or none agreed} */
    public String alpnProtocol() {
        return writer.alpnProtocol();
    }

    /** Flushes in the background, then closes; never blocks (see {@link StreamWriter#close()}). */
    @Override
    public void close() {
        writer.close();
    }

    @Override
    public String toString() {
        return "Connection[" + localAddress() + " -> " + remoteAddress() + "]";
    }
}
