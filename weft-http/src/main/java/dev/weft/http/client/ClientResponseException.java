package dev.weft.http.client;

import dev.weft.http.Headers;
import java.net.URI;

/**
 * Thrown by {@link ClientResponse#raiseForStatus()} for a status of 400 or more (aiohttp's
 * {@code ClientResponseError}); carries what is needed to report it.
 */
public class ClientResponseException extends ClientException {

    /** The response's status code. */
    private final int status;
    /** The response's reason phrase. */
    private final String reason;
    /** The URL that answered. */
    private final URI url;
    /** The response's header fields. */
    private final Headers headers;

    /**
     * A failed response.
     *
     * @param status the HTTP status code
     * @param reason the reason
     * @param url the URL
     * @param headers the headers
     */
    public ClientResponseException(int status, String reason, URI url, Headers headers) {
        super(status + " " + reason + " for " + url);
        this.status = status;
        this.reason = reason;
        this.url = url;
        this.headers = headers;
    }

    /** {@return the status code} */
    public int status() {
        return status;
    }

    /** {@return the reason phrase} */
    public String reason() {
        return reason;
    }

    /** {@return the URL that answered} */
    public URI url() {
        return url;
    }

    /** {@return the response's headers} */
    public Headers headers() {
        return headers;
    }
}
