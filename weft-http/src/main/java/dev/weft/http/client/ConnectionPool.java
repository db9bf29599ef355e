package dev.weft.http.client;

import dev.weft.CancelledException;
import dev.weft.EventLoop;
import dev.weft.Future;
import dev.weft.TimerHandle;
import dev.weft.internal.Durations;
import dev.weft.internal.Loggers;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The keep-alive connections of a {@link ClientSession} (aiohttp's {@code TCPConnector}),
 * keyed by {@link Origin}, with a total limit and a per-origin limit on connections in use.
 *
 * <p><b>Slots.</b> A request first takes a <em>slot</em> for its origin; it then reuses the
 * most recently released idle connection of that origin, or opens a new one. A slot is free
 * when fewer than {@code limit} connections are in use in total (0: no limit) and fewer than
 * {@code limitPerHost} for the origin (0: no limit). A request that finds no free slot waits in
 * one first-come-first-served line; a released slot goes to the first waiter it fits
 * (a waiter held back only by its origin's limit does not hold up others), by direct hand-off,
 * so later arrivals never overtake. The wait is bounded by the caller's timeout.
 *
 * <p><b>Idle connections</b> are closed after {@code keepAlive} (15 s by default) by a timer
 * of the pool's loop, and the oldest idle one is closed when opening a new connection would
 * make more than {@code limit} sockets open. A connection whose server closed it while idle
 * is found out before it is reused: a connection is checked, without waiting, when it is taken
 * from the pool, and one the server sent anything on while it was idle (an end of stream, or an
 * unsolicited response that the next request would otherwise take for its own) is closed, as is
 * one released with bytes left past the end of its response. If the server closes a connection
 * just as a request goes out on it, the session retries an idempotent request once on a fresh
 * connection.
 *
 * <p><b>Threads.</b> The pool's state is guarded by one lock, so {@link #release} and
 * {@link #close} may run anywhere; the connections themselves belong to the loop of the
 * session's tasks, where the idle timer runs too.
 */
public final class ConnectionPool implements AutoCloseable {

    private static final Logger LOG = Loggers.get(ConnectionPool.class);

    /** Opens a new connection for a reserved slot. */
    @FunctionalInterface
    interface Opener {
        PooledConnection open(Origin origin) throws IOException;
    }

    private final int limit;
    private final int limitPerHost;
    private final long keepAliveNanos;

    private final Object guard = new Object();
    // Guarded by `guard`.
    private final Map<Origin, Integer> inUse = new HashMap<>();
    private int totalInUse;
    private final Map<Origin, ArrayDeque<PooledConnection>> idle = new HashMap<>();
    private int idleCount;
    private final LinkedHashMap<Future<Void>, Origin> line = new LinkedHashMap<>();
    private boolean closed;
    private EventLoop loop;
    private TimerHandle sweep;
    private long opened;
    private long reusedCount;

    /**
     * A pool with at most {@code limit} connections in use (0: no limit), {@code limitPerHost}
     * per origin (0: no limit), closing idle ones after {@code keepAlive}.
     *
     * @param limit the limit
     * @param limitPerHost the limit per host
     * @param keepAlive the keep alive
     */
    public ConnectionPool(int limit, int limitPerHost, Duration keepAlive) {
        if (limit < 0 || limitPerHost < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
        this.limit = limit;
        this.limitPerHost = limitPerHost;
        this.keepAliveNanos = keepAlive.toNanos();
    }

    /**
     * Takes a slot for {@code origin} and returns an idle connection (if {@code fresh} is false
     * and there is one) or a new one from {@code opener}. Call from a task of the pool's loop.
     *
     * @param waitTimeout how long to wait for a slot, or null for no limit
     * @throws ClientTimeoutException ({@code POOL_ACQUIRE}) if no slot came in time
     */
    PooledConnection acquire(Origin origin, boolean fresh, Duration waitTimeout, Opener opener,
            TraceListener trace) throws IOException {
        Future<Void> ticket = null;
        synchronized (guard) {
            if (closed) {
                throw new ClientException("the session is closed");
            }
            if (loop == null) {
                loop = EventLoop.running();
            }
            if (line.isEmpty() && fits(origin)) {
                reserve(origin);
            } else {
                ticket = new Future<>((EventLoop) null);
                line.put(ticket, origin);
            }
        }
        if (ticket != null) {
            hand(); // others wait only for their own origin: this one may fit now
            trace.connectionQueuedStart(origin);
            awaitSlot(ticket, origin, waitTimeout);
            trace.connectionQueuedEnd(origin);
        }
        List<PooledConnection> toClose = new ArrayList<>(1);
        PooledConnection reused = null;
        try {
            while (true) {
                PooledConnection candidate = null;
                synchronized (guard) {
                    if (closed) {
                        throw new ClientException("the session is closed");
                    }
                    ArrayDeque<PooledConnection> q = idle.get(origin);
                    long now = loop.nanoTime();
                    while (!fresh && q != null && !q.isEmpty()) {
                        PooledConnection c = q.pollLast();
                        idleCount--;
                        if (now - c.idleSinceNanos >= keepAliveNanos) {
                            c.state = PooledConnection.State.CLOSED;
                            toClose.add(c);
                        } else {
                            c.state = PooledConnection.State.ACQUIRED;
                            candidate = c;
                            break;
                        }
                    }
                    if (candidate == null && limit > 0 && totalInUse + idleCount > limit) {
                        PooledConnection oldest = takeOldestIdle();
                        if (oldest != null) {
                            toClose.add(oldest);
                        }
                    }
                }
                if (candidate == null) {
                    break;
                }
                // Outside the lock (it reads the socket, without waiting): an idle connection the
                // server spoke on is closed, never reused (see PooledConnection#spoke).
                if (!candidate.spoke()) {
                    reused = candidate;
                    synchronized (guard) {
                        reusedCount++;
                    }
                    break;
                }
                LOG.debug("{}: the server sent something while it was idle; closing it", candidate);
                synchronized (guard) {
                    candidate.state = PooledConnection.State.CLOSED;
                }
                toClose.add(candidate);
            }
        } catch (IOException | RuntimeException e) {
            releaseSlot(origin);
            closeAll(toClose);
            throw e;
        }
        closeAll(toClose);
        if (reused != null) {
            trace.connectionReused(origin);
            return reused;
        }
        try {
            trace.connectionCreateStart(origin);
            PooledConnection c = opener.open(origin);
            synchronized (guard) {
                opened++;
            }
            trace.connectionCreateEnd(origin);
            return c;
        } catch (Throwable t) {
            releaseSlot(origin);
            throw t;
        }
    }

    private static void closeAll(List<PooledConnection> connections) {
        for (PooledConnection c : connections) {
            LOG.debug("closing idle {}", c);
            c.closeSocket();
        }
    }

    private void awaitSlot(Future<Void> ticket, Origin origin, Duration timeout) throws IOException {
        try {
            if (timeout == null) {
                ticket.await();
            } else {
                ticket.await(timeout);
            }
        } catch (RuntimeException | Error e) {
            if (ticket.cancel("waiter withdrew") || ticket.isCancelled()) {
                synchronized (guard) {
                    line.remove(ticket);
                }
                if (e instanceof dev.weft.TimeoutException) {
                    throw new ClientTimeoutException(ClientTimeoutException.Kind.POOL_ACQUIRE,
                            "no free connection to " + origin + " within " + Durations.format(timeout));
                }
                throw e;
            }
            if (ticket.exception() != null) {
                throw asIo(ticket.exception());
            }
            if (e instanceof dev.weft.TimeoutException) {
                return; // the slot won against the deadline
            }
            releaseSlot(origin); // granted while we were being cancelled: pass it on
            throw e;
        }
    }

    private static IOException asIo(Throwable t) {
        return t instanceof IOException io ? io : new ClientException(t.getMessage(), t);
    }

    /**
     * Gives a connection back: kept idle if {@code reusable} (and the pool is open), else
     * closed. Its slot goes to the next waiter that fits.
     */
    void release(PooledConnection c, boolean reusable) {
        boolean close;
        synchronized (guard) {
            if (c.state != PooledConnection.State.ACQUIRED) {
                return;
            }
            c.requests++;
            close = !reusable || closed;
            if (!close && c.unreadBytes() > 0) {
                // bytes past the end of the response: nobody asked for them (a forged next response?)
                LOG.debug("{}: {} bytes past the end of the response; closing it", c, c.unreadBytes());
                close = true;
            }
            if (close) {
                c.state = PooledConnection.State.CLOSED;
            } else {
                c.state = PooledConnection.State.IDLE;
                c.idleSinceNanos = loop.nanoTime();
                idle.computeIfAbsent(c.origin(), k -> new ArrayDeque<>()).addLast(c);
                idleCount++;
                scheduleSweep();
            }
        }
        if (close) {
            c.closeSocket();
        }
        releaseSlot(c.origin());
    }

    private void releaseSlot(Origin origin) {
        synchronized (guard) {
            int n = inUse.merge(origin, -1, Integer::sum);
            if (n <= 0) {
                inUse.remove(origin);
            }
            totalInUse--;
        }
        hand();
    }

    /** Hands free slots to the waiters they fit, first come first served. */
    private void hand() {
        List<Map.Entry<Future<Void>, Origin>> grants = new ArrayList<>(1);
        synchronized (guard) {
            for (Iterator<Map.Entry<Future<Void>, Origin>> it = line.entrySet().iterator(); it.hasNext()
                    && (limit == 0 || totalInUse < limit);) {
                Map.Entry<Future<Void>, Origin> e = it.next();
                if (fits(e.getValue())) {
                    it.remove();
                    reserve(e.getValue());
                    grants.add(Map.entry(e.getKey(), e.getValue()));
                }
            }
        }
        for (Map.Entry<Future<Void>, Origin> g : grants) {
            if (!g.getKey().trySetResult(null)) {
                // The waiter withdrew meanwhile: the slot reserved for it goes on to the next one.
                releaseSlot(g.getValue());
            }
        }
    }

    /** True if a request for {@code origin} would get a slot now without waiting. */
    boolean hasRoomFor(Origin origin) {
        synchronized (guard) {
            return !closed && line.isEmpty() && fits(origin);
        }
    }

    private boolean fits(Origin origin) {
        if (limit > 0 && totalInUse >= limit) {
            return false;
        }
        return limitPerHost == 0 || inUse.getOrDefault(origin, 0) < limitPerHost;
    }

    private void reserve(Origin origin) {
        inUse.merge(origin, 1, Integer::sum);
        totalInUse++;
    }

    private PooledConnection takeOldestIdle() {
        PooledConnection oldest = null;
        for (ArrayDeque<PooledConnection> q : idle.values()) {
            PooledConnection c = q.peekFirst();
            if (c != null && (oldest == null || c.idleSinceNanos < oldest.idleSinceNanos)) {
                oldest = c;
            }
        }
        if (oldest != null) {
            idle.get(oldest.origin()).pollFirst();
            idleCount--;
            oldest.state = PooledConnection.State.CLOSED;
        }
        return oldest;
    }

    // Holds `guard`.
    private void scheduleSweep() {
        if (sweep == null && loop != null && !loop.isClosed()) {
            sweep = loop.callLater(Duration.ofNanos(keepAliveNanos), this::sweep);
        }
    }

    /** Closes the idle connections whose keep-alive time is over (a timer of the pool's loop). */
    private void sweep() {
        List<PooledConnection> expired = new ArrayList<>();
        synchronized (guard) {
            sweep = null;
            long now = loop.nanoTime();
            long next = Long.MAX_VALUE;
            for (Iterator<ArrayDeque<PooledConnection>> qs = idle.values().iterator(); qs.hasNext();) {
                ArrayDeque<PooledConnection> q = qs.next();
                while (!q.isEmpty() && now - q.peekFirst().idleSinceNanos >= keepAliveNanos) {
                    PooledConnection c = q.pollFirst();
                    c.state = PooledConnection.State.CLOSED;
                    idleCount--;
                    expired.add(c);
                }
                if (q.isEmpty()) {
                    qs.remove();
                } else {
                    next = Math.min(next, q.peekFirst().idleSinceNanos + keepAliveNanos);
                }
            }
            if (next != Long.MAX_VALUE && !closed) {
                sweep = loop.callLater(Duration.ofNanos(Math.max(0, next - now)), this::sweep);
            }
        }
        for (PooledConnection c : expired) {
            LOG.debug("keep-alive timeout, closing {}", c);
            c.closeSocket();
        }
    }

    /** {@return idle connections now} */
    public int idleConnections() {
        synchronized (guard) {
            return idleCount;
        }
    }

    /** {@return connections in use now (being opened included)} */
    public int connectionsInUse() {
        synchronized (guard) {
            return totalInUse;
        }
    }

    /** {@return requests waiting for a slot now} */
    public int waiting() {
        synchronized (guard) {
            return line.size();
        }
    }

    /** {@return connections opened so far} */
    public long connectionsOpened() {
        synchronized (guard) {
            return opened;
        }
    }

    /** {@return times an idle connection was reused so far} */
    public long connectionsReused() {
        synchronized (guard) {
            return reusedCount;
        }
    }

    /** {@return the total limit (0: none)} */
    public int limit() {
        return limit;
    }

    /** {@return the per-origin limit (0: none)} */
    public int limitPerHost() {
        return limitPerHost;
    }

    /**
     * Closes every idle connection and fails every waiter; connections in use are closed when
     * released. Idempotent.
     */
    @Override
    public void close() {
        List<PooledConnection> all = new ArrayList<>();
        List<Future<Void>> waiters;
        synchronized (guard) {
            if (closed) {
                return;
            }
            closed = true;
            for (ArrayDeque<PooledConnection> q : idle.values()) {
                for (PooledConnection c : q) {
                    c.state = PooledConnection.State.CLOSED;
                    all.add(c);
                }
            }
            idle.clear();
            idleCount = 0;
            waiters = new ArrayList<>(line.keySet());
            line.clear();
            if (sweep != null) {
                sweep.cancel();
                sweep = null;
            }
        }
        for (Future<Void> w : waiters) {
            w.trySetException(new ClientException("the session is closed"));
        }
        for (PooledConnection c : all) {
            c.closeSocket();
        }
    }

    @Override
    public String toString() {
        synchronized (guard) {
            return "ConnectionPool[inUse=" + totalInUse + ", idle=" + idleCount + ", waiting=" + line.size()
                    + ", limit=" + limit + ", perHost=" + limitPerHost + "]";
        }
    }
}
