package dev.weft.crawler.store;

/**
 * A store cannot be opened, written or read: the message says which store and why (a read-only
 * file, a wrong password, a server that is down). The crawl stops; what was committed stays,
 * and {@code --resume} continues from there once the store works.
 */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception.
     *
     * @param message what went wrong, naming the store
     * @param cause   the driver's exception
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * An exception.
     *
     * @param message what went wrong, naming the store
     */
    public StoreException(String message) {
        super(message);
    }
}
