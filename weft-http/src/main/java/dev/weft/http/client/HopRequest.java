package dev.weft.http.client;

import dev.weft.http.Headers;
import java.net.URI;

/**
 * One request as it travels down the {@link Link} chain: each redirect is a new hop, each
 * {@link Link} may hand the next one a changed copy ({@link HeaderLink} the headers that go out,
 * {@link RedirectLink} the next hop). Immutable, apart from {@code headers}, which belongs to the
 * link that made it: links copy before changing.
 *
 * @param method      the method, upper case
 * @param url         where it goes
 * @param headers     its headers: the caller's before {@link HeaderLink}, every one sent after it
 * @param body        the body, or null
 * @param credentials what goes into {@code Authorization}, or null
 * @param proxy       the proxy it goes through, or null: direct
 * @param trailers    the trailer fields after the body, or null: none (never without a body)
 */
record HopRequest(String method, URI url, Headers headers, Body body, Auth credentials, URI proxy,
        java.util.function.Supplier<Headers> trailers) {

    /**
     * The first hop of {@code req}: the caller's settings, else the session's. Credentials come
     * from the request, else from the URL's user info, else from the session.
     */
    static HopRequest first(ClientRequest req, Auth sessionAuth, URI sessionProxy) {
        Auth fromUrl = Auth.fromUserInfo(req.url());
        Auth credentials = req.auth() != null ? req.auth() : fromUrl != null ? fromUrl : sessionAuth;
        URI proxy = req.proxy() != null ? req.proxy() : sessionProxy;
        return new HopRequest(req.method(), req.url(), req.headers().copy(), req.body(), credentials, proxy,
                req.body() == null ? null : req.trailers());
    }

    /** The same request with {@code h} as its headers. */
    HopRequest withHeaders(Headers h) {
        return new HopRequest(method, url, h, body, credentials, proxy, trailers);
    }

    /** True for the methods RFC 9110 calls idempotent (safe to send twice). */
    boolean idempotent() {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };
    }
}
