package dev.weft.http.client;

/**
 * The server closed the connection before the response was complete: before the status line
 * (aiohttp's {@code ServerDisconnectedError}) or in the middle of the body
 * ({@code ClientPayloadError}). The connection is never reused.
 */
public class ServerDisconnectedException extends ClientException {

    /**
     * A disconnection described by {@code message}.
     *
     * @param message the detail message
     * @param cause the cause
     */
    public ServerDisconnectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
