package dev.weft.http.client;

import java.io.IOException;

/**
 * The base of the client's own failures (aiohttp's {@code ClientError}). Timeouts are
 * {@link ClientTimeoutException}, a {@link java.net.SocketTimeoutException}, as the Java
 * convention wants; malformed responses are {@link dev.weft.http.HttpProtocolException}.
 */
public class ClientException extends IOException {

    /**
     * A failure described by {@code message}.
     *
     * @param message the detail message
     */
    public ClientException(String message) {
        super(message);
    }

    /**
     * A failure described by {@code message}, caused by {@code cause}.
     *
     * @param message the detail message
     * @param cause the cause
     */
    public ClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
