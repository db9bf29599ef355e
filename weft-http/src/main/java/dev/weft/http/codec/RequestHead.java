package dev.weft.http.codec;

import dev.weft.http.Headers;

/**
 * A parsed request line and header section.
 *
 * @param method  the method, e.g. {@code GET} (case-sensitive, a token)
 * @param target  the request target as sent, e.g. {@code /search?q=x}
 * @param version {@code HTTP/1.1} or {@code HTTP/1.0}
 * @param headers the header fields
 */
public record RequestHead(String method, String target, String version, Headers headers) {

    /** True if the connection may carry another request after this one (RFC 9112 section 9.3). */
    public boolean keepAlive() {
        if (headers.hasToken("Connection", "close")) {
            return false;
        }
        return version.equals("HTTP/1.1") || headers.hasToken("Connection", "keep-alive");
    }
}
