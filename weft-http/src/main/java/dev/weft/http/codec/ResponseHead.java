package dev.weft.http.codec;

import dev.weft.http.Headers;

/**
 * A parsed status line and header section.
 *
 * @param version {@code HTTP/1.1} or {@code HTTP/1.0}
 * @param status  the status code, 100 to 999
 * @param reason  the reason phrase (may be empty)
 * @param headers the header fields
 */
public record ResponseHead(String version, int status, String reason, Headers headers) {

    /** {@return true if the connection may carry another exchange after this one} */
    public boolean keepAlive() {
        if (headers.hasToken("Connection", "close")) {
            return false;
        }
        return version.equals("HTTP/1.1") || headers.hasToken("Connection", "keep-alive");
    }
}
