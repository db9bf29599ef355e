package dev.weft.net;

import dev.weft.CancelledException;
import dev.weft.EventLoop;
import dev.weft.Future;
import dev.weft.LoopGroup;
import dev.weft.Readiness;
import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.internal.Loggers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;

/**
 * A listening socket whose accepted connections each run a {@link ConnectionHandler} as a task
 * (asyncio's {@code Server}). Made by {@link Streams#startServer}.
 *
 * <pre>
 *  startServer       close()                    last handler done
 *  ----------> SERVING -------> NOT ACCEPTING ----------------------> CLOSED (waitClosed returns)
 * </pre>
 *
 * <p>The acceptor is a task of the server's loop; it waits on the loop's selector and accepts
 * in bursts. Handlers run on the same loop, or round robin on a {@link LoopGroup}. With a cap
 * on connections, the acceptor stops accepting while the cap is reached (the kernel's backlog
 * holds the rest). When the process runs out of descriptors the acceptor backs off for 100 ms
 * instead of spinning. Thread-safe: {@link #close()} and {@link #shutdown} work from anywhere.
 */
public final class Server implements AutoCloseable {

    private static final Logger LOG = Loggers.get(Server.class);

    private final EventLoop loop;
    private final ServerSocketChannel channel;
    private final SocketAddress address;
    private final ConnectionHandler handler;
    private final ServerOptions options;
    private final Set<Task<Void>> handlers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Future<Void> stopped;
    private final Task<Void> acceptor;
    private volatile boolean closing;
    /**
     * Set by the acceptor while the connection cap is reached; taken (atomically, so by exactly
     * one) and completed by a finishing handler. Handlers of a loop group finish on several loops
     * at once: a check-then-act here completed one slot twice or cleared a newer one.
     */
    private final AtomicReference<Future<Void>> slotFreed = new AtomicReference<>();

