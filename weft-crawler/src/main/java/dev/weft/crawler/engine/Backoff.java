package dev.weft.crawler.engine;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter for retries: the n-th retry waits
 * {@code base · 2^(n-1)}, capped, times a random factor in [0.5, 1.5) ("equal jitter", so that
 * retries of many pages sent together do not come back together). Immutable and thread-safe.
 *
 * @param baseNanos the first wait
 * @param capNanos  the longest wait
 */
public record Backoff(long baseNanos, long capNanos) {

    /** One second, doubling, at most a minute. */
    public static final Backoff DEFAULT = new Backoff(1_000_000_000L, 60_000_000_000L);

    /**
     * The wait before a retry.
     *
     * @param retry which retry (1 for the first)
     * @return nanoseconds to wait
     */
    public long delayNanos(int retry) {
        int shift = Math.min(Math.max(retry - 1, 0), 30);
        long d = baseNanos > capNanos >> shift ? capNanos : Math.min(capNanos, baseNanos << shift);
        double jitter = 0.5 + ThreadLocalRandom.current().nextDouble();
        return (long) (d * jitter);
    }
}
