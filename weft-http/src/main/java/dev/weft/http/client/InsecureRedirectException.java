package dev.weft.http.client;

import java.net.URI;

/**
 * A redirect from https to http was refused (it would send the request, its cookies and
 * credentials in the clear). Allow it with {@link ClientSession.Builder#allowInsecureRedirects}.
 */
public class InsecureRedirectException extends ClientException {

    /**
     * A refused redirect from {@code from} to {@code to}.
     *
     * @param from the https URL redirected from
     * @param to the http URL it led to
     */
    public InsecureRedirectException(URI from, URI to) {
        super("refused a redirect from https to http: " + from + " -> " + to);
    }
}
