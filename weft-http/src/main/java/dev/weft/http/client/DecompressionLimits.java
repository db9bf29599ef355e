package dev.weft.http.client;

/**
 * Caps on inflating {@code gzip}/{@code deflate} response bodies, the defence against
 * decompression bombs: at most {@code maxBytes} inflated bytes, and once more than
 * {@code ratioCheckAfter} bytes came out, at most {@code maxRatio} inflated bytes per
 * compressed byte. Exceeding either throws {@link DecompressionBombException}.
 *
 * @param maxBytes        most inflated bytes of one body
 * @param maxRatio        most inflated bytes per compressed byte (0: no ratio check)
 * @param ratioCheckAfter inflated bytes after which the ratio is checked
 */
public record DecompressionLimits(long maxBytes, int maxRatio, long ratioCheckAfter) {

    private static final DecompressionLimits DEFAULTS = new DecompressionLimits(100L << 20, 1000, 1L << 20);

    /** {@return 100 MiB, ratio 1000:1 checked after 1 MiB (deflate cannot exceed about 1032:1)} */
    public static DecompressionLimits defaults() {
        return DEFAULTS;
    }

    /** Validates. */
    public DecompressionLimits {
        if (maxBytes < 0 || maxRatio < 0 || ratioCheckAfter < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
    }

    /**
     * With another cap on inflated bytes.
     *
     * @param n the number
     * @return this decompression limits
     */
    public DecompressionLimits maxBytes(long n) {
        return new DecompressionLimits(n, maxRatio, ratioCheckAfter);
    }

    /**
     * With another ratio cap (0: none).
     *
     * @param r the resolver
     * @return this decompression limits
     */
    public DecompressionLimits maxRatio(int r) {
        return new DecompressionLimits(maxBytes, r, ratioCheckAfter);
    }
}
