package dev.weft.http.h2;

import dev.weft.net.StreamReader;
import dev.weft.net.StreamWriter;
import java.io.IOException;
import java.net.SocketAddress;

/**
 * The byte stream an HTTP/2 connection runs over: the boundary between the protocol engine and
 * Weft's streams. {@link #of(StreamReader, StreamWriter)} adapts a plain or TLS connection;
 * tests run the engine over an in-memory pipe.
 *
 * <p>Used from tasks and callbacks of one loop: {@link #read} by the connection's reader task
 * alone, {@link #drain} by one task at a time (the connection lines its writers up), the rest
 * by any of them.
 */
public interface Http2Io {

    /**
     * Reads at least one byte, parking the task until some arrive. A cancellation point.
     *
     * @param b where to put them
     * @param off the first index to fill
     * @param len the most to read (positive)
     * @return the number read, or -1 at end of stream
     * @throws IOException if reading failed
     */
    int read(byte[] b, int off, int len) throws IOException;

    /**
     * Sends or buffers {@code len} bytes of {@code b} (copied); never parks.
     *
     * @param b the bytes to send fromytes
     * @param off the first
     * @param len how many
     * @throws IOException if the stream failed or was closed
     */
    void write(byte[] b, int off, int len) throws IOException;

    /**
     * How much was written and not yet handed to the operating system.
     *
     * @return bytes
     */
    long bufferedAmount();

    /**
     * Parks while more than the high-water mark is buffered, until it is down to the low-water
     * mark (see {@link StreamWriter#drain}). A cancellation point.
     *
     * @throws IOException if sending failed
     */
    void drain() throws IOException;

    /** Flushes what is buffered in the background, then closes. Idempotent; never parks. */
    void close();

    /** Closes at once, dropping what is buffered. Idempotent; never parks. */
    void abort();

    /**
     * The peer's address.
     *
     * @return the address, or null if unknown
     */
    SocketAddress remoteAddress();

    /**
     * The local address.
     *
     * @return the address, or null if unknown
     */
    SocketAddress localAddress();

    /**
     * Adapts a Weft stream (plain or TLS).
     *
     * @param reader the reading half
     * @param writer the writing half
     * @return the adapter
     */
    static Http2Io of(StreamReader reader, StreamWriter writer) {
        return new StreamIo(reader, writer, null);
    }

    /**
     * Adapts a Weft stream whose first bytes were already read by someone else (for example the
     * HTTP/1.1 server, which read {@code PRI * HTTP/2.0} before it knew the connection was h2c
     * with prior knowledge); they are read again first.
     *
     * @param reader the reading half
     * @param writer the writing half
     * @param alreadyRead the bytes taken from the stream before (not changed)
     * @return the adapter
     */
    static Http2Io of(StreamReader reader, StreamWriter writer, byte[] alreadyRead) {
        return new StreamIo(reader, writer, alreadyRead.clone());
    }
}
