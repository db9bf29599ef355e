package dev.weft.net;

import dev.weft.EventLoop;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Weft streams over blocking Java streams such as a {@link Process}'s pipes (asyncio's
 * {@code loop.connect_read_pipe} / {@code connect_write_pipe}). The blocking reads and writes
 * run on pump threads of a shared daemon pool, never on the loop thread; see
 * {@code dev.weft.process.Subprocess} for the main user.
 *
 * <pre>{@code
 * StreamPipes.ReadPipe out = StreamPipes.readPipe(loop, process.getInputStream(), "child stdout", 64 * 1024);
 * String line = out.reader().readLine();
 * StreamWriter in = StreamPipes.writePipe(loop, process.getOutputStream(), "child stdin");
 * }</pre>
 *
 * <p>The streams belong to {@code loop}: use them from its tasks.
 */
public final class StreamPipes {

    private StreamPipes() {
    }

    /**
     * The read end of a pipe: its {@link StreamReader} and the means to stop it.
     * Thread-safe: {@link #abort} may be called from any thread.
     */
    public static final class ReadPipe {
        private final PipeTransport transport;
        private final StreamReader reader;

        ReadPipe(PipeTransport transport, StreamReader reader) {
            this.transport = transport;
            this.reader = reader;
        }

        /** {@return the reader} */
        public StreamReader reader() {
            return reader;
        }

        /**
         * Stops reading: buffered data are dropped and a waiting reader wakes up (its read
         * fails with {@link java.nio.channels.ClosedChannelException}). The pump closes the
         * Java stream when its current blocking read returns. Idempotent; any thread.
         */
        public void abort() {
            transport.abort();
        }

        /**
         * Parks the task until the pump has ended and closed the Java stream (end of input or abort).
         *
         * @throws IOException if an I/O error occurs
         */
        public void awaitClosed() throws IOException {
            transport.awaitClosed();
        }

        @Override
        public String toString() {
            return transport.toString();
        }
    }

    /**
     * Starts pumping {@code in} into a {@link StreamReader} of {@code loop}. The pump pauses
     * while more than twice {@code limit} bytes are read from {@code in} but not yet consumed
     * through the reader (asyncio pauses its pipe transports at the same point), so a fast
     * producer cannot fill memory.
     *
     * @param loop the loop
     * @param in the input stream
     * @param name used in thread names, messages and logs, e.g. {@code "pid 42 stdout"}
     * @param limit the reader's line and separator limit ({@link StreamReader#DEFAULT_LIMIT})
     * @return the read pipe
     */
    public static ReadPipe readPipe(EventLoop loop, InputStream in, String name, int limit) {
        PipeTransport t = PipeTransport.forInput(loop, in, name, 2L * limit);
        return new ReadPipe(t, new StreamReader(t, limit));
    }

    /**
     * A {@link StreamWriter} of {@code loop} over {@code out}: writes never block, a pump
     * writes and flushes the data, {@link StreamWriter#drain} applies the usual water marks,
     * {@link StreamWriter#close} (or {@code writeEof}) closes {@code out} after the buffered data.
     *
     * @param loop the loop
     * @param out the output stream
     * @param name the name
     * @return a {@link StreamWriter} of {@code loop} over {@code out}: writes never block, a pump writes and flushes the data, {@link StreamWriter#drain} applies the usual water marks, {@link StreamWriter#close} (or {@code writeEof}) closes {@code out} after the buffered data
     */
    public static StreamWriter writePipe(EventLoop loop, OutputStream out, String name) {
        return new StreamWriter(PipeTransport.forOutput(loop, out, name));
    }
}
