package dev.weft.net;

import dev.weft.EventLoop;
import dev.weft.InvalidStateException;
import dev.weft.Readiness;
import dev.weft.Task;
import dev.weft.internal.Durations;
import dev.weft.internal.Loggers;
import dev.weft.sync.Lock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Arrays;
import org.slf4j.Logger;

/**
 * A UDP socket used from tasks (asyncio's {@code create_datagram_endpoint}, with calls that
 * park instead of protocol callbacks).
 *
 * <pre>{@code
 * try (DatagramEndpoint server = DatagramEndpoint.bind("127.0.0.1", 9999)) {
 *     while (true) {
 *         Datagram d = server.receive();                 // parks until a datagram arrives
 *         server.send(d.data(), d.from());               // echo
 *     }
 * }
 * try (DatagramEndpoint client = DatagramEndpoint.connect("127.0.0.1", 9999)) {
 *     client.send("ping".getBytes());
 *     Datagram reply = client.receive(Duration.ofSeconds(1));
 * }
 * }</pre>
 *
 * <pre>
 *   bind / connect           close()
 *  ----------------> OPEN -----------> CLOSED   (tasks waiting in receive/send get
 *                                                AsynchronousCloseException)
 * </pre>
 *
 * <p><b>Threads.</b> An endpoint belongs to the loop of the task that made it; {@code send} and
 * {@code receive} run in tasks of that loop, never block the loop thread (the channel is
 * non-blocking and waits go through {@link Readiness}) and are cancellation points when they
 * wait. One task receives at a time; any number may send (senders that must wait for buffer
 * space queue on a lock). {@link #close()} is safe from any thread.
 *
 * <p><b>Sizes.</b> Datagrams longer than {@link #maxDatagramSize()} (64 KiB by default, more
 * than any UDP payload over IPv4) are cut, and {@link Datagram#truncated()} says so. Sends are
 * all-or-nothing: UDP never sends part of a datagram.
 *
 * <p><b>Errors.</b> On Linux, an ICMP "port unreachable" answer to an earlier datagram is
 * reported only on a <em>connected</em> endpoint: the next {@code receive} or {@code send}
 * throws {@link java.net.PortUnreachableException}, and the endpoint stays usable. An unconnected
 * endpoint never hears of it (as in asyncio, where {@code error_received} is then not called either).
 */
public final class DatagramEndpoint implements AutoCloseable {

    private static final Logger LOG = Loggers.get(DatagramEndpoint.class);

    /** The default maximum datagram size: 64 KiB. */
    public static final int DEFAULT_MAX_DATAGRAM_SIZE = 64 * 1024;

    private final EventLoop loop;
    private final DatagramChannel channel;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    private final Lock sendLock = new Lock();
    private volatile int maxDatagramSize = DEFAULT_MAX_DATAGRAM_SIZE;
    private ByteBuffer receiveBuffer; // loop thread; maxDatagramSize + 1 bytes
    private boolean receiving;        // loop thread

