package dev.weft.http.client;

import java.io.IOException;
import java.util.Map;

/**
 * The shorthands of a client, one per HTTP method, over its one {@link #request(ClientRequest)}:
 * shared by {@link ClientSession} (from a task) and {@link BlockingClient} (from any thread).
 */
public interface HttpMethods {

    /**
     * Sends {@code req}; what the response holds depends on the client (see its own Javadoc).
     *
     * @param req the request
     * @return the response
     * @throws IOException if the request cannot be sent or the response cannot be read
     */
    ClientResponse request(ClientRequest req) throws IOException;

    /**
     * GET {@code url}.
     *
     * @param url the URL
     * @return the response
     * @throws IOException if the request cannot be sent or the response cannot be read
     */
    default ClientResponse get(String url) throws IOException {
        return request(ClientRequest.builder("GET", url).build());
    }

    /**
     * GET {@code url} with query parameters.
     *
     * @param url the URL
     * @param params the query parameters, added to the URL's own
     * @return the response
     * @throws IOException if the request cannot be sent or the response cannot be read
     */
    default ClientResponse get(String url, Map<String, ?> params) throws IOException {
        return request(ClientRequest.builder("GET", url).query(params).build());
    }

    /**
     * HEAD {@code url}.
     *
     * @param url the URL
     * @return the response
     * @throws IOException if the request cannot be sent or the response cannot be read
     */
    default ClientResponse head(String url) throws IOException {
        return request(ClientRequest.builder("HEAD", url).build());
    }

    /**
     * OPTIONS {@code url}.
     *
     * @param url the URL
     * @return the response
     * @throws IOException if the request cannot be sent or the response cannot be read
     */
    default ClientResponse options(String url) throws IOException {
        return request(ClientRequest.builder("OPTIONS", url).build());
    }

    /**
     * DELETE {@code url}.
     *
     * @param url the URL
     * @return the response
     * @throws IOException if the request cannot be sent or the response cannot be read
     */
    default ClientResponse delete(String url) throws IOException {
        return request(ClientRequest.builder("DELETE", url).build());
    }

    /**
     * POST {@code body} to {@code url}.
     *
     * @param url the URL
     * @param body the body
     * @return the response
     * @throws IOException if the request cannot be sent or the response cannot be read
     */
    default ClientResponse post(String url, Body body) throws IOException {
        return request(ClientRequest.builder("POST", url).body(body).build());
    }

    /**
     * PUT {@code body} at {@code url}.
     *
     * @param url the URL
     * @param body the body
     * @return the response
     * @throws IOException if the request cannot be sent or the response cannot be read
     */
    default ClientResponse put(String url, Body body) throws IOException {
        return request(ClientRequest.builder("PUT", url).body(body).build());
    }

    /**
     * PATCH {@code url} with {@code body}.
     *
     * @param url the URL
     * @param body the body
     * @return the response
     * @throws IOException if the request cannot be sent or the response cannot be read
     */
    default ClientResponse patch(String url, Body body) throws IOException {
        return request(ClientRequest.builder("PATCH", url).body(body).build());
    }

    /**
     * Any method on {@code url}, no body.
     *
     * @param method the method, e.g. {@code PROPFIND}
     * @param url the URL
     * @return the response
     * @throws IOException if the request cannot be sent or the response cannot be read
     */
    default ClientResponse request(String method, String url) throws IOException {
        return request(ClientRequest.builder(method, url).build());
    }
}
