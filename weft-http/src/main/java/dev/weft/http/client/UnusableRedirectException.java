package dev.weft.http.client;

/**
 * A redirect that cannot be followed: its {@code Location} is malformed, or leads somewhere
 * other than http or https ({@code ftp:}, {@code file:}, {@code data:}...). The server did
 * answer, with a 3xx the client cannot act on — unlike a connection failure, trying again gets
 * the same answer.
 */
public class UnusableRedirectException extends ClientException {

    /**
     * A redirect refused for {@code message}.
     *
     * @param message what was wrong with it
     * @param cause   the parse failure, or null
     */
    public UnusableRedirectException(String message, Throwable cause) {
        super(message, cause);
    }
}
