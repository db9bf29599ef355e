package dev.weft.http;

import java.io.IOException;

/**
 * A message broke the HTTP/1.1 rules or a limit: malformed start line or header, an ambiguous
 * body length (a request-smuggling attempt), a bad chunk, an oversized part. {@link #status()}
 * is what a server answers before closing the connection.
 */
public class HttpProtocolException extends IOException {

    /** The status to answer with (400, 413, 431, 501, 502…). */
    private final int status;

    /**
     * A violation a server answers with {@code status} (400, 413, 414, 431, 501 or 505).
     *
     * @param status the HTTP status code
     * @param message the detail message
     */
    public HttpProtocolException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** {@return the status code that fits this violation} */
    public int status() {
        return status;
    }
}
