package dev.weft.http.client;

import dev.weft.http.Headers;
import dev.weft.http.codec.BodyFraming;
import dev.weft.http.codec.BodyReader;
import dev.weft.http.codec.Http1Parser;
import dev.weft.http.codec.Http1Writer;
import dev.weft.http.HttpLimits;
import dev.weft.http.codec.ResponseHead;
import dev.weft.internal.Durations;
import dev.weft.internal.Loggers;
import dev.weft.net.ConnectOptions;
import dev.weft.net.Connection;
import dev.weft.net.Resolver;
import dev.weft.net.Streams;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;

/**
 * Opens the connections of a session: TCP to the server or to the proxy, TLS to the proxy if it
 * is an https proxy, a {@code CONNECT} tunnel through the proxy for https, then TLS for https
 * (inside the proxy's TLS, for https through an https proxy). The one place where transport
 * security plugs in ({@link #secure}); every pooled connection is made here.
 *
 * <p>Stateless apart from its settings; call from a task of the session's loop.
 */
final class Connector {

    private static final Logger LOG = Loggers.get(Connector.class);

    private final Resolver resolver;
    private final boolean insecure;
    private final HttpLimits limits;
    private final TlsUpgrade tls;
    private final TlsUpgrade tlsH2;

    /** Turns a connected stream into a TLS one (the seam where TLS plugs in; tests fake it). */
    @FunctionalInterface
    interface TlsUpgrade {
        Connection secure(Connection plain, Origin origin, boolean insecure) throws IOException;
    }

    /**
     * @param tls   the TLS step offering ALPN {@code http/1.1}
     * @param tlsH2 the TLS step offering ALPN {@code h2, http/1.1}
     */
    Connector(Resolver resolver, boolean insecure, HttpLimits limits, TlsUpgrade tls, TlsUpgrade tlsH2) {
        this.resolver = resolver;
        this.insecure = insecure;
        this.limits = limits;
        this.tls = tls;
        this.tlsH2 = tlsH2;
    }

    /**
     * A new connection for {@code origin}.
     *
     * @param connectTimeout the TCP connect limit, or null
     * @param kind           which limit {@code connectTimeout} comes from (for the exception)
     * @param proxyAuth      the Proxy-Authorization value, or null
     * @param offerH2        whether TLS to the origin offers {@code h2} by ALPN (besides {@code http/1.1})
     */
    PooledConnection open(Origin origin, Duration connectTimeout, ClientTimeoutException.Kind kind, String proxyAuth,
            TraceListener trace, boolean offerH2) throws IOException {
        Origin hop = origin.proxy() != null ? origin.proxy() : origin;
        Resolver traced = host -> {
            trace.dnsResolveStart(host);
            List<InetAddress> addresses = resolver.resolve(host);
            trace.dnsResolveEnd(host, addresses);
            return addresses;
        };
        ConnectOptions options = ConnectOptions.defaults().resolver(traced).connectTimeout(connectTimeout);
        Connection c;
        try {
            c = Streams.openConnection(hop.host(), hop.port(), options);
        } catch (SocketTimeoutException e) {
            throw new ClientTimeoutException(kind, "connecting to " + hop.authority() + " took longer than "
                    + Durations.format(connectTimeout));
        } catch (ConnectException | UnknownHostException | NoRouteToHostException e) {
            throw new ClientConnectionException(hop.host(), hop.port(), e);
        }
        LOG.debug("connected to {}", origin);
        try {
            if (origin.proxy() != null && origin.proxy().secure()) {
                c = secure(c, origin.proxy(), trace, false); // an https proxy: TLS to the proxy first
            }
            if (origin.proxy() != null && origin.secure()) {
                tunnel(c, origin, proxyAuth); // then, for https, TLS to the origin inside it
            }
            if (origin.secure()) {
                c = secure(c, origin, trace, offerH2);
            }
        } catch (IOException | RuntimeException e) {
            c.writer().abort();
            throw e;
        }
        return new PooledConnection(origin, c, null);
    }

    /** Asks the proxy for a tunnel to {@code origin} (RFC 9110 section 9.3.6). */
    private void tunnel(Connection c, Origin origin, String proxyAuth) throws IOException {
        Headers h = new Headers().add("Host", origin.authority());
        if (proxyAuth != null) {
            h.add("Proxy-Authorization", proxyAuth);
        }
        c.writer().write(Http1Writer.requestHead("CONNECT", origin.authority(), h));
        c.writer().drain();
        ResponseHead head = Http1Parser.readResponseHead(c.reader(), limits);
        if (head.status() / 100 != 2) {
            // Read what the proxy said, for the message, then give up on this connection.
            BodyReader.of(c.reader(), BodyFraming.ofResponse("GET", head), limits, 4096).discard();
            throw new ClientException("the proxy refused to open a tunnel to " + origin.authority() + ": "
                    + head.status() + " " + head.reason());
        }
    }

    /**
     * Wraps a connection in TLS for {@code origin} (certificate and host name verified unless
     * the session is insecure).
     */
    private Connection secure(Connection c, Origin origin, TraceListener trace, boolean offerH2) throws IOException {
        Connection secured = (offerH2 ? tlsH2 : tls).secure(c, origin, insecure);
        trace.tlsHandshakeEnd(origin, secured.tlsSession());
        return secured;
    }

    /**
     * The real TLS step: {@link dev.weft.net.Streams#startTls} with {@code options} (or, for an
     * insecure session, with verification off), offering {@code alpn} (e.g. {@code http/1.1},
     * or {@code h2, http/1.1}), SNI and host name checked against the origin's host.
     */
    static TlsUpgrade streamsTls(dev.weft.net.TlsOptions options, String... alpn) {
        dev.weft.net.TlsOptions checked = options.alpn(alpn);
        dev.weft.net.TlsOptions unchecked = dev.weft.net.TlsOptions.insecure().alpn(alpn);
        return (plain, origin, insecure) ->
                dev.weft.net.Streams.startTls(plain, insecure ? unchecked : checked, origin.host());
    }
}
