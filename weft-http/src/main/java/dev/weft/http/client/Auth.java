package dev.weft.http.client;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Credentials sent in the {@code Authorization} header (aiohttp's {@code BasicAuth}, plus
 * bearer tokens). They are dropped when a redirect leaves the origin they were given for.
 *
 * <pre>{@code
 * ClientSession.builder().auth(Auth.basic("user", "pass")).build();
 * ClientRequest.get(url).auth(Auth.bearer(token)).build();
 * }</pre>
 *
 * @param headerValue the whole header value, e.g. {@code Basic dXNlcjpwYXNz}
 */
public record Auth(String headerValue) {

    /**
     * HTTP Basic (RFC 7617) with the user and password in UTF-8.
     *
     * @param user the user name
     * @param password the password
     * @return the credentials
     */
    public static Auth basic(String user, String password) {
        if (user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a basic-auth user name cannot contain ':'");
        }
        String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new Auth("Basic " + token);
    }

    /**
     * A bearer token (RFC 6750).
     *
     * @param token the token, sent as {@code Authorization: Bearer token}
     * @return the credentials
     */
    public static Auth bearer(String token) {
        return new Auth("Bearer " + token);
    }

    /** Basic credentials from the user info of {@code url} ({@code http://user:pass@host/}), or null if it has none. */
    static Auth fromUserInfo(URI url) {
        String info = url.getRawUserInfo();
        if (info == null || info.isEmpty()) {
            return null;
        }
        int colon = info.indexOf(':');
        String user = URLDecoder.decode(colon < 0 ? info : info.substring(0, colon), StandardCharsets.UTF_8);
        String pass = colon < 0 ? "" : URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8);
        return basic(user, pass);
    }

    @Override
    public String toString() {
        int sp = headerValue.indexOf(' ');
        return "Auth[" + (sp < 0 ? "?" : headerValue.substring(0, sp)) + " ***]";
    }
}
