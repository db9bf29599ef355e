package dev.weft.crawler.store;

import java.time.Instant;

/**
 * One row of the {@code hosts} table: a host's state that outlives a run, so that a resumed
 * crawl meets the host at the pace it left it (a host that refused a pace is not hit at full
 * speed again because the crawler restarted). Immutable.
 *
 * @param host           the origin, {@code scheme://host[:port]}
 * @param pages          pages stored for it
 * @param delayMs        its adaptive delay between request starts, in milliseconds
 * @param crawlDelayMs   its robots.txt {@code Crawl-delay} in milliseconds, or -1
 * @param deferred       why it was set aside, or null
 * @param concurrency    its adaptive limit of requests in flight, or 0 when not known
 * @param refusedMs      the delay at which it last struggled (the throttle recovers carefully
 *                       near it), in milliseconds, or -1
 * @param blockedUntil   until when its {@code Retry-After} blocks it, or null
 */
public record HostRow(String host, long pages, long delayMs, long crawlDelayMs, String deferred, int concurrency,
        long refusedMs, Instant blockedUntil) {

    /**
     * A row with no adaptive state beyond the delay (a host at full concurrency, never refused,
     * not blocked).
     *
     * @param host         the origin
     * @param pages        pages stored for it
     * @param delayMs      its delay between request starts, in milliseconds
     * @param crawlDelayMs its robots.txt {@code Crawl-delay} in milliseconds, or -1
     * @param deferred     why it was set aside, or null
     */
    public HostRow(String host, long pages, long delayMs, long crawlDelayMs, String deferred) {
        this(host, pages, delayMs, crawlDelayMs, deferred, 0, -1, null);
    }
}
