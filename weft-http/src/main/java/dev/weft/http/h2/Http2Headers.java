package dev.weft.http.h2;

import dev.weft.http.Headers;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The header list of one HTTP/2 message (RFC 9113 section 8): the pseudo-header fields of a
 * request ({@code :method}, {@code :scheme}, {@code :authority}, {@code :path}) or a response
 * ({@code :status}), and the regular fields as Weft {@link Headers}. Trailers have no pseudo-header
 * fields.
 *
 * <pre>{@code
 * Http2Headers get = Http2Headers.request("GET", "https", "example.com", "/index.html",
 *         Headers.of("Accept", "text/html"));
 * Http2Headers ok = Http2Headers.response(200, Headers.of("Content-Type", "text/plain"));
 * }</pre>
 *
 * <p>On the way out, names are sent in lower case and the fields HTTP/2 forbids are dropped
 * ({@code Connection}, {@code Keep-Alive}, {@code Proxy-Connection}, {@code Transfer-Encoding},
 * {@code Upgrade}, a {@code TE} other than {@code trailers}, and {@code Host}, which
 * {@code :authority} replaces). On the way in the engine refuses malformed lists (upper-case or
 * empty names, unknown, repeated, misplaced or missing pseudo-header fields, forbidden fields,
 * values with NUL, CR, LF or surrounding whitespace) with a stream error {@code PROTOCOL_ERROR}.
 * Immutable once made; the {@link Headers} it holds must not be changed.
 */
public final class Http2Headers {

    /** Fields that are only meaningful on one HTTP/1.1 connection (RFC 9113 section 8.2.2). */
    static final Set<String> CONNECTION_SPECIFIC = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade");

    private final String method;
    private final String scheme;
    private final String authority;
    private final String path;
    private final int status;
    private final Headers fields;

    private Http2Headers(String method, String scheme, String authority, String path, int status, Headers fields) {
        this.method = method;
        this.scheme = scheme;
        this.authority = authority;
        this.path = path;
        this.status = status;
        this.fields = fields;
    }

    /**
     * A request head. {@code CONNECT} takes only an authority; every other method needs a
     * scheme and a non-empty path.
     *
     * @param method the method, e.g. {@code GET}
     * @param scheme {@code http} or {@code https} (null only for {@code CONNECT})
     * @param authority host and port, e.g. {@code example.com:8443}; null: none (then a
     *     {@code Host} field, if any, is sent as {@code :authority})
     * @param path the path and query, e.g. {@code /search?q=x} (null only for {@code CONNECT})
     * @param fields the regular fields
     * @return the head
     * @throws IllegalArgumentException if a required pseudo-header field is missing
     */
    public static Http2Headers request(String method, String scheme, String authority, String path, Headers fields) {
        if (method == null || method.isEmpty() || !Headers.isToken(method)) {
            throw new IllegalArgumentException("invalid method: " + method);
        }
        if (authority == null) {
            authority = fields.get("Host");
        }
        if (method.equals("CONNECT")) {
            if (authority == null || scheme != null || path != null) {
                throw new IllegalArgumentException("CONNECT takes an authority and no scheme or path");
            }
        } else if (scheme == null || path == null || path.isEmpty()) {
            throw new IllegalArgumentException("a request needs a scheme and a non-empty path");
        }
        return new Http2Headers(method, scheme, authority, path, -1, fields);
    }

    /**
     * A response head.
     *
     * @param status the status, 100 to 999
     * @param fields the regular fields
     * @return the head
     */
    public static Http2Headers response(int status, Headers fields) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("invalid status: " + status);
        }
        return new Http2Headers(null, null, null, null, status, fields);
    }

    /**
     * Trailers: regular fields only, after the body.
     *
     * @param fields the fields
     * @return the trailers
     */
    public static Http2Headers trailers(Headers fields) {
        return new Http2Headers(null, null, null, null, -1, fields);
    }

    /** A head checked by the engine on the way in. */
    static Http2Headers received(String method, String scheme, String authority, String path, int status,
            Headers fields) {
        return new Http2Headers(method, scheme, authority, path, status, fields);
    }

    /**
     * The request method.
     *
     * @return {@code :method}, or null for a response or trailers
     */
    public String method() {
        return method;
    }

    /**
     * The request scheme.
     *
     * @return {@code :scheme}, or null
     */
    public String scheme() {
        return scheme;
    }

    /**
     * The request authority.
     *
     * @return {@code :authority}, or null
     */
    public String authority() {
        return authority;
    }

    /**
     * The request path and query.
     *
     * @return {@code :path}, or null
     */
    public String path() {
        return path;
    }

    /**
     * The response status.
     *
     * @return {@code :status}, or -1 for a request or trailers
     */
    public int status() {
        return status;
    }

    /**
     * The regular fields.
     *
     * @return the fields (do not change them)
     */
    public Headers headers() {
        return fields;
    }

    /** True for a request head. */
    boolean isRequest() {
        return method != null;
    }

    /** True for a response head. */
    boolean isResponse() {
        return status >= 0;
    }

    /**
     * Gives each field as it goes on the wire: pseudo-header fields first, names in lower case,
     * forbidden fields dropped.
     */
    void forEachWireField(java.util.function.BiConsumer<String, String> out) {
        if (method != null) {
            out.accept(":method", method);
            if (scheme != null) {
                out.accept(":scheme", scheme);
            }
            if (authority != null) {
                out.accept(":authority", authority);
            }
            if (path != null) {
                out.accept(":path", path);
            }
        } else if (status >= 0) {
            out.accept(":status", Integer.toString(status));
        }
        for (Map.Entry<String, String> e : fields) {
            String name = lowerCase(e.getKey());
            if (CONNECTION_SPECIFIC.contains(name) || (name.equals("host") && method != null)
                    || (name.equals("te") && !e.getValue().equalsIgnoreCase("trailers"))) {
                continue;
            }
            out.accept(name, name.equals("te") ? "trailers" : e.getValue());
        }
    }

    /**
     * The size of the list as {@code SETTINGS_MAX_HEADER_LIST_SIZE} counts it (names and
     * values as sent, plus 32 per field).
     */
    long listSize() {
        long[] size = {0};
        forEachWireField((n, v) -> size[0] += n.length() + v.length() + 32);
        return size[0];
    }

    private static String lowerCase(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return name.toLowerCase(Locale.ROOT);
            }
        }
        return name;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Http2Headers[");
        forEachWireField((n, v) -> sb.append(sb.length() > 13 ? ", " : "").append(n).append(": ")
                .append(n.equals("authorization") || n.equals("cookie") ? "<hidden>" : v));
        return sb.append(']').toString();
    }
}
