package dev.weft.http.server;

import dev.weft.LoopGroup;
import dev.weft.http.HttpLimits;
import dev.weft.internal.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of an {@link HttpServer}; immutable, wither style.
 *
 * <pre>{@code
 * HttpServerOptions o = HttpServerOptions.defaults()
 *         .limits(HttpLimits.defaults().maxBodyBytes(50L << 20))
 *         .headerTimeout(Duration.ofSeconds(5))
 *         .loops(LoopGroup.perCore());
 * }</pre>
 *
 * <ul>
 * <li>{@code limits}: request line (414), header section and field count (431), body (413).</li>
 * <li>{@code headerTimeout} (10 s): the slowloris defence. On a new connection the whole first
 *     request head must arrive within it of the accept; on a kept connection, within it of the
 *     first byte of the head (or of the end of the previous exchange, for a pipelined head that
 *     is already there). The connection is closed when it passes.</li>
 * <li>{@code keepAliveTimeout} (15 s): how long a kept connection may stay idle — from the end
 *     of a response until the first byte of the next request — before it is closed. It no longer
 *     applies once that byte arrived.</li>
 * <li>{@code bodyTimeout} (30 s): the longest a single wait for request body bytes may take,
 *     and the time a body has before {@code bodyMinRate} starts to count.</li>
 * <li>{@code bodyMinRate} (500 bytes/s): the slowest a request body may arrive, on average,
 *     as Apache's {@code mod_reqtimeout} ({@code body=20,MinRate=500}): the whole body must be in
 *     by {@code bodyTimeout} plus one second for every {@code bodyMinRate} bytes received, so a
 *     client trickling a byte now and then cannot hold a connection forever. Past it the request
 *     gets {@code 408} and the connection is closed (over HTTP/2: the stream is reset). 0: no
 *     minimum (only {@code bodyTimeout} per wait).</li>
 * <li>{@code writeTimeout} (30 s): the longest a response may wait for a peer that does not read.</li>
 * <li>{@code maxConnections} (10,000): connections served at once; the rest wait in the backlog.</li>
 * <li>{@code loops} (none): a {@link LoopGroup} whose loops serve the connections round robin
 *     (multi-core); none: the loop that started the server.</li>
 * <li>{@code serverHeader} ("Weft"): the {@code Server} header; null: none.</li>
 * <li>{@code maxDiscardBytes} (256 KiB): how much of a body the handler did not read is read
 *     and dropped to keep the connection; a longer one closes the connection instead.</li>
 * <li>{@code http2} (on): HTTP/2 on the same port as HTTP/1.1, for the same handler: over TLS when
 *     the client picks {@code h2} by ALPN (the server offers {@code h2, http/1.1} unless its
 *     {@code TlsOptions} list protocols of their own), in clear text when a connection opens with
 *     the HTTP/2 preface (h2c with prior knowledge). Off: HTTP/1.1 only (a preface gets 505).</li>
 * </ul>
 */
public final class HttpServerOptions {

    private static final HttpServerOptions DEFAULTS = new HttpServerOptions(HttpLimits.defaults(),
            Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofSeconds(30), 10_000,
            null, "Weft", 256 * 1024, 4096, 500);

    private final HttpLimits limits;
    private final Duration headerTimeout;
    private final Duration keepAliveTimeout;
    private final Duration bodyTimeout;
    private final Duration writeTimeout;
    private final int maxConnections;
    private final LoopGroup loops;
    private final String serverHeader;
    private final long maxDiscardBytes;
    private final int backlog;
    private final long bodyMinRate;
    /** TLS for https, or null; set only on a fresh copy inside this class, so effectively final. */
    private dev.weft.net.TlsOptions tls;
    /** HTTP/2 served too; set only on a fresh copy inside this class, so effectively final. */
    private boolean http2 = true;

