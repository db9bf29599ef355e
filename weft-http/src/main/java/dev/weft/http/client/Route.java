package dev.weft.http.client;

import java.net.URI;

/**
 * How a request reaches its server: the pool key (the origin, and the proxy it goes through)
 * and the proxy's credentials. Immutable.
 *
 * <p>Through a proxy, plain http goes to the proxy as an absolute URL (a <em>forward</em> proxy,
 * which reads the request, so it gets {@code Proxy-Authorization} with every request); https goes
 * through a {@code CONNECT} tunnel (which gets it once, when {@link Connector} opens the tunnel).
 *
 * @param key                the origin, via the proxy if any: the {@link ConnectionPool}'s key
 * @param proxyAuthorization the {@code Proxy-Authorization} value from the proxy URL's user info, or null
 */
record Route(Origin key, String proxyAuthorization) {

    /**
     * The route of {@code url} through {@code proxy} (null: direct).
     *
     * @throws IllegalArgumentException if either URL has no usable origin
     */
    static Route of(URI url, URI proxy) {
        Origin origin = Origin.of(url);
        if (proxy == null) {
            return new Route(origin, null);
        }
        Auth pa = Auth.fromUserInfo(proxy);
        return new Route(origin.via(Origin.of(proxy)), pa == null ? null : pa.headerValue());
    }

    /** True if requests go to a forward proxy as absolute URLs (plain http through a proxy). */
    boolean forwardProxy() {
        return forwardProxy(key);
    }

    /** True if requests on a connection to {@code key} go to a forward proxy as absolute URLs. */
    static boolean forwardProxy(Origin key) {
        return key.proxy() != null && !key.secure();
    }
}
