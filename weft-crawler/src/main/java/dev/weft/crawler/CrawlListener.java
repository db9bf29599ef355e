package dev.weft.crawler;

import dev.weft.crawler.store.PageRecord;

/**
 * Watches a crawl (progress bars, logs). Every method runs on the crawl's loop: keep it short
 * and do not block. Exceptions are logged and ignored.
 */
public interface CrawlListener {

    /**
     * A periodic snapshot (every {@code progressInterval}, one second by default).
     *
     * @param stats the counters now
     */
    default void progress(CrawlStats stats) {
    }

    /**
     * A page's row was made (it is in the store once its batch commits, a fraction of a second
     * later).
     *
     * @param page the row
     */
    default void pageDone(PageRecord page) {
    }

    /**
     * The crawl ended (finished, stopped or failed); everything is flushed.
     *
     * @param stats the final counters
     */
    default void finished(CrawlStats stats) {
    }
}
