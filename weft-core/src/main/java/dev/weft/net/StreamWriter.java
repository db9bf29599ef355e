package dev.weft.net;

import dev.weft.Task;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSession;

/**
 * The writing half of a stream (asyncio's {@code StreamWriter}).
 *
 * <p>{@link #write} never blocks: what the socket cannot take at once is buffered and sent
 * by the loop as the peer reads. {@link #drain()} is where a fast writer waits: once more than
 * the high-water mark (64 KiB) is buffered it parks the task until the buffer is down to the
 * low-water mark (16 KiB), so a peer that stops reading cannot make the writer buffer without
 * bound — as long as the writer drains:
 *
 * <pre>{@code
 * for (byte[] chunk : chunks) {
 *     writer.write(chunk);
 *     writer.drain();          // await writer.drain()
 * }
 * writer.close();              // flushes, then closes
 * writer.waitClosed();
 * }</pre>
 *
 * <p>Use it from a task (or callback) of the stream's loop.
 */
public final class StreamWriter implements AutoCloseable {

    /** The default high-water mark: 64 KiB. */
    public static final int DEFAULT_HIGH_WATER = 64 * 1024;

    private final Transport transport;
    private long highWater = DEFAULT_HIGH_WATER;
    private long lowWater = DEFAULT_HIGH_WATER / 4;

    StreamWriter(Transport transport) {
        this.transport = transport;
    }

    /**
     * Buffers or sends {@code data}; never blocks.
     *
     * @param data the bytes to send
     * @throws IOException if the connection failed or is closing
     */
    public void write(byte[] data) throws IOException {
        transport.write(ByteBuffer.wrap(data));
    }

    /**
     * Buffers or sends {@code len} bytes of {@code data} from {@code off}; never blocks.
     *
     * @param data the bytes to send from
     * @param off where the bytes start in {@code data}
     * @param len how many bytes to send
     * @throws IOException if the connection failed or is closing
     */
    public void write(byte[] data, int off, int len) throws IOException {
        transport.write(ByteBuffer.wrap(data, off, len));
    }

    /**
     * Buffers or sends the remaining bytes of {@code data} (consumed); never blocks.
     *
     * @param data the bytes to send, from its position to its limit
     * @throws IOException if the connection failed or is closing
     */
    public void write(ByteBuffer data) throws IOException {
        transport.write(data);
    }

    /**
     * Buffers or sends {@code text} encoded as UTF-8; never blocks.
     *
     * @param text the text to send
     * @throws IOException if the connection failed or is closing
     */
    public void write(String text) throws IOException {
        write(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Waits while more than the high-water mark is buffered, until the buffer is down to the
     * low-water mark; returns at once otherwise. A cancellation point. Throws the connection's
     * error if sending failed (for example {@code Connection reset by peer}).
     *
     * @throws IOException if sending failed
     */
    public void drain() throws IOException {
        if (transport.bufferedBytes() > highWater) {
            transport.awaitBufferedAtMost(lowWater);
        } else {
            Task.checkpointCurrent();
            transport.awaitBufferedAtMost(Long.MAX_VALUE); // reports a failure, never waits
        }
    }

    /**
     * Sets the write buffer's high- and low-water marks (asyncio's
     * {@code set_write_buffer_limits}); {@code low} defaults to a quarter of {@code high}.
     *
     * @param high the most bytes buffered before {@link #drain()} waits
     * @param low the bytes buffered at which waiting writers go on
     */
    public void setWriteBufferLimits(long high, long low) {
        if (high < 0 || low < 0 || low > high) {
            throw new IllegalArgumentException("need 0 <= low <= high, got high=" + high + ", low=" + low);
        }
        highWater = high;
        lowWater = low;
    }

    /** {@return bytes written but not yet handed to the operating system} */
    public long bufferedAmount() {
        return transport.bufferedBytes();
    }

    /**
     * Closes the sending direction after the buffer is flushed (half-close); the peer reads end of stream.
     *
     * @throws IOException if the connection failed
     */
    public void writeEof() throws IOException {
        transport.shutdownOutput();
    }

    /**
     * Flushes the buffer in the background, then closes the connection; never blocks (asyncio's
     * {@code close}). Follow with {@link #waitClosed()} to wait for it. Idempotent.
     */
    @Override
    public void close() {
        transport.close();
    }

    /** Closes now, dropping what is buffered; the peer sees a reset. */
    public void abort() {
        transport.abort();
    }

    /**
     * Waits until the connection is closed.
     *
     * @throws IOException if the connection failed
     */
    public void waitClosed() throws IOException {
        transport.awaitClosed();
    }

    /** {@return true once {@link #close()} was called or the connection failed} */
    public boolean isClosing() {
        return transport.isClosing();
    }

    /** {@return the local address} */
    public SocketAddress localAddress() {
        return transport.localAddress();
    }

    /** {@return the peer's address} */
    public SocketAddress remoteAddress() {
        return transport.remoteAddress();
    }

    /** {@return the TLS session, or null on a plain connection} */
    public SSLSession tlsSession() {
        return transport.tlsSession();
    }

    /** {@return the protocol agreed with ALPN (for example {@code "h2"} or {@code "http/1.1"}), or null: plain connection or none agreed} */
    public String alpnProtocol() {
        return transport.alpnProtocol();
    }

    /** The transport under this writer. */
    Transport transport() {
        return transport;
    }

    /** {@return a blocking {@link OutputStream} view whose {@code flush()} drains; use it from the stream's task} */
    public OutputStream asOutputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                StreamWriter.this.write(new byte[] {(byte) b});
                drain();
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                StreamWriter.this.write(b, off, len);
                drain();
            }

            @Override
            public void flush() throws IOException {
                transport.awaitBufferedAtMost(0);
            }

            @Override
            public void close() {
                StreamWriter.this.close();
            }
        };
    }

    @Override
    public String toString() {
        return "StreamWriter[" + transport + ", buffered=" + transport.bufferedBytes() + "]";
    }
}
