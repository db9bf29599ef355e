package dev.weft.http;

/**
 * Size limits applied while parsing HTTP/1.1 messages; immutable, wither style. Anything over a
 * limit fails with an {@link HttpProtocolException} carrying the status a server should answer.
 *
 * <pre>{@code
 * HttpLimits limits = HttpLimits.defaults().maxBodyBytes(50L << 20);
 * }</pre>
 *
 * @param maxStartLineBytes       the request line (414) or status line
 * @param maxHeaderBytes          the whole header section (431), trailers of a chunked body included
 * @param maxHeaderCount          header fields (431)
 * @param maxBodyBytes            body bytes (413); a chunk whose declared size would pass it is refused
 *                                before its data is read
 * @param maxChunkLineBytes       one chunk-size line, extensions included (400)
 * @param maxChunkExtensionBytes  chunk extensions of one body, all chunks together (400): a tiny body
 *                                must not carry megabytes of them (Go's CVE-2023-39326)
 */
public record HttpLimits(int maxStartLineBytes, int maxHeaderBytes, int maxHeaderCount, long maxBodyBytes,
        int maxChunkLineBytes, int maxChunkExtensionBytes) {

    private static final HttpLimits DEFAULTS = new HttpLimits(8 * 1024, 64 * 1024, 100, 10L * 1024 * 1024, 4096,
            16 * 1024);

    /**
     * Start line 8 KiB, header section 64 KiB, 100 fields, body 10 MiB, chunk-size line 4 KiB,
     * chunk extensions 16 KiB per body.
     *
     * @return the HTTP limits
     */
    public static HttpLimits defaults() {
        return DEFAULTS;
    }

    /** Validates the limits. */
    public HttpLimits {
        if (maxStartLineBytes <= 0 || maxHeaderBytes <= 0 || maxHeaderCount <= 0 || maxBodyBytes < 0
                || maxChunkLineBytes <= 0 || maxChunkExtensionBytes < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /**
     * With another start-line limit (request line or status line).
     *
     * @param n the number
     * @return this HTTP limits
     */
    public HttpLimits maxStartLineBytes(int n) {
        return new HttpLimits(n, maxHeaderBytes, maxHeaderCount, maxBodyBytes, maxChunkLineBytes,
                maxChunkExtensionBytes);
    }

    /**
     * With another limit on the whole header section.
     *
     * @param n the number
     * @return this HTTP limits
     */
    public HttpLimits maxHeaderBytes(int n) {
        return new HttpLimits(maxStartLineBytes, n, maxHeaderCount, maxBodyBytes, maxChunkLineBytes,
                maxChunkExtensionBytes);
    }

    /**
     * With another limit on the number of header fields.
     *
     * @param n the number
     * @return this HTTP limits
     */
    public HttpLimits maxHeaderCount(int n) {
        return new HttpLimits(maxStartLineBytes, maxHeaderBytes, n, maxBodyBytes, maxChunkLineBytes,
                maxChunkExtensionBytes);
    }

    /**
     * With another body limit ({@code Long.MAX_VALUE}: none).
     *
     * @param n the number
     * @return this HTTP limits
     */
    public HttpLimits maxBodyBytes(long n) {
        return new HttpLimits(maxStartLineBytes, maxHeaderBytes, maxHeaderCount, n, maxChunkLineBytes,
                maxChunkExtensionBytes);
    }

    /**
     * With another limit on the chunk extensions of one body (0: none allowed).
     *
     * @param n the number
     * @return this HTTP limits
     */
    public HttpLimits maxChunkExtensionBytes(int n) {
        return new HttpLimits(maxStartLineBytes, maxHeaderBytes, maxHeaderCount, maxBodyBytes, maxChunkLineBytes, n);
    }
}
