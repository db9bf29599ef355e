package dev.weft.http.client;

import dev.weft.http.Headers;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import javax.net.ssl.SSLSession;

/**
 * Callbacks at the steps of a request (aiohttp's {@code TraceConfig} signals); every method
 * does nothing by default, so implement only those you need. They run in the requesting task,
 * in this order for one request:
 *
 * <pre>
 * requestStart
 *   [connectionQueuedStart, connectionQueuedEnd]        waited for a pool slot
 *   connectionReused | connectionCreateStart
 *                        [dnsResolveStart, dnsResolveEnd]
 *                        [tlsHandshakeEnd]
 *                      connectionCreateEnd
 *   requestHeadersSent
 *   responseFirstByte                                   status line and headers are in
 *   [redirect, then again from connectionReused/…]
 * requestEnd | requestException
 * responseBodyEnd                                       the body was read to its end
 * </pre>
 *
 * Keep them short: they run on the loop. Exceptions they throw are logged and ignored.
 */
public interface TraceListener {

    /**
     * A request starts.
     *
     * @param method the HTTP method
     * @param url the URL
     * @param headers the headers
     */
    default void requestStart(String method, URI url, Headers headers) {
    }

    /**
     * The request waits for a pool slot.
     *
     * @param origin the origin
     */
    default void connectionQueuedStart(Origin origin) {
    }

    /**
     * The request got a pool slot.
     *
     * @param origin the origin
     */
    default void connectionQueuedEnd(Origin origin) {
    }

    /**
     * An idle keep-alive connection is reused.
     *
     * @param origin the origin
     */
    default void connectionReused(Origin origin) {
    }

    /**
     * A new connection is being opened.
     *
     * @param origin the origin
     */
    default void connectionCreateStart(Origin origin) {
    }

    /**
     * A new connection is open (TLS included).
     *
     * @param origin the origin
     */
    default void connectionCreateEnd(Origin origin) {
    }

    /**
     * A host name is being resolved.
     *
     * @param host the host name or address
     */
    default void dnsResolveStart(String host) {
    }

    /**
     * A host name was resolved.
     *
     * @param host the host name or address
     * @param addresses the addresses
     */
    default void dnsResolveEnd(String host, List<InetAddress> addresses) {
    }

    /**
     * A TLS handshake completed.
     *
     * @param origin the origin
     * @param session the session
     */
    default void tlsHandshakeEnd(Origin origin, SSLSession session) {
    }

    /**
     * The request head was written, and the body with it unless the request waits for
     * {@code 100 Continue} ({@code Expect: 100-continue}).
     *
     * @param method the HTTP method
     * @param url the URL
     * @param headers the headers
     */
    default void requestHeadersSent(String method, URI url, Headers headers) {
    }

    /**
     * An interim (1xx) response arrived before the final one: {@code 100 Continue}, or
     * {@code 103 Early Hints} whose {@code Link} headers name resources to preload. The client
     * skips it and goes on waiting.
     *
     * @param method the HTTP method
     * @param url the URL
     * @param status the HTTP status code
     * @param headers the headers
     */
    default void interimResponse(String method, URI url, int status, Headers headers) {
    }

    /**
     * The response head arrived.
     *
     * @param method the HTTP method
     * @param url the URL
     * @param status the HTTP status code
     */
    default void responseFirstByte(String method, URI url, int status) {
    }

    /**
     * A redirect is followed.
     *
     * @param method the HTTP method
     * @param from the URL that answered with the redirect
     * @param to the URL redirected to
     * @param status the HTTP status code
     */
    default void redirect(String method, URI from, URI to, int status) {
    }

    /**
     * The final response's head arrived; the call returns it.
     *
     * @param method the HTTP method
     * @param url the URL
     * @param status the HTTP status code
     */
    default void requestEnd(String method, URI url, int status) {
    }

    /**
     * The request failed.
     *
     * @param method the HTTP method
     * @param url the URL
     * @param error the error
     */
    default void requestException(String method, URI url, Throwable error) {
    }

    /**
     * The response body was read to its end ({@code bytes}: as received, before decompression).
     *
     * @param method the HTTP method
     * @param url the URL
     * @param bytes the number of bytes
     */
    default void responseBodyEnd(String method, URI url, long bytes) {
    }
}
