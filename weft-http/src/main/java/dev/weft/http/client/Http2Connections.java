package dev.weft.http.client;

import dev.weft.EventLoop;
import dev.weft.Future;
import dev.weft.http.h2.Http2ClientConnection;
import dev.weft.http.h2.Http2Options;
import dev.weft.internal.Loggers;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The HTTP/2 connections of a session, shared by its requests: where {@link ExchangeLink} looks
 * first when a request may go over HTTP/2. An HTTP/2 connection carries many requests at once,
 * so it is never idle in the {@link ConnectionPool}'s sense: it keeps the pool slot it was opened
 * with (it counts as one connection in use) for its whole life, and gives it back when it closes
 * (GOAWAY drained, keep-alive timeout with no stream open, error, session closed).
 *
 * <pre>
 *   request ──> usable(origin)? ── yes ──> a stream on it
 *                   │ no
 *                   v
 *            opening(origin)? ── yes ──> wait for that connection, then look again
 *                   │ no
 *                   v
 *            open one (TCP, TLS with ALPN h2, http/1.1): h2 ──> register(), a stream on it
 *                                                        http/1.1 ──> markHttp1(), an HTTP/1.1 exchange
 * </pre>
 *
 * <p>One connection is opened at a time per origin, so a burst of concurrent requests to a new
 * origin opens one connection and shares it; a further one only once every connection is out of
 * streams ({@code SETTINGS_MAX_CONCURRENT_STREAMS}) or draining (GOAWAY). An origin whose server
 * picked {@code http/1.1} is remembered, and its requests then go to the pool at once, as without
 * HTTP/2.
 *
 * <p>Threads: owned by the session's loop (its tasks and timers); {@link #close()} may come from
 * anywhere.
 */
final class Http2Connections {

    private static final Logger LOG = Loggers.get(Http2Connections.class);

    /** One shared connection and the pooled connection (slot) under it. */
    record Shared(PooledConnection pooled, Http2ClientConnection h2) {
        boolean usable() {
            return h2.isAcceptingStreams() && h2.availableStreams() > 0;
        }
    }

    private final ConnectionPool pool;
    private final Http2Options options;
    private final Map<Origin, List<Shared>> live = new HashMap<>();
    private final Map<Origin, Future<Void>> opening = new HashMap<>();
    private final Set<Origin> http1 = new HashSet<>();
    private EventLoop loop;
    private boolean closed;

    /**
     * @param pool      whose slots the connections hold
     * @param keepAlive how long a connection with no stream open is kept
     */
    Http2Connections(ConnectionPool pool, Duration keepAlive) {
        this.pool = pool;
        this.options = Http2Options.defaults().idleTimeout(keepAlive);
    }

    /** A connection to {@code origin} that takes a new stream now, or null. */
    synchronized Shared usable(Origin origin) {
        for (Shared s : live.getOrDefault(origin, List.of())) {
            if (s.usable()) {
                return s;
            }
        }
        return null;
    }

    /** The accepting connection to {@code origin} with the fewest streams open, or null. */
    synchronized Shared leastLoaded(Origin origin) {
        Shared best = null;
        for (Shared s : live.getOrDefault(origin, List.of())) {
            if (s.h2.isAcceptingStreams() && (best == null || s.h2.activeStreams() < best.h2.activeStreams())) {
                best = s;
            }
        }
        return best;
    }

    /** The connection being opened to {@code origin} (completed once it is), or null. */
    synchronized Future<Void> opening(Origin origin) {
        return opening.get(origin);
    }

    /** Marks a connection to {@code origin} as being opened; {@link #doneOpening} ends it. */
    synchronized Future<Void> startOpening(Origin origin) {
        Future<Void> f = new Future<>((EventLoop) null);
        opening.put(origin, f);
        return f;
    }

    /** The connection marked by {@link #startOpening} is open (or failed): its waiters look again. */
    void doneOpening(Origin origin, Future<Void> f) {
        synchronized (this) {
            opening.remove(origin, f);
        }
        f.trySetResult(null);
    }

    /** True if the last connection opened to {@code origin} over TLS agreed on HTTP/1.1. */
    synchronized boolean knownHttp1(Origin origin) {
        return http1.contains(origin);
    }

    /** Remembers that {@code origin}'s server picked HTTP/1.1. */
    synchronized void markHttp1(Origin origin) {
        http1.add(origin);
    }

    /**
     * Starts HTTP/2 on a fresh connection and shares it. Call from a task of the session's loop.
     *
     * @throws IOException if the preface cannot be written (the connection is given back, closed)
     */
    Shared register(PooledConnection pooled) throws IOException {
        Origin origin = pooled.origin();
        Http2ClientConnection h2;
        try {
            h2 = Http2ClientConnection.over(pooled.connection(), origin.scheme(), origin.hostHeader(), options);
        } catch (IOException | RuntimeException e) {
            pool.release(pooled, false);
            throw e;
        }
        Shared s = new Shared(pooled, h2);
        boolean close;
        synchronized (this) {
            if (loop == null) {
                loop = EventLoop.running();
            }
            http1.remove(origin);
            close = closed;
            if (!close) {
                live.computeIfAbsent(origin, k -> new ArrayList<>()).add(s);
            }
        }
        if (close) {
            h2.close();
            pool.release(pooled, false);
            throw new ClientException("the session is closed");
        }
        LOG.debug("HTTP/2 connection to {} open", origin);
        EventLoop.running().spawn("h2-watch " + origin, () -> {
            try {
                h2.connection().awaitClosed();
            } finally {
                synchronized (this) {
                    List<Shared> list = live.get(origin);
                    if (list != null) {
                        list.remove(s);
                        if (list.isEmpty()) {
                            live.remove(origin);
                        }
                    }
                }
                LOG.debug("HTTP/2 connection to {} closed", origin);
                pool.release(pooled, false);
            }
        });
        return s;
    }

    /** HTTP/2 connections open now. */
    synchronized int size() {
        int n = 0;
        for (List<Shared> l : live.values()) {
            n += l.size();
        }
        return n;
    }

    /** Closes every connection (requests in flight on them fail); no new ones are shared. Any thread. */
    void close() {
        List<Shared> all = new ArrayList<>();
        EventLoop l;
        synchronized (this) {
            closed = true;
            live.values().forEach(all::addAll);
            l = loop;
        }
        if (all.isEmpty() || l == null || l.isClosed()) {
            return;
        }
        Runnable closeAll = () -> all.forEach(s -> s.h2.close());
        if (l.inLoop()) {
            closeAll.run();
        } else {
            l.execute(closeAll);
        }
    }
}
