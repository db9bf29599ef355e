package dev.weft.http.client;

import java.io.IOException;
import java.time.Duration;

/**
 * The last {@link Link}: gets a connection for the request and has the {@link Exchange} of the
 * connection's protocol send it. When the exchange asks for it ({@link Exchange.Outcome.SendAgain}:
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

    private final ConnectionPool pool;
    private final Connector connector;
    private final ExchangeSettings settings;

    /**
     * @param pool      where connections come from and go back to
     * @param connector what opens new ones
     * @param settings  what the exchanges share
     */
    ExchangeLink(ConnectionPool pool, Connector connector, ExchangeSettings settings) {
        this.pool = pool;
        this.connector = connector;
        this.settings = settings;
    }

    @Override
    public ClientResponse intercept(Chain chain) throws IOException {
        HopRequest request = chain.request();
        Call call = chain.call();
        Route route = Route.of(request.url(), request.proxy());
        for (int attempt = 0;; attempt++) {
            PooledConnection c = acquire(route, attempt > 0, call);
            switch (exchangeFor(c).send(request, call)) {
                case Exchange.Outcome.Answered(ClientResponse response) -> {
                    return response;
                }
                case Exchange.Outcome.SendAgain(HopRequest again) -> request = again;
            }
        }
    }

    /**
     * The exchange for a request on {@code c}, by the connection's protocol: where HTTP/2 plugs
     * in. Today every connection speaks HTTP/1.1.
     */
    Exchange exchangeFor(PooledConnection c) {
        return new Http1Exchange(c, pool, settings);
    }

    /** A connection for {@code route}: an idle one of the pool (unless {@code fresh}), or a new one. */
    private PooledConnection acquire(Route route, boolean fresh, Call call) throws IOException {
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
                return connector.open(origin, tcp, kind, route.proxyAuthorization(), settings.trace());
            }, settings.trace());
        } catch (ClientTimeoutException e) {
            if (e.kind() == ClientTimeoutException.Kind.POOL_ACQUIRE && waitKind != e.kind()) {
                throw new ClientTimeoutException(waitKind, e.getMessage());
            }
            throw e;
        }
    }
}
