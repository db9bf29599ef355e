package dev.weft.http.client;

import dev.weft.Future;
import java.io.IOException;
import java.time.Duration;

/**
 * The last {@link Link}: gets a connection for the request and has the {@link Exchange} of the
 * connection's protocol send it: {@link Http1Exchange}, or {@link Http2Exchange} on a connection
 * shared through {@link Http2Connections} when the request may use HTTP/2 and the connection
 * agreed on it (ALPN {@code h2}, or h2c by prior knowledge). When the exchange asks for it ({@link Exchange.Outcome.SendAgain}:
 * a reused connection the server had closed, or a {@code 417} to {@code Expect: 100-continue}),
 * the request goes again on a fresh connection. That ends: only a reused connection is found
 * stale, and every later attempt takes a fresh one; a 417 is answered by dropping the
 * expectation that caused it.
 *
 * <p><b>Time limits</b> of getting a connection ({@link ClientTimeout}): the wait for a pool slot
 * is bounded by {@code poolAcquire}, {@code connect} (which also covers opening the connection)
 * and what is left of {@code total}, and the TCP connect by {@code sockConnect}, {@code connect}
 * and {@code total}; whichever binds names the {@link ClientTimeoutException.Kind}.
 *
 * <p>Immutable; shared by the session's requests.
 */
final class ExchangeLink implements Link {

    /** How many times a request goes out on HTTP/2 connections that refuse it (GOAWAY, REFUSED_STREAM). */
    private static final int MAX_H2_ATTEMPTS = 5;
    /** How long a new HTTP/2 connection's first request waits for the server's SETTINGS, without a connect limit. */
    private static final Duration SETTINGS_WAIT = Duration.ofSeconds(10);

    private final ConnectionPool pool;
    private final Connector connector;
    private final ExchangeSettings settings;
    private final Http2Connections h2;
    private final Http2Mode sessionMode;

    /** Whether a request may go over HTTP/2, and how it is negotiated. */
    enum Http2Mode {
        /** HTTP/1.1 only. */
        OFF,
        /** ALPN {@code h2, http/1.1} over TLS; HTTP/1.1 in clear text. */
        ALPN,
        /** ALPN over TLS, and h2c with prior knowledge in clear text. */
        PRIOR_KNOWLEDGE
    }

    /**
     * @param pool      where connections come from and go back to
     * @param connector what opens new ones
     * @param settings  what the exchanges share
     * @param h2        the session's shared HTTP/2 connections
     * @param mode      the session's HTTP/2 setting (a request may override it)
     */
    ExchangeLink(ConnectionPool pool, Connector connector, ExchangeSettings settings, Http2Connections h2,
            Http2Mode mode) {
        this.pool = pool;
        this.connector = connector;
        this.settings = settings;
        this.h2 = h2;
        this.sessionMode = mode;
    }

    @Override
    public ClientResponse intercept(Chain chain) throws IOException {
        HopRequest request = chain.request();
        Call call = chain.call();
        Route route = Route.of(request.url(), request.proxy());
        Http2Mode mode = mode(call, route);
        int h2Attempts = 0;
        for (int attempt = 0;; attempt++) {
            Exchange exchange = mode == Http2Mode.OFF ? exchangeFor(acquire(route, attempt > 0, call, false), false)
                    : http2Exchange(route, attempt > 0, call, mode);
            if (exchange instanceof Http2Exchange && ++h2Attempts > MAX_H2_ATTEMPTS) {
                throw new ClientException("HTTP/2 connections to " + route.key() + " refused " + request.method()
                        + " " + request.url() + " " + MAX_H2_ATTEMPTS + " times");
            }
            switch (exchange.send(request, call)) {
                case Exchange.Outcome.Answered(ClientResponse response) -> {
                    return response;
                }
                case Exchange.Outcome.SendAgain(HopRequest again) -> request = again;
            }
        }
    }

    /**
     * Opens a connection for {@code request}'s route and leaves it idle in the pool, for a request
     * that will follow; nothing when the route would go over HTTP/2 (one connection carries every
     * request there, and the first request opens it).
     *
     * @return true if a connection was opened
     */
    boolean preconnect(HopRequest request, Call call) throws IOException {
        Route route = Route.of(request.url(), request.proxy());
        if (mode(call, route) != Http2Mode.OFF) {
            return false;
        }
        PooledConnection c = acquire(route, true, call, false);
        pool.release(c, true);
        return true;
    }

    /** The request's HTTP/2 mode: its own, else the session's; HTTP/1.1 through a forward proxy. */
    private Http2Mode mode(Call call, Route route) {
        Boolean own = call.request().http2();
        Http2Mode mode = own == null ? sessionMode : own ? (sessionMode == Http2Mode.OFF ? Http2Mode.ALPN : sessionMode)
                : Http2Mode.OFF;
        if (route.forwardProxy() || (mode == Http2Mode.ALPN && !route.key().secure())) {
            return Http2Mode.OFF;
        }
        return mode;
    }

