package dev.weft.http.client;

import dev.weft.http.Headers;
import java.net.URI;

/**
 * Thrown by {@link ClientResponse#raiseForStatus()} for a status of 400 or more (aiohttp's
 * {@code ClientResponseError}); carries what is needed to report it.
 */
public class ClientResponseException extends ClientException {

    private final int status;
    private final String reason;
    private final URI url;
    private final Headers headers;

    /** A failed response. */
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
