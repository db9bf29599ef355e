package dev.weft.http.server;

/**
 * Thrown by a handler to answer with an error status (aiohttp's {@code web.HTTPException}):
 * {@code throw new HttpStatusException(404, "no such user")} sends a 404 whose plain-text body is
 * the message.
 */
public class HttpStatusException extends RuntimeException {

    /** The status to answer with. */
    private final int status;

    /**
     * An error answered with {@code status} and {@code message} as the body.
     *
     * @param status the HTTP status code
     * @param message the detail message
     */
    public HttpStatusException(int status, String message) {
        super(message);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("not an error status: " + status);
        }
        this.status = status;
    }

    /** {@return the status to answer with} */
    public int status() {
        return status;
    }
}
