package dev.weft.crawler;

import dev.weft.crawler.parse.FieldRule;
import dev.weft.crawler.store.Store;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** Every setting of a crawl, as the {@link Crawler.Builder} checked them. Immutable. */
record CrawlConfig(List<String> seeds, long maxPages, int maxDepth, long maxPagesPerHost, int concurrency,
        int perHost, Duration delay, Scope scope, List<Pattern> allow, List<Pattern> deny, List<FieldRule> fields,
        Duration timeout, int retries, String userAgent, boolean ignoreRobots, boolean followNofollow,
        boolean sitemaps, long maxBodySize, int maxUrlLength, boolean sortQuery, int maxRedirects,
        Duration maxHostWait, List<HostLimits> hostLimits, String storeUri, Store store, boolean resume,
        PageHandler onPage, Consumer<Object> onItem, List<CrawlListener> listeners, Duration progressInterval,
        Duration stopGrace, EngineTrace trace, int windowPerHost, int windowTotal, dev.weft.net.TlsOptions tls,
        boolean http2, boolean allowPrivateAddresses, dev.weft.net.Resolver resolver,
        java.util.function.Predicate<java.net.InetAddress> publicAddress, long largeBodyMemory) {

    /** The settings worth recording with the crawl (the crawl row's {@code settings}). */
    Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("maxPages", maxPages == Long.MAX_VALUE ? null : maxPages);
        m.put("maxDepth", maxDepth);
        m.put("maxPagesPerHost", maxPagesPerHost == Long.MAX_VALUE ? null : maxPagesPerHost);
        m.put("concurrency", concurrency);
        m.put("perHost", perHost);
        m.put("delayMs", delay.toMillis());
        m.put("scope", scope.name());
        m.put("allow", allow.stream().map(Pattern::pattern).toList());
        m.put("deny", deny.stream().map(Pattern::pattern).toList());
        m.put("extract", fields.stream().map(f -> f.name() + "=" + f.selector()
                + (f.attribute() == null ? "" : "@" + f.attribute())).toList());
        m.put("timeoutMs", timeout.toMillis());
        m.put("retries", retries);
        m.put("userAgent", userAgent);
        m.put("ignoreRobots", ignoreRobots);
        m.put("followNofollow", followNofollow);
        m.put("sitemaps", sitemaps);
        m.put("maxBodySize", maxBodySize);
        m.put("maxUrlLength", maxUrlLength);
        m.put("sortQuery", sortQuery);
        m.put("tlsVerification", !tls.isInsecure());
        m.put("allowPrivateAddresses", allowPrivateAddresses);
        m.put("http2", http2);
        return m;
    }
}