    Server(EventLoop loop, ServerSocketChannel channel, ConnectionHandler handler, ServerOptions options)
            throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.address = channel.getLocalAddress();
        this.handler = handler;
        this.options = options;
        this.stopped = new Future<>(loop);
        this.acceptor = loop.spawn("weft-accept " + address, this::acceptLoop);
    }

    // ------------------------------------------------------------------ accepting

    private void acceptLoop() throws IOException {
        try {
            while (!closing) {
                if (active.get() >= options.maxConnections()) {
                    Future<Void> f = new Future<>(loop);
                    slotFreed.set(f);
                    // Checked again after publishing f: a handler that finished before it was
                    // published has lowered the count, one that finishes after it takes f.
                    if (active.get() >= options.maxConnections()) {
                        f.await();
                    }
                    slotFreed.compareAndSet(f, null);
                    continue;
                }
                SocketChannel c;
                try {
                    c = channel.accept();
                } catch (java.nio.channels.ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    if (closing) {
                        return;
                    }
                    // EMFILE/ENFILE: out of descriptors. Back off instead of spinning; the
                    // connection stays in the backlog until a descriptor is free.
                    LOG.warn("accept on {} failed ({}); retrying in 100 ms", address, e.getMessage());
                    Weft.sleep(Duration.ofMillis(100));
                    continue;
                }
                if (c == null) {
                    try {
                        Readiness.awaitReadable(channel);
                    } catch (AsynchronousCloseException e) {
                        return;
                    }
                    continue;
                }
                dispatch(c);
            }
        } finally {
            closeListener();
        }
    }

    private void dispatch(SocketChannel c) {
        active.incrementAndGet();
        accepted.incrementAndGet();
        LoopGroup group = options.loops();
        EventLoop target = group == null ? loop : group.next();
        try {
            Task<Void> t = target.spawn(() -> serve(target, c));
            handlers.add(t);
            t.addDoneCallback(this::handlerDone);
        } catch (RuntimeException e) {
            LOG.warn("cannot start a handler for a connection on {}", address, e);
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
            active.decrementAndGet();
        }
    }

    private void handlerDone(Future<?> f) {
        @SuppressWarnings("unchecked")
        Task<Void> t = (Task<Void>) f;
        handlers.remove(t);
        active.decrementAndGet();
        Future<Void> s = slotFreed.getAndSet(null);
        if (s != null) {
            s.trySetResult(null);
        }
        if (closing) {
            stopIfDone();
        }
    }

    private void serve(EventLoop target, SocketChannel c) {
        Transport transport;
        try {
            SocketTransport.tuneTcp(c);
            transport = new SocketTransport(target, c);
        } catch (IOException e) {
            LOG.debug("setting up an accepted connection failed", e);
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
            return;
        }
        if (options.tls() != null) {
            try {
                transport = TlsTransport.server(transport, options.tls(), null); // closes the socket on failure
            } catch (CancelledException e) {
                transport.abort();
                throw e;
            } catch (IOException | RuntimeException e) {
                LOG.debug("TLS handshake with {} failed: {}", transport.remoteAddress(), e.toString());
                transport.close(); // flushes the alert, if any
                return;
            }
        }
        StreamReader reader = new StreamReader(transport, options.limit());
        StreamWriter writer = new StreamWriter(transport);
        try {
            handler.handle(reader, writer);
            transport.close();
        } catch (CancelledException e) {
            transport.close(); // the peer sees an orderly end of stream
            throw e;
        } catch (IOException e) {
            LOG.debug("connection from {} failed: {}", transport.remoteAddress(), e.toString());
            transport.abort();
        } catch (Throwable e) {
            LOG.warn("handler for {} failed", transport.remoteAddress(), e);
            transport.abort();
        }
    }

    // ------------------------------------------------------------------ closing

    /** Stops accepting; connections being served go on. Idempotent, any thread. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        if (loop.isClosed()) {
            try {
                channel.close(); // nothing runs on a closed loop any more
            } catch (IOException e) {
                LOG.debug("closing listener", e);
            }
            stopIfDone(); // or the last handler of a loop group, when it finishes
            return;
        }
        loop.execute(() -> {
            acceptor.cancel("server closed");
            closeListener();
            stopIfDone();
        });
    }

    private void closeListener() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            Readiness.close(channel);
        } catch (IOException e) {
            LOG.debug("closing listener", e);
        }
    }

    /**
     * Completes {@link #stopped} once the listener is closed and no handler is left. Any thread:
     * the closing callback calls it on the server's loop after closing the listener, and every
     * handler finishing after {@link #close()} on its own loop after leaving {@link #handlers};
     * whichever comes last sees both (volatile reads after volatile writes), and the future lets
     * only one complete it. It must not go through the server's loop: a handler of a loop group
     * can finish after the server stopped and that loop closed (Weft.run returned meanwhile),
     * and scheduling onto it then threw RejectedExecutionException on the handler's loop.
     */
    private void stopIfDone() {
        if (handlers.isEmpty() && !channel.isOpen()) {
            stopped.trySetResult(null);
        }
    }

    /**
     * Waits until the server is closed and every connection's handler has finished. Cancelling
     * the waiting task ends the wait only (the server's own state is shielded from it).
     */
    public void waitClosed() {
        Weft.shield(stopped).await();
    }

    /**
     * Graceful shutdown: stops accepting, gives running handlers {@code grace} to finish, then
     * cancels those left and waits for them.
     *
     * @param grace how long connections in flight may take to finish
     * @return the number of handlers that had to be cancelled
     */
    public int shutdown(Duration grace) {
        close();
        try {
            Weft.shield(stopped).await(grace); // a cancelled caller must not cancel the server's own state
            return 0;
        } catch (dev.weft.TimeoutException late) {
            List<Task<Void>> left = new ArrayList<>(handlers);
            for (Task<Void> t : left) {
                t.cancel("server shutting down");
            }
            Weft.shield(stopped).await();
            return left.size();
        }
    }

    /**
     * Serves until the server is closed (asyncio's {@code serve_forever}); if the calling task
     * is cancelled, the server is closed.
     */
    public void serveForever() {
        try {
            Weft.shield(stopped).await();
        } catch (CancelledException e) {
            close();
            throw e;
        }
    }

    // ------------------------------------------------------------------ introspection

    /** {@return the bound address (for port 0: the port the system chose)} */
    public SocketAddress address() {
        return address;
    }

    /** {@return the bound TCP port, or -1 for a Unix domain socket} */
    public int port() {
        return address instanceof InetSocketAddress i ? i.getPort() : -1;
    }

    /** {@return connections being served now} */
    public int activeConnections() {
        return active.get();
    }

    /** {@return connections accepted since the start} */
    public int acceptedConnections() {
        return accepted.get();
    }

    /** {@return true until {@link #close()}} */
    public boolean isServing() {
        return !closing;
    }

    @Override
    public String toString() {
        return "Server[" + address + ", active=" + active.get() + (closing ? ", closing" : "") + "]";
    }
}
