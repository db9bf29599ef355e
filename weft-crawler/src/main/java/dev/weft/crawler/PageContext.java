package dev.weft.crawler;

import java.util.List;

/**
 * What a {@link PageHandler} can do with a page: emit items and choose the links to follow
 * (Scrapy's {@code yield item} and {@code yield response.follow(url)}). Valid only during the
 * callback; not thread-safe.
 */
public interface PageContext {

    /**
     * Emits an item: a record, a map or any object Jackson can write. It is stored with the page
     * (the {@code items} table, or the page's {@code items} in JSONL) in the same transaction,
     * and given to the {@code onItem} sink.
     *
     * @param item the item
     */
    void emit(Object item);

    /**
     * Follows one more link (relative links are resolved against the page), subject to the
     * crawl's scope, rules and limits like any other link.
     *
     * @param url an absolute or relative URL
     */
    void follow(String url);

    /** {@return the links that will be followed after the callback (the page's, then {@link #follow}'s)} */
    List<String> links();

    /** Follows none of the page's own links (only those given to {@link #follow} afterwards). */
    void dontFollowLinks();

    /** {@return the crawl's live counters} */
    CrawlStats stats();
}
