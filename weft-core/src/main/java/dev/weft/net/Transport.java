package dev.weft.net;

import dev.weft.EventLoop;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * The byte pipe under a {@link StreamReader} and {@link StreamWriter} (asyncio's transport):
 * a socket, a TLS session over a socket, or a subprocess pipe.
 *
 * <p><b>Threads.</b> A transport belongs to one loop. {@link #read} runs in a task of that
 * loop (it parks the task); the write side also accepts calls from the loop's callbacks.
 *
 * <p><b>Write side</b> (asyncio semantics): {@link #write} never blocks; what the peer cannot
 * take yet is buffered and flushed by the loop; {@link #awaitBufferedAtMost} is the back-pressure
 * point ({@code drain}).
 */
interface Transport {

    /** The loop this transport belongs to. */
    EventLoop loop();

    /**
     * Reads what is available now into {@code dst} without waiting.
     *
     * @return the number of bytes read (0: nothing yet, wait with {@link #awaitReadable}), or -1 at end of stream
     */
    int tryRead(ByteBuffer dst) throws IOException;

    /**
     * Drops the hint that the last read emptied the source, so that the next {@link #tryRead}
     * asks the OS again instead of answering 0 at once (for a probe of an idle connection).
     */
    default void forgetEmptyHint() {
    }

    /**
     * Parks the task until {@link #tryRead} may find data (or end of stream). Callers must not
     * hold a loop-shared buffer across this wait.
     *
     * @param timeoutNanos the longest wait, or negative for none
     * @throws java.net.SocketTimeoutException if nothing came within the timeout
     */
    void awaitReadable(long timeoutNanos) throws IOException;

    /** Sends or buffers all of {@code src} (consumed); never blocks. */
    void write(ByteBuffer src) throws IOException;

    /** Bytes accepted by {@link #write} and not yet handed to the OS. */
    long bufferedBytes();

    /** Parks the task until at most {@code bytes} are buffered; throws the write error if the transport failed. */
    void awaitBufferedAtMost(long bytes) throws IOException;

    /** Closes the write direction once the buffer is flushed (half-close). */
    void shutdownOutput() throws IOException;

    /** Flushes the buffer in the background, then closes. Idempotent; never blocks. */
    void close();

    /** Closes now, dropping buffered data (a TCP reset where possible). */
    void abort();

    /** True once {@link #close} or {@link #abort} was called or the transport failed. */
    boolean isClosing();

    /** Parks the task until the transport is fully closed. */
    void awaitClosed() throws IOException;

    /** The local address, or null if not known. */
    SocketAddress localAddress();

    /** The peer's address, or null if not known. */
    SocketAddress remoteAddress();

    /** The TLS session of this transport, or null for plain transports. */
    default javax.net.ssl.SSLSession tlsSession() {
        return null;
    }

    /** The application protocol negotiated with ALPN, or null (plain transport, or none negotiated). */
    default String alpnProtocol() {
        return null;
    }
}
