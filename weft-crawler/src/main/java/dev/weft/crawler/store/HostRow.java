package dev.weft.crawler.store;

/**
 * One row of the {@code hosts} table: a host's state that outlives a run. Immutable.
 *
 * @param host         the origin, {@code scheme://host[:port]}
 * @param pages        pages stored for it
 * @param delayMs      its adaptive delay between request starts, in milliseconds
 * @param crawlDelayMs its robots.txt {@code Crawl-delay} in milliseconds, or -1
 * @param deferred     why it was set aside, or null
 */
public record HostRow(String host, long pages, long delayMs, long crawlDelayMs, String deferred) {
}
