package dev.weft.http.client;

import dev.weft.EventLoop;
import dev.weft.TaskFailedException;
import dev.weft.Weft;
import dev.weft.http.Headers;
import dev.weft.http.HttpLimits;
import dev.weft.http.HttpProtocolException;
import dev.weft.internal.Durations;
import dev.weft.net.Resolver;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An HTTP client session (aiohttp's {@code ClientSession}; HTTP/1.1, and HTTP/2 with
 * {@link Builder#http2(boolean)}): a pool of keep-alive
 * connections, default headers, a cookie jar, time limits and redirect rules shared by every
 * request made through it. Make one per application (or per loop) and close it at the end.
 *
 * <pre>{@code
 * Weft.run(() -> {
 *     try (ClientSession session = ClientSession.create()) {                  // async with aiohttp.ClientSession() as session:
 *         try (ClientResponse r = session.post("http://httpbin.org/post",      //   async with session.post(url, data=data) as r:
 *                 Body.form(Map.of("name", "germey", "age", 25)))) {
 *             System.out.println(r.status() + " " + r.text());                 //     r.status, await r.text()
 *         }
 *     }
 * });
 * }</pre>
 *
 * <p><b>Loop.</b> Connections belong to an event loop, so a session belongs to the loop of
 * the task that uses it first; using it from another loop throws
 * {@link IllegalStateException}. From plain threads, use {@link BlockingClient}.
 *
 * <p><b>What a request does:</b> take a pool slot (waiting within the limits), reuse an idle
 * connection or open one (TCP, tunnel, TLS: {@link Connector}), write the head and the body
 * ({@code Content-Length}, or chunked for a stream; with {@code Expect: 100-continue}, the body
 * only once the server asks for it or {@link Builder#expectContinueTimeout(Duration)} passed),
 * read the head (skipping interim 1xx answers), store cookies, follow
 * redirects, and return the response with its body still unread. An idempotent request that
 * fails because a reused connection turned out closed by the server is sent once more on a new
 * connection; anything else is not retried (see {@link Retry}).
 *
 * <p><b>Inside,</b> a request runs through a chain of package-private links, one concern each
 * (OkHttp's interceptors): redirects, then the headers that go out, then the exchange on a
 * connection, by the connection's protocol (the diagram is on the {@code Link} interface).
 *
 * <p>Thread-safe to share between the tasks of its loop.
 */
public final class ClientSession implements HttpMethods, AutoCloseable {

    /** The User-Agent sent when none is given. */
    public static final String USER_AGENT = "weft-http/0.1";

    /** The default of {@link Builder#maxBodySize(long)}: 64 MiB. */
    public static final long DEFAULT_MAX_BODY_SIZE = 64L << 20;

    // Immutable after construction.
    private final ConnectionPool pool;
    private final Http2Connections h2;
    private final ClientTimeout timeout;
    private final CookieJar cookieJar;
    private final Auth auth;
    private final URI proxy;
    private final Tracer trace;
    private final boolean raiseForStatus;
    /** What a request goes through, in order (see {@link Link}): one concern each, the exchange last. */
    private final List<Link> links;

    private final Object loopGuard = new Object();
    private EventLoop loop; // guarded by loopGuard
    private volatile boolean closed;

    private ClientSession(Builder b) {
        this.pool = new ConnectionPool(b.limit, b.limitPerHost, b.keepAlive);
        this.timeout = b.timeout;
        this.cookieJar = b.cookieJar;
        this.auth = b.auth;
        this.proxy = b.proxy;
        this.trace = new Tracer(b.listeners);
        this.raiseForStatus = b.raiseForStatus;
        Connector connector = new Connector(b.resolver, b.insecure, b.limits,
                b.tls != null ? b.tls : Connector.streamsTls(b.tlsOptions, "http/1.1"),
                b.tls != null ? b.tls : Connector.streamsTls(b.tlsOptions, "h2", "http/1.1"));
        this.h2 = new Http2Connections(pool, b.keepAlive);
        ExchangeSettings exchanges = new ExchangeSettings(b.limits, b.expectContinueTimeout, b.autoDecompress,
                b.decompressionLimits, b.maxBodySize, trace);
        this.links = List.of(
                new RedirectLink(b.maxRedirects, b.allowInsecureRedirects, trace),
                new HeaderLink(b.headers.copy(), b.autoDecompress, cookieJar),
                new ExchangeLink(pool, connector, exchanges, h2, b.http2PriorKnowledge
                        ? ExchangeLink.Http2Mode.PRIOR_KNOWLEDGE : b.http2 ? ExchangeLink.Http2Mode.ALPN
                        : ExchangeLink.Http2Mode.OFF));
    }

    /** {@return a session with every default (aiohttp's {@code ClientSession()})} */
    public static ClientSession create() {
        return builder().build();
    }

    /** {@return a builder of sessions} */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ the request

    /**
     * Sends {@code req}, following redirects, and returns the response with its body unread.
     * Call from a task of the session's loop.
     *
     * @throws ClientTimeoutException      a limit of the {@link ClientTimeout} expired
     * @throws ClientConnectionException   the server (or proxy) could not be reached
     * @throws ServerDisconnectedException the server closed the connection before answering
     * @throws TooManyRedirectsException   more redirects than allowed
     * @throws InsecureRedirectException   a redirect from https to http, not allowed
     * @throws ClientResponseException     a status of 400 or more, if the session raises for status
     * @throws HttpProtocolException       a malformed response
     */
    @Override
    public ClientResponse request(ClientRequest req) throws IOException {
        checkLoop();
        ClientTimeout t = req.timeout() != null ? req.timeout() : timeout;
        Deadline dl = Deadline.after(t.total());
        trace.requestStart(req.method(), req.url(), req.headers());
        Call call = new Call(req, t, dl);
        try {
            ClientResponse r;
            if (dl.bounded()) {
                try {
                    r = Weft.withTimeout(t.total(), () -> send(call));
                } catch (dev.weft.TimeoutException e) {
                    throw new ClientTimeoutException(ClientTimeoutException.Kind.TOTAL, "the request to " + req.url()
                            + " took longer than " + Durations.format(t.total()));
                } catch (TaskFailedException e) {
                    throw e.rethrowIoCause();
                }
            } else {
                r = send(call);
            }
            trace.requestEnd(r.method(), r.url(), r.status());
            if (raiseForStatus) {
                r.raiseForStatus();
            }
            return r;
        } catch (IOException | RuntimeException e) {
            trace.requestException(req.method(), req.url(), e);
            throw e;
        }
    }

    /**
     * Opens one connection to the origin of {@code url} and leaves it idle in the pool, so that a
     * request that follows finds it open: a crawler opens a host's connections while it waits for
     * the host's {@code robots.txt}. Within the pool's limits and the session's connect time
     * limits, through the session's proxy. Nothing is opened when requests to that origin would go
     * over HTTP/2 (one connection carries them all, and the first request opens it). An idle
     * connection is closed after the keep-alive timeout like any other. Call from a task of the
     * session's loop; a task of its own per connection opens several at once.
     *
     * @param url an http or https URL of the origin (its path does not matter)
     * @return true if a connection was opened
     * @throws ClientTimeoutException    a connect limit of the session's {@link ClientTimeout} expired
     * @throws ClientConnectionException the server (or proxy) could not be reached
     * @throws IOException               another failure to connect (TLS, for one)
     */
    public boolean preconnect(String url) throws IOException {
        checkLoop();
        ClientRequest req = ClientRequest.builder("GET", url).build();
        Call call = new Call(req, timeout, Deadline.after(timeout.total()));
        ExchangeLink exchange = (ExchangeLink) links.getLast();
        return exchange.preconnect(HopRequest.first(req, auth, proxy), call);
    }

    /** Runs the call's first hop through the links. */
    private ClientResponse send(Call call) throws IOException {
        return LinkChain.run(links, HopRequest.first(call.request(), auth, proxy), call);
    }

    private void checkLoop() throws ClientException {
        if (closed) {
            throw new ClientException("the session is closed");
        }
        EventLoop current = EventLoop.current();
        if (current == null) {
            throw new IllegalStateException("a ClientSession is used from a task (see Weft.run); from plain threads"
                    + " use BlockingClient");
        }
        synchronized (loopGuard) {
            if (loop == null) {
                loop = current;
            } else if (loop != current) {
                throw new IllegalStateException("this ClientSession belongs to " + loop + ", not " + current
                        + ": use one session per loop, or BlockingClient");
            }
        }
    }

    // ------------------------------------------------------------------ accessors

    /** {@return the connection pool (for its counters)} */
    public ConnectionPool pool() {
        return pool;
    }

    /** {@return the cookie jar} */
    public CookieJar cookieJar() {
        return cookieJar;
    }

    /** {@return the session's time limits} */
    public ClientTimeout timeout() {
        return timeout;
    }

    /** {@return true once closed} */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the idle connections and refuses new requests; responses still open close their
     * connections when they are closed. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        h2.close();
        pool.close();
    }

    /**
     * HTTP/2 connections open now (each carries any number of requests at once).
     *
     * @return how many HTTP/2 connections are open
     */
    public int http2Connections() {
        return h2.size();
    }

    @Override
    public String toString() {
        return "ClientSession[" + pool + "]";
    }

    /**
     * Settings of a {@link ClientSession}; not thread-safe.
     *
     * <pre>{@code
     * ClientSession s = ClientSession.builder()
     *         .limit(100).limitPerHost(10)                                  // TCPConnector(limit=100, limit_per_host=10)
     *         .timeout(ClientTimeout.defaults().total(Duration.ofSeconds(4)))
     *         .defaultHeader("User-Agent", "my-crawler/1.0")
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private int limit = 100;
        private int limitPerHost;
        private Duration keepAlive = Duration.ofSeconds(15);
        private ClientTimeout timeout = ClientTimeout.defaults();
        private final Headers headers = new Headers();
        private CookieJar cookieJar = new CookieJar();
        private Auth auth;
        private URI proxy;
        private int maxRedirects = 10;
        private boolean allowInsecureRedirects;
        private boolean autoDecompress = true;
        private DecompressionLimits decompressionLimits = DecompressionLimits.defaults();
        private HttpLimits limits = HttpLimits.defaults().maxBodyBytes(Long.MAX_VALUE);
        private final List<TraceListener> listeners = new ArrayList<>();
        private boolean raiseForStatus;
        private Duration expectContinueTimeout = Duration.ofSeconds(1);
        private long maxBodySize = DEFAULT_MAX_BODY_SIZE;
        private boolean insecure;
        private Resolver resolver = Resolver.system();
        private Connector.TlsUpgrade tls;
        private dev.weft.net.TlsOptions tlsOptions = dev.weft.net.TlsOptions.client();
        private boolean http2;
        private boolean http2PriorKnowledge;

        Builder() {
        }

        /**
         * Offers HTTP/2 to https servers (httpx's {@code http2=True}; default off): TLS offers
         * {@code h2, http/1.1} by ALPN, and a server that picks {@code h2} gets every concurrent
         * request to its origin on one connection, as streams, up to its
         * {@code SETTINGS_MAX_CONCURRENT_STREAMS} (a further connection only past that, or once it
         * sent GOAWAY). A server that picks {@code http/1.1} is spoken to as without this. Plain
         * http stays HTTP/1.1 (see {@link #http2PriorKnowledge(boolean)}). A request may say
         * otherwise ({@link ClientRequest.Builder#http2(boolean)}); {@link ClientResponse#version()}
         * tells which was used.
         *
         * @param on true to turn it on
         * @return this builder
         */
        public Builder http2(boolean on) {
            this.http2 = on;
            return this;
        }

        /**
         * Speaks HTTP/2 to plain http servers too, without asking first (h2c with prior
         * knowledge: for servers known to speak it; an HTTP/1.1-only server fails such
         * requests), and offers it to https servers as {@link #http2(boolean)} does.
         *
         * @param on true to turn it on
         * @return this builder
         */
        public Builder http2PriorKnowledge(boolean on) {
            this.http2PriorKnowledge = on;
            return this;
        }

        /**
         * TLS settings for https: a private CA ({@code TlsOptions.client().trustPem(path)}), a
         * client certificate, protocols. Default {@code TlsOptions.client()}: the JDK's trust
         * store, host names checked. {@link #insecure(boolean)} overrides the checks.
         *
         * @param options the TLS settings
         * @return this builder
         */
        public Builder tls(dev.weft.net.TlsOptions options) {
            this.tlsOptions = Objects.requireNonNull(options);
            return this;
        }

        /** Replaces the TLS step (package-private: tests fake https with it). */
        Builder tlsUpgrade(Connector.TlsUpgrade upgrade) {
            this.tls = upgrade;
            return this;
        }

        /**
         * Most connections in use at once, all origins together (default 100; 0: no limit).
         *
         * @param n the most connections, or 0 for no limit
         * @return this builder
         */
        public Builder limit(int n) {
            this.limit = n;
            return this;
        }

        /**
         * Most connections in use at once to one origin (default 0: no limit).
         *
         * @param n the most connections per origin, or 0 for no limit
         * @return this builder
         */
        public Builder limitPerHost(int n) {
            this.limitPerHost = n;
            return this;
        }

        /**
         * How long an idle connection is kept for reuse (default 15 s).
         *
         * @param d how long an idle connection is kept
         * @return this builder
         */
        public Builder keepAliveTimeout(Duration d) {
            this.keepAlive = Objects.requireNonNull(d);
            return this;
        }

        /**
         * The time limits of every request (default {@link ClientTimeout#defaults()}).
         *
         * @param t the time limits
         * @return this builder
         */
        public Builder timeout(ClientTimeout t) {
            this.timeout = Objects.requireNonNull(t);
            return this;
        }

        /**
         * A header sent with every request (unless the request sets it).
         *
         * @param name the header's name
         * @param value its value
         * @return this builder
         */
        public Builder defaultHeader(String name, String value) {
            headers.add(name, value);
            return this;
        }

        /**
         * The cookie jar (default: a new {@link CookieJar}; {@link CookieJar#dummy()} keeps none).
         *
         * @param jar the cookie jar
         * @return this builder
         */
        public Builder cookieJar(CookieJar jar) {
            this.cookieJar = Objects.requireNonNull(jar);
            return this;
        }

        /**
         * Credentials for every request (dropped on redirects to another origin).
         *
         * @param a the credentials
         * @return this builder
         */
        public Builder auth(Auth a) {
            this.auth = a;
            return this;
        }

        /**
         * An HTTP proxy for every request, e.g. {@code http://user:pass@proxy:3128}.
         *
         * @param proxyUrl the proxy's URL, with credentials if it needs them
         * @return this builder
         */
        public Builder proxy(String proxyUrl) {
            this.proxy = proxyUrl == null ? null : ClientRequest.toUri(proxyUrl);
            return this;
        }

        /**
         * How many redirects to follow (default 10).
         *
         * @param n the most redirects followed
         * @return this builder
         */
        public Builder maxRedirects(int n) {
            this.maxRedirects = n;
            return this;
        }

        /**
         * Allows following redirects from https to http (default false: refused).
         *
         * @param allow true to follow redirects from https to http
         * @return this builder
         */
        public Builder allowInsecureRedirects(boolean allow) {
            this.allowInsecureRedirects = allow;
            return this;
        }

        /**
         * Whether to ask for and undo gzip, deflate and brotli (default true).
         *
         * @param on true to ask for compressed bodies and undo the compression
         * @return this builder
         */
        public Builder autoDecompress(boolean on) {
            this.autoDecompress = on;
            return this;
        }

        /**
         * Caps on decompressed bodies (default {@link DecompressionLimits#defaults()}).
         *
         * @param l the caps
         * @return this builder
         */
        public Builder decompressionLimits(DecompressionLimits l) {
            this.decompressionLimits = Objects.requireNonNull(l);
            return this;
        }

        /**
         * How long a request with {@code Expect: 100-continue} holds its body back waiting for
         * {@code 100 Continue} before sending it anyway (default 1 s, as curl; RFC 9110 section
         * 10.1.1 asks for a bounded wait, since servers and proxies that ignore the expectation
         * never answer it). Zero sends the body at once.
         *
         * @param d the longest wait for {@code 100 Continue}
         * @return this builder
         */
        public Builder expectContinueTimeout(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("expectContinueTimeout must not be negative: " + Durations.format(d));
            }
            this.expectContinueTimeout = d;
            return this;
        }

        /**
         * The most bytes of one body that {@link ClientResponse#bytes()}, {@code text()} and
         * {@code json()} keep in memory, counted after decompression (default 64 MiB). A larger body fails with {@link BodyTooLargeException},
         * before any of it is read when {@code Content-Length} already says so, and its
         * connection is closed. {@link ClientResponse#bodyStream()} is not capped (a decoded
         * stream still obeys {@link DecompressionLimits}). {@code Long.MAX_VALUE}: no limit but
         * the JVM's (about 2 GiB per array). See {@link ClientSession#DEFAULT_MAX_BODY_SIZE}.
         *
         * @param bytes the most bytes of one body kept in memory
         * @return this builder
         */
        public Builder maxBodySize(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxBodySize must not be negative: " + bytes);
            }
            this.maxBodySize = bytes;
            return this;
        }

        /**
         * Limits on response heads (default: the codec's, with no body limit).
         *
         * @param l the limits
         * @return this builder
         */
        public Builder httpLimits(HttpLimits l) {
            this.limits = Objects.requireNonNull(l);
            return this;
        }

        /**
         * Adds a trace listener.
         *
         * @param l the listener
         * @return this builder
         */
        public Builder trace(TraceListener l) {
            listeners.add(Objects.requireNonNull(l));
            return this;
        }

        /**
         * Makes every request throw {@link ClientResponseException} for a status of 400 or more.
         *
         * @param on true to throw for a status of 400 or more
         * @return this builder
         */
        public Builder raiseForStatus(boolean on) {
            this.raiseForStatus = on;
            return this;
        }

        /**
         * Turns off TLS certificate and host-name verification (aiohttp's {@code ssl=False}).
         * Only for tests and machines you control.
         *
         * @param on true to turn the checks off
         * @return this builder
         */
        public Builder insecure(boolean on) {
            this.insecure = on;
            return this;
        }

        /**
         * The resolver for host names (default {@link Resolver#system()}).
         *
         * @param r the resolver
         * @return this builder
         */
        public Builder resolver(Resolver r) {
            this.resolver = Objects.requireNonNull(r);
            return this;
        }

        /** {@return the session} */
        public ClientSession build() {
            return new ClientSession(this);
        }
    }
}