    private DatagramEndpoint(EventLoop loop, DatagramChannel channel, InetSocketAddress remote) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.local = (InetSocketAddress) channel.getLocalAddress();
        this.remote = remote;
    }

    /**
     * Opens a UDP socket bound to {@code host}:{@code port} (asyncio's {@code local_addr});
     * host null or {@code ""} binds every address, port 0 picks a free port. Call from a task.
     *
     * @param host the host name or address
     * @param port the port number
     * @return the datagram endpoint
     * @throws IOException if an I/O error occurs
     */
    public static DatagramEndpoint bind(String host, int port) throws IOException {
        EventLoop loop = EventLoop.running();
        InetSocketAddress addr = (host == null || host.isEmpty()) ? new InetSocketAddress(port)
                : new InetSocketAddress(resolve(host), port);
        DatagramChannel ch = open(addr.getAddress());
        try {
            ch.bind(addr);
            LOG.debug("UDP endpoint bound to {}", ch.getLocalAddress());
            return new DatagramEndpoint(loop, ch, null);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Opens a UDP socket connected to {@code host}:{@code port} (asyncio's {@code remote_addr}):
     * {@link #send(byte[])} goes there, only its datagrams are received, and ICMP errors are
     * reported. Bound to an ephemeral local port. Call from a task.
     *
     * @param host the host name or address
     * @param port the port number
     * @return the datagram endpoint
     * @throws IOException if an I/O error occurs
     */
    public static DatagramEndpoint connect(String host, int port) throws IOException {
        EventLoop loop = EventLoop.running();
        InetSocketAddress to = new InetSocketAddress(resolve(host), port);
        DatagramChannel ch = open(to.getAddress());
        try {
            ch.connect(to); // UDP connect only sets the default peer: it does not block
            LOG.debug("UDP endpoint {} connected to {}", ch.getLocalAddress(), to);
            return new DatagramEndpoint(loop, ch, to);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static DatagramChannel open(InetAddress forAddress) throws IOException {
        DatagramChannel ch = forAddress == null || forAddress.isAnyLocalAddress() ? DatagramChannel.open()
                : DatagramChannel.open(forAddress instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6
                        : StandardProtocolFamily.INET);
        ch.configureBlocking(false);
        return ch;
    }

    /** Resolves off the loop thread (the JDK's lookup blocks); literals are not looked up. */
    private static InetAddress resolve(String host) throws IOException {
        return Resolver.system().resolve(host).getFirst();
    }

    // ------------------------------------------------------------------ settings

    /** {@return the longest datagram {@link #receive} returns whole} */
    public int maxDatagramSize() {
        return maxDatagramSize;
    }

    /**
     * Sets the longest datagram {@link #receive} returns whole (1 .. 65535+; default 64 KiB).
     *
     * @param bytes the number of bytes
     * @return this datagram endpoint
     */
    public DatagramEndpoint maxDatagramSize(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("maxDatagramSize must be positive: " + bytes);
        }
        maxDatagramSize = bytes;
        return this;
    }

    /** {@return the local address (with the port chosen when bound to port 0)} */
    public InetSocketAddress localAddress() {
        return local;
    }

    /** {@return the local port} */
    public int port() {
        return local.getPort();
    }

    /** {@return the peer of a connected endpoint, or null} */
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    /** {@return true until {@link #close()}} */
    public boolean isOpen() {
        return channel.isOpen();
    }

    // ------------------------------------------------------------------ sending

    /**
     * Sends {@code data} as one datagram to {@code to} (asyncio's {@code sendto}). Returns at
     * once when the kernel takes it; parks the task while the socket's send buffer is full.
     * An unresolved address is resolved off the loop first.
     *
     * @param data the bytes
     * @param to where to send it
     * @throws InvalidStateException on a connected endpoint with another address
     * @throws IOException if an I/O error occurs
     */
    public void send(byte[] data, SocketAddress to) throws IOException {
        SocketAddress target = to;
        if (to instanceof InetSocketAddress isa && isa.isUnresolved()) {
            target = new InetSocketAddress(resolve(isa.getHostString()), isa.getPort());
        }
        if (remote != null && !remote.equals(target)) {
            throw new InvalidStateException("this endpoint is connected to " + remote + "; cannot send to " + target);
        }
        doSend(ByteBuffer.wrap(data), target);
    }

    /**
     * Sends {@code data} to {@code host}:{@code port}.
     *
     * @param data the bytes
     * @param host the host name or address
     * @param port the port number
     * @throws IOException if an I/O error occurs
     */
    public void send(byte[] data, String host, int port) throws IOException {
        send(data, new InetSocketAddress(resolve(host), port));
    }

    /**
     * Sends {@code data} to the peer of a connected endpoint.
     *
     * @param data the bytes
     * @throws InvalidStateException if the endpoint is not connected
     * @throws IOException if an I/O error occurs
     */
    public void send(byte[] data) throws IOException {
        if (remote == null) {
            throw new InvalidStateException("send(data) needs a connected endpoint (DatagramEndpoint.connect);"
                    + " use send(data, address)");
        }
        doSend(ByteBuffer.wrap(data), null);
    }

    private void doSend(ByteBuffer buf, SocketAddress to) throws IOException {
        checkLoop();
        Task.checkpointCurrent();
        if (trySend(buf, to)) {
            return;
        }
        sendLock.acquire();
        try {
            while (!trySend(buf, to)) {
                Readiness.awaitWritable(channel);
            }
        } finally {
            sendLock.release();
        }
    }

    private boolean trySend(ByteBuffer buf, SocketAddress to) throws IOException {
        int n = to == null ? channel.write(buf) : channel.send(buf, to);
        return n > 0 || !buf.hasRemaining();
    }

    // ------------------------------------------------------------------ receiving

    /**
     * Parks the task until a datagram arrives and returns it. A cancellation point.
     *
     * @return it
     * @throws java.net.PortUnreachableException on a connected endpoint whose peer answered an
     *         earlier datagram with ICMP port unreachable
     * @throws java.nio.channels.AsynchronousCloseException if the endpoint is closed meanwhile
     */
    public Datagram receive() throws IOException {
        return receive(-1);
    }

    /**
     * Like {@link #receive()}, waiting at most {@code timeout}.
     *
     * @param timeout the time limit
     * @return the datagram
     * @throws SocketTimeoutException if no datagram came in time
     */
    public Datagram receive(Duration timeout) throws IOException {
        return receive(Math.max(0, timeout.toNanos()));
    }

    private Datagram receive(long timeoutNanos) throws IOException {
        checkLoop();
        Task.checkpointCurrent();
        if (receiving) {
            throw new InvalidStateException("another task is already receiving on " + this);
        }
        receiving = true;
        try {
            long deadline = timeoutNanos < 0 ? 0 : loop.nanoTime() + timeoutNanos;
            while (true) {
                Datagram d = tryReceive();
                if (d != null) {
                    return d;
                }
                if (timeoutNanos < 0) {
                    Readiness.awaitReadable(channel);
                } else {
                    long left = deadline - loop.nanoTime();
                    if (left <= 0 || !Readiness.awaitReadable(channel, Duration.ofNanos(left))) {
                        throw new SocketTimeoutException("no datagram on " + local + " within "
                                + Durations.nanos(timeoutNanos));
                    }
                }
            }
        } finally {
            receiving = false;
        }
    }

    /**
     * Returns a datagram that is already there, or null; never waits.
     *
     * @return a datagram that is already there, or null; never waits
     * @throws IOException if an I/O error occurs
     */
    public Datagram tryReceive() throws IOException {
        checkLoop();
        int max = maxDatagramSize;
        ByteBuffer buf = receiveBuffer;
        if (buf == null || buf.capacity() != max + 1) {
            receiveBuffer = buf = ByteBuffer.allocateDirect(max + 1);
        }
        buf.clear();
        SocketAddress from = channel.receive(buf);
        if (from == null) {
            return null;
        }
        buf.flip();
        boolean truncated = buf.remaining() > max;
        byte[] data = new byte[Math.min(buf.remaining(), max)];
        buf.get(data);
        if (truncated) {
            LOG.debug("datagram from {} longer than {} bytes: truncated", from, max);
        }
        return new Datagram(data, from, truncated);
    }

    private void checkLoop() {
        if (!loop.inLoop()) {
            throw new InvalidStateException("a datagram endpoint is used from its own loop only (" + loop + ")");
        }
    }

    // ------------------------------------------------------------------ closing

    /** Closes the socket, waking tasks waiting in it. Idempotent; any thread. */
    @Override
    public void close() {
        if (!channel.isOpen()) {
            return;
        }
        if (!loop.inLoop() && loop.isRunning()) {
            try {
                loop.execute(this::close);
                return;
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // loop closed meanwhile: close here
            }
        }
        try {
            // On the loop: wakes waiting tasks. Elsewhere (loop not running): a plain close.
            Readiness.close(channel);
        } catch (IOException e) {
            LOG.debug("close", e);
        }
    }

    @Override
    public String toString() {
        return "DatagramEndpoint[" + local + (remote != null ? " -> " + remote : "") + (channel.isOpen() ? "" : ", closed")
                + "]";
    }
}
