package dev.weft.http.client;

import java.net.URI;
import java.util.List;

/** A request was redirected more times than allowed (aiohttp's {@code TooManyRedirects}). */
public class TooManyRedirectsException extends ClientException {

    /** The URLs followed, in order. */
    private final List<URI> chain;

    /**
     * The redirects seen, in order.
     *
     * @param max the maximum
     * @param chain the chain
     */
    public TooManyRedirectsException(int max, List<URI> chain) {
        super("more than " + max + " redirects: " + chain);
        this.chain = List.copyOf(chain);
    }

    /** {@return the URLs visited, in order} */
    public List<URI> chain() {
        return chain;
    }
}
