package dev.weft.crawler.frontier;

/**
 * A URL waiting to be crawled: one row of the {@code frontier} table. Immutable.
 *
 * @param url      the canonical URL (the key)
 * @param depth    links followed from a seed (seeds are 0)
 * @param referrer the canonical URL of the page that linked to it, or null for a seed
 * @param seq      its place in discovery order (breadth-first within a host)
 */
public record FrontierEntry(String url, int depth, String referrer, long seq) {

    /** {@return the origin ({@code scheme://host[:port]}) it belongs to} */
    public String origin() {
        return UrlNormalizer.origin(url);
    }
}
