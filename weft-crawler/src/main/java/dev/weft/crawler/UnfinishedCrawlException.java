package dev.weft.crawler;

import dev.weft.crawler.store.StoreException;

/**
 * A crawl was started into a store that holds an unfinished crawl, without {@code resume}: the
 * two are never silently mixed. Continue it with {@code resume(true)} ({@code --resume}), or
 * use another store.
 */
public class UnfinishedCrawlException extends StoreException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception.
     *
     * @param message what the store holds and what to do
     */
    public UnfinishedCrawlException(String message) {
        super(message);
    }
}
