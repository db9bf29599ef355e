package dev.weft.http.server;

/**
 * Answers one HTTP request (aiohttp's handler coroutine). A plain blocking-style method: it runs
 * in the connection's task, so it may read the body, sleep, call other services and so on
 * without blocking its loop. Requests on one connection are handled one after another; other
 * connections run concurrently.
 *
 * <pre>{@code
 * Handler hello = request -> Response.text("Hello, " + request.query("name"));
 * }</pre>
 *
 * <p>An exception becomes a {@code 500 Internal Server Error} (logged, never sent to the client),
 * except {@link HttpStatusException}, which becomes its status.
 */
@FunctionalInterface
public interface Handler {

    /**
     * The response to {@code request}.
     *
     * @param request the request
     * @return the response to {@code request}
     * @throws Exception what the code throws
     */
    Response handle(Request request) throws Exception;
}
