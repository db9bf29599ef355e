package dev.weft.http.client;

import java.net.URI;
import java.util.Locale;

/**
 * Where a pooled connection leads: scheme, host and port of the server, plus the proxy it goes
 * through (null: direct). The key of {@link ConnectionPool}; two requests share connections
 * only if their origins are equal.
 *
 * @param scheme {@code http} or {@code https}
 * @param host   the host name or address literal, lower case (IPv6 without brackets)
 * @param port   the port
 * @param proxy  the proxy's origin, or null
 */
public record Origin(String scheme, String host, int port, Origin proxy) {

    /**
     * The origin of {@code url} (default ports filled in), direct.
     *
     * @param url the URL
     * @return the origin of {@code url} (default ports filled in), direct
     */
    public static Origin of(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("not an http(s) URL: " + url);
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("URL without host: " + url);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = url.getPort() >= 0 ? url.getPort() : scheme.equals("https") ? 443 : 80;
        if (port == 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range in " + url);
        }
        return new Origin(scheme, host.toLowerCase(Locale.ROOT), port, null);
    }

    /**
     * The same origin reached through {@code proxy}.
     *
     * @param proxy the proxy
     * @return this origin
     */
    public Origin via(Origin proxy) {
        return new Origin(scheme, host, port, proxy);
    }

    /** {@return true for https} */
    public boolean secure() {
        return scheme.equals("https");
    }

    /** {@return {@code host:port} as in a Host header (brackets around IPv6; port omitted if default)} */
    public String hostHeader() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        boolean defaultPort = port == (secure() ? 443 : 80);
        return defaultPort ? h : h + ":" + port;
    }

    /** {@return {@code host:port} always with the port (the CONNECT authority)} */
    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * True if scheme, host and port equal (the proxy is ignored): the same-origin test of redirects.
     *
     * @param o the o
     * @return true if scheme, host and port equal (the proxy is ignored): the same-origin test of redirects
     */
    public boolean sameSite(Origin o) {
        return scheme.equals(o.scheme) && host.equals(o.host) && port == o.port;
    }

    @Override
    public String toString() {
        return scheme + "://" + authority() + (proxy == null ? "" : " via " + proxy);
    }
}
