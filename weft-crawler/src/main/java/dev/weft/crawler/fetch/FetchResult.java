package dev.weft.crawler.fetch;

import dev.weft.http.Headers;

/**
 * The outcome of one HTTP exchange: a response (any status) or a failure. Immutable.
 *
 * @param url          the URL requested
 * @param status       the status code, or 0 for a failure
 * @param headers      the response headers, or null for a failure
 * @param contentType  the {@code Content-Type}, or null
 * @param body         the body bytes kept (HTML and other text), or null when not kept
 * @param length       how many body bytes are valid in {@code body}
 * @param bodyBytes    how many body bytes were received (kept or not), at most the cap
 * @param truncated    the body was longer than the cap and was cut there
 * @param elapsedNanos from sending the request to the last body byte (or the failure)
 * @param errorKind    the failure's kind, or null for a response
 * @param error        the failure's message, or null for a response
 */
public record FetchResult(String url, int status, Headers headers, String contentType, byte[] body, int length,
        long bodyBytes, boolean truncated, long elapsedNanos, ErrorKind errorKind, String error) {

    /** {@return true if a response came back (any status)} */
    public boolean responded() {
        return errorKind == null;
    }

    /**
     * A header of the response.
     *
     * @param name the header name
     * @return its value, or null
     */
    public String header(String name) {
        return headers == null ? null : headers.get(name);
    }

    /** {@return true if the body is HTML (by Content-Type, or by sniffing when there is none)} */
    public boolean isHtml() {
        if (contentType != null) {
            String ct = contentType.toLowerCase(java.util.Locale.ROOT);
            return ct.contains("text/html") || ct.contains("application/xhtml");
        }
        if (body == null) {
            return false;
        }
        String head = new String(body, 0, Math.min(length, 512), java.nio.charset.StandardCharsets.ISO_8859_1)
                .stripLeading().toLowerCase(java.util.Locale.ROOT);
        return head.startsWith("<!doctype html") || head.startsWith("<html") || head.startsWith("<head")
                || head.startsWith("<body");
    }
}
