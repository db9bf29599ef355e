package dev.weft.http.client;

import java.net.SocketTimeoutException;

/**
 * A limit of {@link ClientTimeout} expired (aiohttp raises {@code asyncio.TimeoutError}). A
 * {@link SocketTimeoutException}, so code that catches socket timeouts catches it too.
 */
public class ClientTimeoutException extends SocketTimeoutException {

    /** Which limit expired. */
    public enum Kind {
        /** {@link ClientTimeout#total()}. */
        TOTAL,
        /** {@link ClientTimeout#connect()}. */
        CONNECT,
        /** {@link ClientTimeout#sockConnect()}. */
        SOCK_CONNECT,
        /** {@link ClientTimeout#sockRead()}. */
        SOCK_READ,
        /** {@link ClientTimeout#poolAcquire()}. */
        POOL_ACQUIRE
    }

    /** Which time limit ran out. */
    private final Kind kind;

    /**
     * A timeout of {@code kind}.
     *
     * @param kind which time limit ran out
     * @param message the detail message
     */
    public ClientTimeoutException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** {@return which limit expired} */
    public Kind kind() {
        return kind;
    }
}
