package dev.weft.http.codec;

import dev.weft.http.Headers;

/**
 * A parsed request line and header section.
 *
 * @param method  the method, e.g. {@code GET} (case-sensitive, a token)
 * @param target  the request target as sent, e.g. {@code /search?q=x}
 * @param version {@code HTTP/1.1} or {@code HTTP/1.0} ({@code HTTP/2.0} only for the HTTP/2 preface, {@link #isH2Preface()})
 * @param headers the header fields
 */
public record RequestHead(String method, String target, String version, Headers headers) {

    // The part of the HTTP/2 connection preface that reads as an HTTP/1.1 head: "PRI * HTTP/2.0"
    // and an empty line (RFC 9113 section 3.4); "SM" and another empty line follow.
    private static final byte[] H2_PREFACE_HEAD = "PRI * HTTP/2.0\r\n\r\n".getBytes(
            java.nio.charset.StandardCharsets.ISO_8859_1);

    /**
     * The bytes of the HTTP/2 connection preface that {@link Http1Parser#readRequestHead} reads
     * as a head.
     *
     * @return a new copy
     */
    public static byte[] h2PrefaceHead() {
        return H2_PREFACE_HEAD.clone();
    }

    /** {@return true if this is the start of the HTTP/2 connection preface (h2c with prior knowledge)} */
    public boolean isH2Preface() {
        return method.equals("PRI") && target.equals("*") && version.equals("HTTP/2.0");
    }

    /** {@return true if the connection may carry another request after this one (RFC 9112 section 9.3)} */
    public boolean keepAlive() {
        if (headers.hasToken("Connection", "close")) {
            return false;
        }
        return version.equals("HTTP/1.1") || headers.hasToken("Connection", "keep-alive");
    }
}