    /**
     * The exchange for a request on {@code c}, by the connection's protocol: HTTP/2 when ALPN
     * agreed on {@code h2} or, for a fresh clear-text connection, by prior knowledge; else
     * HTTP/1.1.
     */
    private Exchange exchangeFor(PooledConnection c, boolean priorKnowledge) throws IOException {
        boolean speaksH2 = "h2".equals(c.connection() == null ? null : c.connection().alpnProtocol())
                || (priorKnowledge && !c.origin().secure() && !c.reused());
        if (speaksH2) {
            return new Http2Exchange(h2.register(c), settings);
        }
        return new Http1Exchange(c, pool, settings);
    }

    /**
     * A request that may go over HTTP/2: a stream of a shared connection to its origin if one has
     * room, else (one opener at a time per origin) a new connection offering {@code h2}, which may
     * turn out HTTP/1.1 (see {@link Http2Connections}).
     */
    private Exchange http2Exchange(Route route, boolean fresh, Call call, Http2Mode mode) throws IOException {
        Origin origin = route.key();
        boolean priorKnowledge = mode == Http2Mode.PRIOR_KNOWLEDGE && !origin.secure();
        while (true) {
            Http2Connections.Shared s = h2.usable(origin);
            if (s != null) {
                settings.trace().connectionReused(origin);
                return new Http2Exchange(s, settings);
            }
            if (!priorKnowledge && h2.knownHttp1(origin)) {
                return exchangeFor(acquire(route, fresh, call, true), false);
            }
            Future<Void> other = h2.opening(origin);
            if (other != null) {
                awaitOpening(other, call);
                continue;
            }
            Http2Connections.Shared busy = h2.leastLoaded(origin);
            if (busy != null && !pool.hasRoomFor(origin)) {
                // every connection is out of streams and no further one may be opened: wait for a stream
                settings.trace().connectionReused(origin);
                return new Http2Exchange(busy, settings);
            }
            Future<Void> mine = h2.startOpening(origin);
            try {
                // fresh: an idle HTTP/1.1 connection (opened without offering h2) would not tell
                PooledConnection c = acquire(route, true, call, true);
                Exchange e = exchangeFor(c, priorKnowledge);
                if (e instanceof Http1Exchange && !c.reused()) {
                    h2.markHttp1(origin);
                }
                if (e instanceof Http2Exchange x) {
                    // the requests waiting for this connection see the server's real stream limit, not
                    // the 100 assumed until its SETTINGS come (one round trip): no needless second connection
                    ClientTimeout t = call.timeout();
                    x.awaitServerSettings(call.deadline().cap(t.connect() != null ? t.connect() : SETTINGS_WAIT));
                }
                return e;
            } finally {
                h2.doneOpening(origin, mine);
            }
        }
    }

    /** Waits (within the connect limits) for another request's connection to the same origin to open. */
    private void awaitOpening(Future<Void> opening, Call call) throws IOException {
        ClientTimeout t = call.timeout();
        Deadline connectDl = Deadline.after(t.connect());
        Duration wait = connectDl.cap(t.poolAcquire());
        ClientTimeoutException.Kind kind = connectDl.binds(t.poolAcquire()) ? ClientTimeoutException.Kind.CONNECT
                : ClientTimeoutException.Kind.POOL_ACQUIRE;
        if (call.deadline().binds(wait)) {
            wait = call.deadline().remaining();
            kind = ClientTimeoutException.Kind.TOTAL;
        }
        try {
            if (wait == null) {
                opening.await();
            } else {
                opening.await(wait);
            }
        } catch (dev.weft.TimeoutException e) {
            throw new ClientTimeoutException(kind, "no connection to the server within " + wait);
        }
    }

    /**
     * A connection for {@code route}: an idle one of the pool (unless {@code fresh}), or a new one
     * ({@code offerH2}: offering {@code h2} by ALPN over TLS).
     */
    private PooledConnection acquire(Route route, boolean fresh, Call call, boolean offerH2) throws IOException {
        ClientTimeout t = call.timeout();
        Deadline dl = call.deadline();
        Deadline connectDl = Deadline.after(t.connect());
        Duration wait = t.poolAcquire();
        ClientTimeoutException.Kind waitKind = ClientTimeoutException.Kind.POOL_ACQUIRE;
        if (connectDl.binds(wait)) {
            wait = connectDl.remaining();
            waitKind = ClientTimeoutException.Kind.CONNECT;
        }
        if (dl.binds(wait)) {
            wait = dl.remaining();
            waitKind = ClientTimeoutException.Kind.TOTAL;
        }
        try {
            return pool.acquire(route.key(), fresh, wait, origin -> {
                Duration tcp = t.sockConnect();
                ClientTimeoutException.Kind kind = ClientTimeoutException.Kind.SOCK_CONNECT;
                if (connectDl.binds(tcp)) {
                    tcp = connectDl.remaining();
                    kind = ClientTimeoutException.Kind.CONNECT;
                }
                if (dl.binds(tcp)) {
                    tcp = dl.remaining();
                    kind = ClientTimeoutException.Kind.TOTAL;
                }
                return connector.open(origin, tcp, kind, route.proxyAuthorization(), settings.trace(), offerH2);
            }, settings.trace());
        } catch (ClientTimeoutException e) {
            if (e.kind() == ClientTimeoutException.Kind.POOL_ACQUIRE && waitKind != e.kind()) {
                throw new ClientTimeoutException(waitKind, e.getMessage());
            }
            throw e;
        }
    }
}
