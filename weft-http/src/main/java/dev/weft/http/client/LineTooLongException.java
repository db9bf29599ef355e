package dev.weft.http.client;

/**
 * A line of a response body is longer than the cap of {@link ClientResponse#lines(int)} (64 KiB
 * by default): a server sending an endless line cannot make the client buffer it without bound.
 * The response's connection is closed.
 */
public class LineTooLongException extends ClientException {

    /**
     * A line over the cap, described by {@code message}.
     *
     * @param message what was too long, and how to read it otherwise
     */
    public LineTooLongException(String message) {
        super(message);
    }
}
