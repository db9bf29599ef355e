package dev.weft.crawler;

/**
 * The per-page callback (a Scrapy spider's {@code parse}, a Colly {@code OnHTML}). Called for
 * every page that answered 2xx, in the page's own task on the crawl's loop, after the page was
 * parsed off the loop: it may block like any Weft task (a JDBC call, {@code Weft.sleep}); long
 * CPU work belongs in {@code Weft.toThread}. An exception is stored as the page's error
 * ({@code callback: …}); the page's own links are still followed, its items and
 * {@link PageContext#follow} links are dropped.
 */
@FunctionalInterface
public interface PageHandler {

    /**
     * Handles a page.
     *
     * @param page the page
     * @param ctx  emits items, follows links
     * @throws Exception anything: stored as the page's error
     */
    void handle(Page page, PageContext ctx) throws Exception;
}
