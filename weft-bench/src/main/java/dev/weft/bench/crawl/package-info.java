/**
 * The crawler's benchmarks that need no peer process ({@code ./weft bench crawl}, docs/benchmarks.md
 * section 7): {@link dev.weft.bench.crawl.FrontierScale}, the seen set and frontier at ten million
 * URLs, and {@link dev.weft.bench.crawl.StoreThroughput}, rows per second into SQLite, PostgreSQL
 * and MariaDB with the crawler's own batches. The crawls themselves (Weft, Scrapy, crawler4j) are
 * driven by {@code weft-bench/python/crawlbench.py}.
 */
package dev.weft.bench.crawl;
