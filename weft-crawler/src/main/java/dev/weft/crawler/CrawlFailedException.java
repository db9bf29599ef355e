package dev.weft.crawler;

/**
 * The crawl could not go on for a reason of its own process, not of a site or the store: it ran
 * out of memory. It stopped as cleanly as it could — what was committed stays, the pages in
 * flight are still in the frontier — and the message says what to change before
 * {@code --resume} (more heap, a smaller body cap). The CLI exits with status 1.
 */
public class CrawlFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception.
     *
     * @param message what went wrong and what to change
     * @param cause   the error behind it
     */
    public CrawlFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
