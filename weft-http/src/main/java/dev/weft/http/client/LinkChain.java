package dev.weft.http.client;

import java.io.IOException;
import java.util.List;

/**
 * The {@link Link.Chain} handed to the link at {@code index}: proceeding calls that link with the
 * chain of the links after it. Immutable; one per link per request.
 *
 * @param links   every link of the session, the last one answers without proceeding
 * @param index   the link {@link #proceed} calls
 * @param request the request as the previous link handed it on
 * @param call    the call it belongs to
 */
record LinkChain(List<Link> links, int index, HopRequest request, Call call) implements Link.Chain {

    /** Runs {@code request} through all of {@code links}. */
    static ClientResponse run(List<Link> links, HopRequest request, Call call) throws IOException {
        return new LinkChain(links, 0, request, call).proceed(request);
    }

    @Override
    public ClientResponse proceed(HopRequest next) throws IOException {
        if (index >= links.size()) {
            throw new IllegalStateException("the last link of the chain must answer, not proceed");
        }
        return links.get(index).intercept(new LinkChain(links, index + 1, next, call));
    }
}
