package dev.weft.http.client;

import java.time.Instant;

/**
 * A cookie kept by a {@link CookieJar} (RFC 6265 section 5.3 storage model).
 *
 * @param name      the name
 * @param value     the value
 * @param domain    the domain it is sent to (lower case, no leading dot)
 * @param hostOnly  true if sent only to exactly {@code domain}, not its subdomains
 * @param path      the path prefix it is sent for
 * @param expires   when it expires, or null for a session cookie
 * @param secure    sent only over https
 * @param httpOnly  the HttpOnly attribute (kept; a client has no scripts to hide it from)
 * @param created   when it was first stored (orders the Cookie header)
 */
public record Cookie(String name, String value, String domain, boolean hostOnly, String path, Instant expires,
        boolean secure, boolean httpOnly, Instant created) {

    /**
     * True if it has expired at {@code now}.
     *
     * @param now the now
     * @return true if it has expired at {@code now}
     */
    public boolean expiredAt(Instant now) {
        return expires != null && !expires.isAfter(now);
    }
}
