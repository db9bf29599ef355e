package dev.weft.net;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Options of {@link Streams#openConnection(String, int, ConnectOptions)}; immutable, each
 * {@code with}-style method returns a changed copy.
 *
 * <pre>{@code
 * ConnectOptions opts = ConnectOptions.defaults().connectTimeout(Duration.ofSeconds(3));
 * }</pre>
 */
public final class ConnectOptions {

    private static final ConnectOptions DEFAULTS = new ConnectOptions(Duration.ofSeconds(30),
            Duration.ofMillis(250), Resolver.system(), null, StreamReader.DEFAULT_LIMIT, null);

    private final Duration connectTimeout;
    private final Duration happyEyeballsDelay;
    private final Resolver resolver;
    private final InetSocketAddress localAddress;
    private final int limit;
    private final TlsOptions tls;

    private ConnectOptions(Duration connectTimeout, Duration happyEyeballsDelay, Resolver resolver,
            InetSocketAddress localAddress, int limit, TlsOptions tls) {
        this.tls = tls;
        this.connectTimeout = connectTimeout;
        this.happyEyeballsDelay = happyEyeballsDelay;
        this.resolver = resolver;
        this.localAddress = localAddress;
        this.limit = limit;
    }

    /** {@return the defaults: connect timeout 30 s (name resolution included), happy-eyeballs delay 250 ms, the system resolver, limit 64 KiB, no TLS} */
    public static ConnectOptions defaults() {
        return DEFAULTS;
    }

    /** {@return the longest time from the call to a connected socket, name resolution included} */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * Sets the connect timeout (null: none).
     *
     * @param timeout the longest time to connect, or null for none
     * @return these options
     */
    public ConnectOptions connectTimeout(Duration timeout) {
        return new ConnectOptions(timeout, happyEyeballsDelay, resolver, localAddress, limit, tls);
    }

    /** {@return how long one address may try before the next one starts in parallel (RFC 8305)} */
    public Duration happyEyeballsDelay() {
        return happyEyeballsDelay;
    }

    /**
     * Sets the happy-eyeballs delay.
     *
     * @param delay how long to wait
     * @return this connect options
     */
    public ConnectOptions happyEyeballsDelay(Duration delay) {
        return new ConnectOptions(connectTimeout, Objects.requireNonNull(delay), resolver, localAddress, limit,
                tls);
    }

    /** {@return the resolver for host names} */
    public Resolver resolver() {
        return resolver;
    }

    /**
     * Sets the resolver for host names.
     *
     * @param resolver the resolver
     * @return this connect options
     */
    public ConnectOptions resolver(Resolver resolver) {
        return new ConnectOptions(connectTimeout, happyEyeballsDelay, Objects.requireNonNull(resolver), localAddress,
                limit, tls);
    }

    /** {@return the local address to bind before connecting, or null} */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /**
     * Binds the socket to {@code local} before connecting (a source address; port 0 for any).
     *
     * @param local the local address to bind, or null
     * @return this connect options
     */
    public ConnectOptions localAddress(InetSocketAddress local) {
        return new ConnectOptions(connectTimeout, happyEyeballsDelay, resolver, local, limit, tls);
    }

    /** {@return the reader's line and separator limit} */
    public int limit() {
        return limit;
    }

    /**
     * Sets the reader's line and separator limit.
     *
     * @param limit the limit
     * @return this connect options
     */
    public ConnectOptions limit(int limit) {
        return new ConnectOptions(connectTimeout, happyEyeballsDelay, resolver, localAddress, limit, tls);
    }

    /** {@return the TLS settings, or null for a plain connection} */
    public TlsOptions tls() {
        return tls;
    }

    /**
     * Speaks TLS over the connection with {@code tls} (null: plain); the handshake is part of
     * {@code openConnection}, and the host name given there is verified and sent as SNI.
     *
     * @param tls the TLS settings, or null for none
     * @return this connect options
     */
    public ConnectOptions tls(TlsOptions tls) {
        if (tls != null && tls.isServer()) {
            throw new IllegalArgumentException("server TLS options given to a client connection");
        }
        return new ConnectOptions(connectTimeout, happyEyeballsDelay, resolver, localAddress, limit, tls);
    }
}
