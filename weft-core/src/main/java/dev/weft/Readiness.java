package dev.weft;

import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;

/**
 * The bridge between a task and the loop's selector: a task waits for a non-blocking channel
 * to become readable or writable without any thread hop (Trio's {@code wait_readable} /
 * {@code wait_writable}). Streams, servers, datagram endpoints and TLS are built on these
 * three calls; use them directly only to write a protocol of your own.
 *
 * <pre>{@code
 * channel.configureBlocking(false);
 * int n;
 * while ((n = channel.read(buf)) == 0) {
 *     Readiness.awaitReadable(channel);      // the task parks; the loop polls the channel
 * }
 * }</pre>
 *
 * <p>Rules: call from a task, on the task's loop; at most one task waits per channel and
 * direction; close a channel that tasks may wait on with {@link #close}, which wakes them.
 * Every wait is a cancellation point.
 */
public final class Readiness {

    private Readiness() {
    }

    /**
     * Parks the calling task until {@code channel} is readable (for a server channel: has a
     * connection to accept).
     *
     * @param channel the channel
     * @throws AsynchronousCloseException if the channel is closed while waiting
     * @throws CancelledException if the task is cancelled
     */
    public static void awaitReadable(SelectableChannel channel) throws IOException {
        await(channel, SelectionKey.OP_READ, -1);
    }

    /**
     * Like {@link #awaitReadable(SelectableChannel)} with a time limit.
     *
     * @param channel the channel
     * @param timeout the time limit
     * @return false if {@code timeout} passed first
     * @throws IOException if an I/O error occurs
     */
    public static boolean awaitReadable(SelectableChannel channel, Duration timeout) throws IOException {
        return await(channel, SelectionKey.OP_READ, Math.max(0, timeout.toNanos()));
    }

    /**
     * Parks the calling task until {@code channel} is writable (for a connecting socket: connected or failed).
     *
     * @param channel the channel
     * @throws IOException if an I/O error occurs
     */
    public static void awaitWritable(SelectableChannel channel) throws IOException {
        await(channel, SelectionKey.OP_WRITE, -1);
    }

    /**
     * Like {@link #awaitWritable(SelectableChannel)} with a time limit.
     *
     * @param channel the channel
     * @param timeout the time limit
     * @return false if {@code timeout} passed first
     * @throws IOException if an I/O error occurs
     */
    public static boolean awaitWritable(SelectableChannel channel, Duration timeout) throws IOException {
        return await(channel, SelectionKey.OP_WRITE, Math.max(0, timeout.toNanos()));
    }

    /**
     * Closes {@code channel}, waking the tasks of the current loop that wait on it (they get an
     * {@link AsynchronousCloseException}). Outside a loop it simply closes the channel.
     *
     * @param channel the channel
     * @throws IOException if an I/O error occurs
     */
    public static void close(SelectableChannel channel) throws IOException {
        EventLoop loop = EventLoop.current();
        if (loop != null && loop.inLoop()) {
            loop.closeChannel(channel);
        } else {
            channel.close();
        }
    }

    private static boolean await(SelectableChannel channel, int op, long timeoutNanos) throws IOException {
        Task<?> me = Task.current();
        if (me == null || !me.loop.inLoop()) {
            throw new InvalidStateException("Readiness waits must run in a task on its own loop");
        }
        return me.loop.awaitReady(me, channel, op, timeoutNanos);
    }
}
