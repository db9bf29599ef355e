package dev.weft.http.client;

import java.net.URI;

/**
 * A response body larger than a session lets {@link ClientResponse#bytes()},
 * {@link ClientResponse#text()} or {@link ClientResponse#json()} keep in memory (see
 * {@link ClientSession.Builder#maxBodySize(long)}). It is thrown before anything is read when
 * {@code Content-Length} already says so, else as soon as one byte too many arrives. The
 * connection is closed, never given back half-read. To handle such a body, read it as a
 * stream with {@link ClientResponse#bodyStream()}, which has no cap.
 */
public class BodyTooLargeException extends ClientException {

    /** The URL whose body was too large. */
    private final URI url;
    /** The limit in bytes it went past. */
    private final long limit;

    /**
     * The body of {@code url} exceeds {@code limit} bytes; {@code message} says how it was found out.
     *
     * @param url the URL
     * @param limit the limit
     * @param message the detail message
     */
    public BodyTooLargeException(URI url, long limit, String message) {
        super(message);
        this.url = url;
        this.limit = limit;
    }

    /** {@return the URL whose body was refused} */
    public URI url() {
        return url;
    }

    /** {@return the limit in bytes that the body exceeds} */
    public long limit() {
        return limit;
    }
}
