package dev.weft.http.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.http.Headers;
import dev.weft.http.codec.RequestHead;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP request as a {@link Handler} sees it (aiohttp's {@code web.Request}): method, target,
 * query and path parameters, headers, and the body, read on demand.
 *
 * <pre>{@code
 * String id = request.pathParam("id");            // from a route "/users/{id}"
 * String q = request.query("q");                  // ?q=...
 * JsonNode doc = request.json();                  // await request.json()
 * FormData form = request.form();                 // await request.post()
 * try (InputStream in = request.bodyStream()) { ... }   // request.content
 * }</pre>
 *
 * <p>The body can be read once, as a whole ({@link #bytes()}, {@link #text()}, {@link #form()},
 * {@link #json()}; these cache it) or as a stream ({@link #bodyStream()}). If the client sent
 * {@code Expect: 100-continue}, the {@code 100 Continue} goes out when the handler starts reading.
 * A body over the server's limit fails with an {@link java.io.IOException} whose status is 413.
 * Use a request only from the task handling it.
 */
public final class Request {

    private final RequestHead head;
    private final String rawPath;
    private final String path;
    private final String rawQuery;
    private final BodySource body;
    private final SocketAddress remote;
    private final SocketAddress local;
    private final boolean secure;
    private Map<String, String> pathParams = Map.of();
    private Map<String, List<String>> query;
    private Map<String, String> cookies;
    private FormData form;

    Request(RequestHead head, String rawPath, String rawQuery, BodySource body, SocketAddress remote,
            SocketAddress local, boolean secure) {
        this.head = head;
        this.rawPath = rawPath;
        this.path = Urls.decode(rawPath, false, StandardCharsets.UTF_8);
        this.rawQuery = rawQuery;
        this.body = body;
        this.remote = remote;
        this.local = local;
        this.secure = secure;
    }

    // ------------------------------------------------------------------ the request line

    /** {@return the method, e.g} {@code GET}. */
    public String method() {
        return head.method();
    }

    /** {@return the request target exactly as sent, e.g} {@code /search?q=a%20b}. */
    public String rawTarget() {
        return head.target();
    }

    /** {@return the protocol version: {@code HTTP/1.1}, {@code HTTP/1.0}, or {@code HTTP/2} for a request that came over HTTP/2} */
    public String version() {
        return head.version();
    }

    /** {@return the percent-decoded path, e.g} {@code /files/a b.txt}. */
    public String path() {
        return path;
    }

    /** {@return the path as sent (still percent-encoded)} */
    public String rawPath() {
        return rawPath;
    }

    /** {@return the query string as sent (without {@code ?}), or an empty string} */
    public String rawQuery() {
        return rawQuery == null ? "" : rawQuery;
    }

    /**
     * The first value of query parameter {@code name}, or null.
     *
     * @param name the name
     * @return the first value of query parameter {@code name}, or null
     */
    public String query(String name) {
        List<String> v = queryParams().get(name);
        return v == null ? null : v.get(0);
    }

    /**
     * Every value of query parameter {@code name} (empty if none).
     *
     * @param name the name
     * @return every value of the parameter, in order (empty if none)
     */
    public List<String> queryAll(String name) {
        List<String> v = queryParams().get(name);
        return v == null ? List.of() : Collections.unmodifiableList(v);
    }

    /**
     * The query parameters as an ordered multimap.
     *
     * @return the query parameters as an ordered multimap
     * @throws HttpStatusException (400) on a malformed escape
     */
    public Map<String, List<String>> queryParams() {
        if (query == null) {
            try {
                query = Urls.parseQuery(rawQuery, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new HttpStatusException(400, "malformed query string");
            }
        }
        return Collections.unmodifiableMap(query);
    }

    /**
     * The value of path parameter {@code name} (decoded), or null.
     *
     * @param name the name
     * @return the value of path parameter {@code name} (decoded), or null
     */
    public String pathParam(String name) {
        return pathParams.get(name);
    }

    /** {@return every path parameter of the matched route} */
    public Map<String, String> pathParams() {
        return pathParams;
    }

    void setPathParams(Map<String, String> params) {
        this.pathParams = Collections.unmodifiableMap(params);
    }

    // ------------------------------------------------------------------ headers

    /** {@return the header fields (do not change them)} */
    public Headers headers() {
        return head.headers();
    }

    /**
     * The first value of header {@code name}, or null.
     *
     * @param name the name
     * @return the first value of header {@code name}, or null
     */
    public String header(String name) {
        return head.headers().get(name);
    }

    /** {@return the {@code Content-Type} without parameters, lower case (e.g} {@code application/json}), or null. */
    public String contentType() {
        String ct = header("Content-Type");
        if (ct == null) {
            return null;
        }
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** {@return the charset of the {@code Content-Type}, or UTF-8 if none is given or it is unknown} */
    public Charset charset() {
        String ct = header("Content-Type");
        return ct == null ? StandardCharsets.UTF_8 : charsetOf(ct, StandardCharsets.UTF_8);
    }

    static Charset charsetOf(String contentType, Charset fallback) {
        String cs = Multipart.param(contentType, "charset");
        if (cs == null) {
            return fallback;
        }
        try {
            return Charset.forName(cs.trim());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return fallback;
        }
    }

    /** {@return the declared body length: {@code Content-Length}, 0 without a body, -1 if chunked} */
    public long contentLength() {
        return body.declaredLength();
    }

    /** {@return the cookies of the {@code Cookie} header} */
    public Map<String, String> cookies() {
        if (cookies == null) {
            Map<String, String> out = new LinkedHashMap<>();
            for (String h : headers().getAll("Cookie")) {
                for (String pair : h.split(";")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        String v = pair.substring(eq + 1).trim();
                        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                            v = v.substring(1, v.length() - 1);
                        }
                        out.putIfAbsent(pair.substring(0, eq).trim(), v);
                    }
                }
            }
            cookies = Collections.unmodifiableMap(out);
        }
        return cookies;
    }

    /**
     * The value of cookie {@code name}, or null.
     *
     * @param name the name
     * @return the value of cookie {@code name}, or null
     */
    public String cookie(String name) {
        return cookies().get(name);
    }

    /** {@return the {@code Host} header, or the local address if there is none} */
    public String host() {
        String h = header("Host");
        if (h != null && !h.isEmpty()) {
            return h;
        }
        if (local instanceof InetSocketAddress a) {
            return a.getHostString() + ":" + a.getPort();
        }
        return "localhost";
    }

    /**
     * {@return the full URL: {@code https://} on a TLS connection, {@code http://} otherwise, then
     * host and target (a request sent in absolute form keeps its own)}
     */
    public String url() {
        String t = head.target();
        if (t.startsWith("http://") || t.startsWith("https://")) {
            return t;
        }
        return scheme() + "://" + host() + t;
    }

    /** {@return {@code https} when the request came over TLS (HTTP/1.1 or HTTP/2), {@code http} otherwise} */
    public String scheme() {
        return secure ? "https" : "http";
    }

    /** {@return the client's address} */
    public SocketAddress remoteAddress() {
        return remote;
    }

    /** {@return the address the request came in on} */
    public SocketAddress localAddress() {
        return local;
    }

    // ------------------------------------------------------------------ body

    /**
     * The trailer fields the client sent after the body: a chunked HTTP/1.1 body's trailer
     * section, or an HTTP/2 request's trailers (a checksum of an upload, gRPC's metadata). They
     * exist once the body was read to its end ({@link #bytes()}, or {@link #bodyStream()} to -1),
     * so read it first; before that, and when none came, the result is empty. They are kept apart
     * from {@link #headers()}, never merged into them.
     *
     * @return the trailer fields (case-insensitive names; do not change them)
     */
    public Headers trailers() {
        return body.trailers();
    }

    /**
     * The whole body (empty if none); cached.
     *
     * @return the whole body (empty if none); cached
     * @throws IOException if an I/O error occurs
     */
    public byte[] bytes() throws IOException {
        return body.readAll();
    }

    /**
     * The body decoded with the charset of its {@code Content-Type} (UTF-8 by default).
     *
     * @return the body decoded with the charset of its {@code Content-Type} (UTF-8 by default)
     * @throws IOException if an I/O error occurs
     */
    public String text() throws IOException {
        return new String(bytes(), charset());
    }

    /**
     * The body as a form: {@code application/x-www-form-urlencoded} or {@code multipart/form-data}
     * (empty for other types); cached.
     *
     * @return the body as a form: {@code application/x-www-form-urlencoded} or {@code multipart/form-data} (empty for other types); cached
     * @throws HttpStatusException (400) if the form is malformed
     * @throws IOException if an I/O error occurs
     */
    public FormData form() throws IOException {
        if (form == null) {
            String type = contentType();
            if ("application/x-www-form-urlencoded".equals(type)) {
                try {
                    Map<String, List<String>> f = Urls.parseQuery(new String(bytes(), StandardCharsets.ISO_8859_1),
                            charset());
                    form = new FormData(f, new java.util.ArrayList<>());
                } catch (IllegalArgumentException e) {
                    throw new HttpStatusException(400, "malformed form body");
                }
            } else if ("multipart/form-data".equals(type)) {
                form = Multipart.parse(bytes(), Multipart.param(header("Content-Type"), "boundary"), charset());
            } else {
                form = FormData.empty();
            }
        }
        return form;
    }

    /**
     * The body parsed as JSON (null node for an empty body).
     *
     * @return the body parsed as JSON (null node for an empty body)
     * @throws HttpStatusException (400) if it is not valid JSON
     * @throws IOException if an I/O error occurs
     */
    public JsonNode json() throws IOException {
        byte[] b = bytes();
        if (b.length == 0) {
            return com.fasterxml.jackson.databind.node.NullNode.getInstance();
        }
        try {
            return Json.MAPPER.readTree(b);
        } catch (JacksonException e) {
            throw new HttpStatusException(400, "malformed JSON body");
        }
    }

    /**
     * The body bound to {@code type} by Jackson.
     *
     * @param <T> the result type
     * @param type the content type
     * @return the result
     * @throws HttpStatusException (400) if it is not valid JSON or does not fit the type
     * @throws IOException if an I/O error occurs
     */
    public <T> T json(Class<T> type) throws IOException {
        try {
            return Json.MAPPER.readValue(bytes(), type);
        } catch (JacksonException e) {
            throw new HttpStatusException(400, "malformed JSON body for " + type.getSimpleName());
        }
    }

    /**
     * The body as a stream, read as the handler goes (for large uploads). Closing it does not
     * close the connection.
     *
     * @return the body as a stream, read as the handler goes (for large uploads)
     */
    public InputStream bodyStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n;
                while ((n = body.read(one, 0, 1)) == 0) {
                    // an empty read of a chunk; go on
                }
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                java.util.Objects.checkFromIndexSize(off, len, b.length);
                return len == 0 ? 0 : body.read(b, off, len);
            }
        };
    }

    @Override
    public String toString() {
        return head.method() + " " + head.target();
    }
}
