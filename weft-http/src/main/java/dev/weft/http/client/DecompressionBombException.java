package dev.weft.http.client;

/**
 * A compressed response body inflated beyond {@link DecompressionLimits}: either more bytes
 * than allowed, or a ratio of inflated to compressed bytes no honest body has. The connection
 * is closed; nothing more is inflated.
 */
public class DecompressionBombException extends ClientException {

    /**
     * A body refused for {@code message}.
     *
     * @param message the detail message
     */
    public DecompressionBombException(String message) {
        super(message);
    }
}
