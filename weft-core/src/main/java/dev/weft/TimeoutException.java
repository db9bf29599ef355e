package dev.weft;

/**
 * Thrown when a deadline passes: by {@link Weft#waitFor}, {@link Weft#withTimeout} and every
 * operation that takes a timeout (asyncio's {@code TimeoutError}). Unchecked, unlike
 * {@link java.util.concurrent.TimeoutException}, whose checked variant users would hate in
 * lambdas.
 */
public class TimeoutException extends RuntimeException {

    /**
     * Creates a timeout with a message naming what timed out.
     *
     * @param message the detail message
     */
    public TimeoutException(String message) {
        super(message);
    }

    /**
     * Creates a timeout with a message and the cancellation it replaced.
     *
     * @param message the detail message
     * @param cause the cause
     */
    public TimeoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
