package dev.weft.http;

/**
 * Size limits applied while parsing HTTP/1.1 messages; immutable, wither style. Anything over a
 * limit fails with an {@link HttpProtocolException} carrying the status a server should answer.
 *
 * <pre>{@code
 * HttpLimits limits = HttpLimits.defaults().maxBodyBytes(50L << 20);
 * }</pre>
 */
public record HttpLimits(int maxStartLineBytes, int maxHeaderBytes, int maxHeaderCount, long maxBodyBytes,
        int maxChunkLineBytes) {

    private static final HttpLimits DEFAULTS = new HttpLimits(8 * 1024, 64 * 1024, 100, 10L * 1024 * 1024, 4096);

    /** Start line 8 KiB, header section 64 KiB, 100 fields, body 10 MiB, chunk-size line 4 KiB. */
    public static HttpLimits defaults() {
        return DEFAULTS;
    }

    /** Validates the limits. */
    public HttpLimits {
        if (maxStartLineBytes <= 0 || maxHeaderBytes <= 0 || maxHeaderCount <= 0 || maxBodyBytes < 0
                || maxChunkLineBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** With another start-line limit (request line or status line). */
    public HttpLimits maxStartLineBytes(int n) {
        return new HttpLimits(n, maxHeaderBytes, maxHeaderCount, maxBodyBytes, maxChunkLineBytes);
    }

    /** With another limit on the whole header section. */
    public HttpLimits maxHeaderBytes(int n) {
        return new HttpLimits(maxStartLineBytes, n, maxHeaderCount, maxBodyBytes, maxChunkLineBytes);
    }

    /** With another limit on the number of header fields. */
    public HttpLimits maxHeaderCount(int n) {
        return new HttpLimits(maxStartLineBytes, maxHeaderBytes, n, maxBodyBytes, maxChunkLineBytes);
    }

    /** With another body limit ({@code Long.MAX_VALUE}: none). */
    public HttpLimits maxBodyBytes(long n) {
        return new HttpLimits(maxStartLineBytes, maxHeaderBytes, maxHeaderCount, n, maxChunkLineBytes);
    }
}
