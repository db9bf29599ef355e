package dev.weft.http.client;

import dev.weft.http.Headers;
import dev.weft.internal.Loggers;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;

/**
 * The first {@link Link}: follows redirects (301, 302, 303, 307, 308 with a {@code Location}),
 * one hop down the rest of the chain each.
 *
 * <ul>
 *   <li>303 (but after HEAD), and 301 or 302 after POST, go on as GET without the body;
 *       307 and 308 keep method and body, and are not followed if the body is a stream that
 *       cannot be sent again (the 3xx is then the answer).
 *   <li>Leaving the site (scheme, host or port) drops {@code Authorization} and {@code Cookie}
 *       and the credentials; the next URL's user info, if any, become the credentials.
 *   <li>Refused, after closing the 3xx: a malformed or non-http {@code Location}
 *       ({@link UnusableRedirectException}), one hop more than allowed ({@link TooManyRedirectsException}),
 *       https to http unless allowed ({@link InsecureRedirectException}).
 *   <li>Each 3xx followed has its small body discarded (so its connection is reused) and goes
 *       into the final response's {@link ClientResponse#history()}.
 * </ul>
 *
 * <p>Immutable; shared by the session's requests.
 */
final class RedirectLink implements Link {

    private static final Logger LOG = Loggers.get(RedirectLink.class);

    private final int maxRedirects;
    private final boolean allowInsecureRedirects;
    private final Tracer trace;

    /**
     * @param maxRedirects           the session's limit, for requests that set none
     * @param allowInsecureRedirects whether https may redirect to http
     * @param trace                  where {@code redirect} events go
     */
    RedirectLink(int maxRedirects, boolean allowInsecureRedirects, Tracer trace) {
        this.maxRedirects = maxRedirects;
        this.allowInsecureRedirects = allowInsecureRedirects;
        this.trace = trace;
    }

    @Override
    public ClientResponse intercept(Chain chain) throws IOException {
        ClientRequest req = chain.call().request();
        int max = req.maxRedirects() >= 0 ? req.maxRedirects() : maxRedirects;
        List<ClientResponse> history = new ArrayList<>();
        List<URI> visited = new ArrayList<>();
        HopRequest hop = chain.request();
        String method = hop.method();
        URI url = hop.url();
        Body body = hop.body();
        java.util.function.Supplier<Headers> trailers = hop.trailers();
        Headers headers = hop.headers().copy(); // changed from hop to hop below
        Auth credentials = hop.credentials();
        while (true) {
            ClientResponse r = chain.proceed(new HopRequest(method, url, headers, body, credentials, hop.proxy(),
                    trailers));
            int s = r.status();
            String location = r.header("Location");
            boolean redirect = s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
            if (!req.allowRedirects() || !redirect || location == null) {
                r.history(history);
                return r;
            }
            boolean keepsBody = s == 307 || s == 308;
            if (keepsBody && body != null && !body.replayable()) {
                LOG.debug("not following {} from {}: the stream body cannot be sent again", s, url);
                r.history(history);
                return r;
            }
            URI next = nextUrl(r, url, location);
            visited.add(url);
            if (history.size() >= max) {
                r.close();
                visited.add(next);
                throw new TooManyRedirectsException(max, visited);
            }
            if ("https".equalsIgnoreCase(url.getScheme()) && next.getScheme().equalsIgnoreCase("http")
                    && !allowInsecureRedirects) {
                r.close();
                throw new InsecureRedirectException(url, next);
            }
            r.discardSmallBody();
            history.add(r);
            trace.redirect(method, url, next, s);
            if ((s == 303 && !method.equals("HEAD")) || ((s == 301 || s == 302) && method.equals("POST"))) {
                method = "GET";
                body = null;
                trailers = null; // they went with the body
                headers.remove("Content-Type");
                headers.remove("Content-Length");
                headers.remove("Transfer-Encoding");
            }
            if (!Origin.of(next).sameSite(Origin.of(url))) {
                headers.remove("Authorization");
                headers.remove("Cookie");
                credentials = Auth.fromUserInfo(next);
            }
            url = next;
        }
    }

    /**
     * Where {@code location} leads from {@code url}: an http(s) URL with a host and a port in
     * range; otherwise {@code r} is closed and a {@link ClientException} thrown (never an
     * unchecked exception: a crawler catching {@link IOException} must not abort; an
     * {@link UnusableRedirectException}, so that it can tell it from a connection failure).
     */
    private static URI nextUrl(ClientResponse r, URI url, String location) throws ClientException {
        URI next;
        try {
            next = url.resolve(ClientRequest.toUri(Headers.urlFromBytes(location)));
        } catch (IllegalArgumentException e) {
            r.close();
            throw new UnusableRedirectException("malformed redirect location from " + url + ": " + location, e);
        }
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            r.close();
            throw new UnusableRedirectException("refused a redirect to a non-http URL: " + next, null);
        }
        try {
            Origin.of(next); // a host, a port in range
        } catch (IllegalArgumentException e) {
            r.close();
            throw new UnusableRedirectException("malformed redirect location from " + url + ": " + location + " ("
                    + e.getMessage() + ")", e);
        }
        return next;
    }
}
