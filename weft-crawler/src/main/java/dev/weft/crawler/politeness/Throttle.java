package dev.weft.crawler.politeness;

/**
 * The adaptive speed of one host: how many requests may be in flight and the least gap
 * between two request starts, moved by what the host says (AIMD, as TCP does):
 *
 * <ul>
 *   <li><b>slow down</b> (a 429 or 503, a timeout, or latency rising to three times its best
 *       and 500 ms above it): halve the concurrency (at least 1) and double the delay (at least
 *       250 ms, at most 60 s) — at most once per {@code max(delay, 1 s)}, so that a burst of
 *       failures of requests sent together counts once; the latency is then measured afresh,
 *       from requests sent after the slow-down only;</li>
 *   <li><b>speed up</b> after each success: one more request in flight after {@code limit}
 *       successes in a row (one per "round"), and 50 ms less delay, down to the floor.</li>
 * </ul>
 *
 * The floor of the delay is the configured delay, or robots.txt's {@code Crawl-delay} when it
 * is larger; the ceiling of the concurrency is the configured per-host limit. Time is passed in
 * (nanoseconds of the loop's clock), so it is tested with plain numbers. Not thread-safe: owned
 * by its host record, on the crawl's loop.
 */
public final class Throttle {

    /** The least delay after a slow-down. */
    public static final long MIN_BACKOFF_NANOS = 250_000_000L;
    /** The most delay a slow-down can reach (a larger Crawl-delay or Retry-After still holds). */
    public static final long MAX_BACKOFF_NANOS = 60_000_000_000L;
    /** How much each success cuts from the delay. */
    public static final long STEP_NANOS = 50_000_000L;
    private static final long LATENCY_MARGIN_NANOS = 500_000_000L;
    private static final double EWMA_WEIGHT = 0.3;

    private final int maxConcurrency;
    private long floorNanos;
    private long delayNanos;
    private int limit;
    private int successes;
    private double latencyEwma = -1;
    private double bestLatency = Double.MAX_VALUE;
    private long lastSlowDown = Long.MIN_VALUE / 2;
    private int slowDowns;

    /**
     * A throttle at full speed.
     *
     * @param floorNanos     the configured least delay between request starts
     * @param maxConcurrency the configured most requests in flight
     */
    public Throttle(long floorNanos, int maxConcurrency) {
        this.floorNanos = floorNanos;
        this.delayNanos = floorNanos;
        this.maxConcurrency = maxConcurrency;
        this.limit = maxConcurrency;
    }

    /** {@return the current least gap between two request starts, in nanoseconds} */
    public long delayNanos() {
        return delayNanos;
    }

    /** {@return how many requests may be in flight now} */
    public int limit() {
        return limit;
    }

    /** {@return the floor of the delay (configured delay or Crawl-delay)} */
    public long floorNanos() {
        return floorNanos;
    }

    /** {@return how many times this host was slowed down} */
    public int slowDowns() {
        return slowDowns;
    }

    /**
     * Raises the floor (robots.txt's {@code Crawl-delay}); never lowers it below the configured
     * delay.
     *
     * @param nanos the new floor
     */
    public void raiseFloor(long nanos) {
        if (nanos > floorNanos) {
            floorNanos = nanos;
            delayNanos = Math.max(delayNanos, nanos);
        }
    }

    /**
     * Sets the delay (a saved state on resume); kept within the floor.
     *
     * @param nanos the delay
     */
    public void restoreDelay(long nanos) {
        delayNanos = Math.max(floorNanos, nanos);
    }

    /**
     * A response that was not a slow-down signal.
     *
     * @param latencyNanos how long it took
     * @param now          the loop's clock
     */
    public void onSuccess(long latencyNanos, long now) {
        // A request sent before the last slow-down tells how the host coped with the old pace, not
        // with the new one: it neither slows the host down again nor speeds it back up (TCP reacts
        // once per window). Without this, the answers still in flight at a slow-down kept the
        // average high and doubled the delay again and again, to tens of seconds after one burst.
        if (now - latencyNanos < lastSlowDown) {
            return;
        }
        latencyEwma = latencyEwma < 0 ? latencyNanos : EWMA_WEIGHT * latencyNanos + (1 - EWMA_WEIGHT) * latencyEwma;
        bestLatency = Math.min(bestLatency, latencyEwma);
        if (latencyEwma > 3 * bestLatency && latencyEwma > bestLatency + LATENCY_MARGIN_NANOS) {
            onSlowDown(now);
            return;
        }
        delayNanos = Math.max(floorNanos, delayNanos - STEP_NANOS);
        if (++successes >= limit) {
            successes = 0;
            limit = Math.min(maxConcurrency, limit + 1);
        }
    }

    /**
     * A sign that the host is struggling: 429, 503, a timeout, rising latency.
     *
     * @param now the loop's clock
     * @return true if it took effect (false inside the hold-off after the previous one)
     */
    public boolean onSlowDown(long now) {
        long holdOff = Math.max(delayNanos, 1_000_000_000L);
        if (now - lastSlowDown < holdOff) {
            return false;
        }
        lastSlowDown = now;
        latencyEwma = -1; // measured afresh, at the new pace
        slowDowns++;
        successes = 0;
        limit = Math.max(1, limit / 2);
        long doubled = delayNanos > MAX_BACKOFF_NANOS / 2 ? MAX_BACKOFF_NANOS : delayNanos * 2;
        delayNanos = Math.max(floorNanos, Math.min(MAX_BACKOFF_NANOS, Math.max(doubled, MIN_BACKOFF_NANOS)));
        return true;
    }
}
