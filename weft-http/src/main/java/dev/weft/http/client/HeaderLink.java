package dev.weft.http.client;

import dev.weft.http.Headers;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The {@link Link} that turns the caller's headers into the ones that go out (OkHttp's bridge),
 * and stores the cookies the answer sets. In order:
 *
 * <ol>
 *   <li>{@code Host}: the caller's, else the origin's {@code host[:port]};
 *   <li>the session's default headers the caller did not set, then the caller's;
 *   <li>{@code User-Agent} ({@link ClientSession#USER_AGENT}) and {@code Accept: *}{@code /*} if
 *       absent; {@code Accept-Encoding: gzip, deflate, br} if absent and the session decompresses;
 *   <li>{@code Authorization} from the hop's credentials, {@code Proxy-Authorization} for a
 *       forward proxy (see {@link Route}), each unless the caller set it;
 *   <li>{@code Cookie}: the jar's cookies for the URL, after the caller's own;
 *   <li>with a body: its {@code Content-Type} unless set, and {@code Content-Length} (or
 *       {@code Transfer-Encoding: chunked} for a stream of unknown length, or a body followed by
 *       trailers: {@link #chunked}) replacing the caller's;
 *       without one, {@code Content-Length: 0} for POST, PUT and PATCH;
 *   <li>{@code Expect: 100-continue} removed when there is no content (RFC 9110 section 10.1.1).
 * </ol>
 *
 * <p>Immutable apart from the cookie jar (which guards itself); shared by the session's requests.
 */
final class HeaderLink implements Link {

    private final Headers defaultHeaders;
    private final boolean autoDecompress;
    private final CookieJar cookieJar;

    /**
     * @param defaultHeaders the session's default headers (not changed here)
     * @param autoDecompress whether to ask for compressed bodies
     * @param cookieJar      where cookies come from and go to
     */
    HeaderLink(Headers defaultHeaders, boolean autoDecompress, CookieJar cookieJar) {
        this.defaultHeaders = defaultHeaders;
        this.autoDecompress = autoDecompress;
        this.cookieJar = cookieJar;
    }

    @Override
    public ClientResponse intercept(Chain chain) throws IOException {
        HopRequest hop = chain.request();
        Route route = Route.of(hop.url(), hop.proxy());
        ClientResponse r = chain.proceed(hop.withHeaders(headersOut(hop, route)));
        List<String> setCookies = r.headers().getAll("Set-Cookie");
        if (!setCookies.isEmpty()) {
            cookieJar.update(hop.url(), setCookies);
        }
        return r;
    }

    /** Every header of {@code hop} as it goes out on {@code route}. */
    private Headers headersOut(HopRequest hop, Route route) {
        Headers user = hop.headers();
        Body body = hop.body();
        String method = hop.method();
        Headers h = new Headers();
        h.add("Host", user.contains("Host") ? user.get("Host") : route.key().hostHeader());
        for (Map.Entry<String, String> e : defaultHeaders) {
            if (!user.contains(e.getKey())) {
                h.add(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, String> e : user) {
            if (!e.getKey().equalsIgnoreCase("Host")) {
                h.add(e.getKey(), e.getValue());
            }
        }
        h.setIfAbsent("User-Agent", ClientSession.USER_AGENT);
        h.setIfAbsent("Accept", "*/*");
        if (autoDecompress) {
            h.setIfAbsent("Accept-Encoding", "gzip, deflate, br");
        }
        if (hop.credentials() != null && !h.contains("Authorization")) {
            h.add("Authorization", hop.credentials().headerValue());
        }
        if (route.forwardProxy() && route.proxyAuthorization() != null && !h.contains("Proxy-Authorization")) {
            h.add("Proxy-Authorization", route.proxyAuthorization());
        }
        String cookies = cookieJar.header(hop.url());
        if (cookies != null) {
            String mine = h.get("Cookie");
            h.set("Cookie", mine == null ? cookies : mine + "; " + cookies);
        }
        long len = 0; // of the content: none without a body
        if (body != null) {
            if (!h.contains("Content-Type") && body.contentType() != null) {
                h.add("Content-Type", body.contentType());
            }
            len = body.contentLength(); // asked once: the head says what this answer says
            h.remove("Content-Length");
            h.remove("Transfer-Encoding");
            if (chunked(len, hop.trailers() != null)) {
                h.add("Transfer-Encoding", "chunked");
            } else {
                h.add("Content-Length", Long.toString(len));
            }
        } else if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            h.setIfAbsent("Content-Length", "0");
        }
        if (len == 0 && h.hasToken("Expect", "100-continue")) {
            h.remove("Expect"); // RFC 9110 section 10.1.1: never with no content
        }
        return h;
    }

    /**
     * Whether a body goes out chunked over HTTP/1.1: when its length is unknown, or when trailers
     * follow it, even of a known length (HTTP/1.1 has a trailer section only in the chunked
     * coding). Otherwise it goes with {@code Content-Length}. Decided here alone, once per hop:
     * the head says it ({@code Transfer-Encoding: chunked}, else {@code Content-Length}), and
     * {@link Http1Exchange} frames the body as the head it sends says, never by a second look at
     * the body (whose length may answer otherwise the second time: a multipart whose file went away).
     *
     * @param length   the body's length, -1 if unknown
     * @param trailers whether trailer fields follow the body
     * @return true for chunked
     */
    static boolean chunked(long length, boolean trailers) {
        return length < 0 || trailers;
    }
}
