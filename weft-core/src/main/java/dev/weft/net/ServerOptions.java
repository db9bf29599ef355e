package dev.weft.net;

import dev.weft.LoopGroup;

/**
 * Options of {@link Streams#startServer(ConnectionHandler, String, int, ServerOptions)};
 * immutable, each {@code with}-style method returns a changed copy.
 *
 * <pre>{@code
 * ServerOptions opts = ServerOptions.defaults().maxConnections(10_000).loops(LoopGroup.perCore());
 * }</pre>
 */
public final class ServerOptions {

    private static final ServerOptions DEFAULTS = new ServerOptions(4096, Integer.MAX_VALUE, null, false,
            StreamReader.DEFAULT_LIMIT, null);

    private final int backlog;
    private final int maxConnections;
    private final LoopGroup loops;
    private final boolean reusePort;
    private final int limit;
    private final TlsOptions tls;

    private ServerOptions(int backlog, int maxConnections, LoopGroup loops, boolean reusePort, int limit,
            TlsOptions tls) {
        this.tls = tls;
        this.backlog = backlog;
        this.maxConnections = maxConnections;
        this.loops = loops;
        this.reusePort = reusePort;
        this.limit = limit;
    }

    /** {@return backlog 4096, no cap on connections, handlers on the server's loop, limit 64 KiB, no TLS} */
    public static ServerOptions defaults() {
        return DEFAULTS;
    }

    /** {@return the most connections waiting to be accepteden backlog (the kernel caps it at {@code net.core.somaxconn})} */
    public int backlog() {
        return backlog;
    }

    /**
     * Sets the listen backlog.
     *
     * @param backlog the most connections waiting to be accepted
     * @return this server options
     */
    public ServerOptions backlog(int backlog) {
        return new ServerOptions(backlog, maxConnections, loops, reusePort, limit, tls);
    }

    /** {@return the most connections served at once; further ones wait in the backlog until one ends} */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * Caps the connections served at once.
     *
     * @param max the maximum
     * @return this server options
     */
    public ServerOptions maxConnections(int max) {
        if (max <= 0) {
            throw new IllegalArgumentException("maxConnections must be positive: " + max);
        }
        return new ServerOptions(backlog, max, loops, reusePort, limit, tls);
    }

    /** {@return the loops that run the handlers (round robin), or null for the server's own loop} */
    public LoopGroup loops() {
        return loops;
    }

    /**
     * Spreads the connections' handlers over {@code group}, one loop per core for example.
     *
     * @param group the group
     * @return this server options
     */
    public ServerOptions loops(LoopGroup group) {
        return new ServerOptions(backlog, maxConnections, group, reusePort, limit, tls);
    }

    /** {@return whether {@code SO_REUSEPORT} is set (several processes on one port)} */
    public boolean reusePort() {
        return reusePort;
    }

    /**
     * Sets {@code SO_REUSEPORT}.
     *
     * @param on true to turn it on
     * @return this server options
     */
    public ServerOptions reusePort(boolean on) {
        return new ServerOptions(backlog, maxConnections, loops, on, limit, tls);
    }

    /** {@return the readers' line and separator limit} */
    public int limit() {
        return limit;
    }

    /**
     * Sets the readers' line and separator limit.
     *
     * @param limit the limit
     * @return this server options
     */
    public ServerOptions limit(int limit) {
        return new ServerOptions(backlog, maxConnections, loops, reusePort, limit, tls);
    }

    /** {@return the TLS settings, or null for plain connections} */
    public TlsOptions tls() {
        return tls;
    }

    /**
     * Serves TLS with {@code tls} (made by {@link TlsOptions#server}; null: plain). Each
     * connection's handshake runs in its handler task before the handler; a connection whose
     * handshake fails is logged at debug level and closed.
     *
     * @param tls the TLS settings, or null for none
     * @return this server options
     */
    public ServerOptions tls(TlsOptions tls) {
        if (tls != null && !tls.isServer()) {
            throw new IllegalArgumentException("client TLS options given to a server; use TlsOptions.server(...)");
        }
        return new ServerOptions(backlog, maxConnections, loops, reusePort, limit, tls);
    }
}