    private HttpServerOptions(HttpLimits limits, Duration headerTimeout, Duration keepAliveTimeout,
            Duration bodyTimeout, Duration writeTimeout, int maxConnections, LoopGroup loops, String serverHeader,
            long maxDiscardBytes, int backlog, long bodyMinRate) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.headerTimeout = positive(headerTimeout, "headerTimeout");
        this.keepAliveTimeout = positive(keepAliveTimeout, "keepAliveTimeout");
        this.bodyTimeout = positive(bodyTimeout, "bodyTimeout");
        this.writeTimeout = positive(writeTimeout, "writeTimeout");
        if (maxConnections <= 0 || maxDiscardBytes < 0 || backlog <= 0 || bodyMinRate < 0) {
            throw new IllegalArgumentException("maxConnections and backlog must be positive, maxDiscardBytes and"
                    + " bodyMinRate >= 0");
        }
        this.bodyMinRate = bodyMinRate;
        this.maxConnections = maxConnections;
        this.loops = loops;
        this.serverHeader = serverHeader;
        this.maxDiscardBytes = maxDiscardBytes;
        this.backlog = backlog;
    }

    private static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + Durations.format(d));
        }
        return d;
    }

    /** {@return the defaults listed above} */
    public static HttpServerOptions defaults() {
        return DEFAULTS;
    }

    private HttpServerOptions with(HttpLimits l, Duration ht, Duration kt, Duration bt, Duration wt, int mc,
            LoopGroup lg, String sh, long md, int bl) {
        return with(l, ht, kt, bt, wt, mc, lg, sh, md, bl, bodyMinRate);
    }

    private HttpServerOptions with(HttpLimits l, Duration ht, Duration kt, Duration bt, Duration wt, int mc,
            LoopGroup lg, String sh, long md, int bl, long mr) {
        HttpServerOptions o = new HttpServerOptions(l, ht, kt, bt, wt, mc, lg, sh, md, bl, mr);
        o.tls = tls;
        o.http2 = http2;
        return o;
    }

    /** {@return true if HTTP/2 is served too (ALPN {@code h2} over TLS, h2c with prior knowledge)} */
    public boolean http2() {
        return http2;
    }

    /**
     * Serves HTTP/2 beside HTTP/1.1 on the same port (on by default), or HTTP/1.1 only.
     *
     * @param on true to serve HTTP/2 too
     * @return the new options
     */
    public HttpServerOptions http2(boolean on) {
        HttpServerOptions o = with(limits, headerTimeout, keepAliveTimeout, bodyTimeout, writeTimeout, maxConnections,
                loops, serverHeader, maxDiscardBytes, backlog);
        o.http2 = on;
        return o;
    }

    /** {@return TLS settings when serving https, or null for plain http} */
    public dev.weft.net.TlsOptions tls() {
        return tls;
    }

    /**
     * Serves https with {@code options} ({@code TlsOptions.server(certPem, keyPem)}); null for
     * plain http. The handshake runs in each connection's task before the first request.
     *
     * @param options the options
     * @return this HTTP server options
     */
    public HttpServerOptions tls(dev.weft.net.TlsOptions options) {
        HttpServerOptions o = with(limits, headerTimeout, keepAliveTimeout, bodyTimeout, writeTimeout, maxConnections,
                loops, serverHeader, maxDiscardBytes, backlog);
        o.tls = options;
        return o;
    }

    /** {@return the parsing limits} */
    public HttpLimits limits() {
        return limits;
    }

    /**
     * With other parsing limits.
     *
     * @param l the limits
     * @return this HTTP server options
     */
    public HttpServerOptions limits(HttpLimits l) {
        return with(l, headerTimeout, keepAliveTimeout, bodyTimeout, writeTimeout, maxConnections, loops,
                serverHeader, maxDiscardBytes, backlog);
    }

    /** {@return the time a whole request head may take to arrive (from the accept, or from its first byte on a kept connection)} */
    public Duration headerTimeout() {
        return headerTimeout;
    }

    /**
     * With another head timeout.
     *
     * @param d the duration
     * @return this HTTP server options
     */
    public HttpServerOptions headerTimeout(Duration d) {
        return with(limits, d, keepAliveTimeout, bodyTimeout, writeTimeout, maxConnections, loops, serverHeader,
                maxDiscardBytes, backlog);
    }

    /** {@return how long a kept connection may wait for the first byte of its next request} */
    public Duration keepAliveTimeout() {
        return keepAliveTimeout;
    }

    /**
     * With another keep-alive timeout.
     *
     * @param d the duration
     * @return this HTTP server options
     */
    public HttpServerOptions keepAliveTimeout(Duration d) {
        return with(limits, headerTimeout, d, bodyTimeout, writeTimeout, maxConnections, loops, serverHeader,
                maxDiscardBytes, backlog);
    }

    /** {@return the longest wait for the next bytes of a request body} */
    public Duration bodyTimeout() {
        return bodyTimeout;
    }

    /**
     * With another body timeout.
     *
     * @param d the duration
     * @return this HTTP server options
     */
    public HttpServerOptions bodyTimeout(Duration d) {
        return with(limits, headerTimeout, keepAliveTimeout, d, writeTimeout, maxConnections, loops, serverHeader,
                maxDiscardBytes, backlog);
    }

    /** {@return the slowest average rate a request body may arrive at, in bytes per second (0: none)} */
    public long bodyMinRate() {
        return bodyMinRate;
    }

    /**
     * With another minimum body rate in bytes per second (0: none); see the class comment.
     *
     * @param bytesPerSecond the slowest average rate accepted after {@code bodyTimeout}
     * @return the new options
     */
    public HttpServerOptions bodyMinRate(long bytesPerSecond) {
        return with(limits, headerTimeout, keepAliveTimeout, bodyTimeout, writeTimeout, maxConnections, loops,
                serverHeader, maxDiscardBytes, backlog, bytesPerSecond);
    }

    /** {@return the longest a response write may wait for the peer to read} */
    public Duration writeTimeout() {
        return writeTimeout;
    }

    /**
     * With another write timeout.
     *
     * @param d the duration
     * @return the HTTP server options
     */
    public HttpServerOptions writeTimeout(Duration d) {
        return with(limits, headerTimeout, keepAliveTimeout, bodyTimeout, d, maxConnections, loops, serverHeader,
                maxDiscardBytes, backlog);
    }

    /** {@return the cap on connections served at once} */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * With another connection cap.
     *
     * @param n the number
     * @return the HTTP server options
     */
    public HttpServerOptions maxConnections(int n) {
        return with(limits, headerTimeout, keepAliveTimeout, bodyTimeout, writeTimeout, n, loops, serverHeader,
                maxDiscardBytes, backlog);
    }

    /** {@return the loops that serve connections, or null for the starting loop} */
    public LoopGroup loops() {
        return loops;
    }

    /**
     * With a loop group serving the connections (one loop per core: {@link LoopGroup#perCore()}).
     *
     * @param group the group
     * @return the HTTP server options
     */
    public HttpServerOptions loops(LoopGroup group) {
        return with(limits, headerTimeout, keepAliveTimeout, bodyTimeout, writeTimeout, maxConnections, group,
                serverHeader, maxDiscardBytes, backlog);
    }

    /** {@return the {@code Server} header value, or null} */
    public String serverHeader() {
        return serverHeader;
    }

    /**
     * With another {@code Server} header (null: none).
     *
     * @param value the value
     * @return the HTTP server options
     */
    public HttpServerOptions serverHeader(String value) {
        return with(limits, headerTimeout, keepAliveTimeout, bodyTimeout, writeTimeout, maxConnections, loops, value,
                maxDiscardBytes, backlog);
    }

    /** {@return the most unread body bytes dropped to keep a connection} */
    public long maxDiscardBytes() {
        return maxDiscardBytes;
    }

    /**
     * With another bound on discarded body bytes.
     *
     * @param n the number
     * @return the HTTP server options
     */
    public HttpServerOptions maxDiscardBytes(long n) {
        return with(limits, headerTimeout, keepAliveTimeout, bodyTimeout, writeTimeout, maxConnections, loops,
                serverHeader, n, backlog);
    }

    /** {@return the most connections waiting to be accepteden backlog} */
    public int backlog() {
        return backlog;
    }

    /**
     * With another listen backlog.
     *
     * @param n the number
     * @return the HTTP server options
     */
    public HttpServerOptions backlog(int n) {
        return with(limits, headerTimeout, keepAliveTimeout, bodyTimeout, writeTimeout, maxConnections, loops,
                serverHeader, maxDiscardBytes, n);
    }
}
