package dev.weft.http.client;

import java.io.IOException;

/**
 * Sends one request on one connection and gives back the response with its body unread: the
 * protocol's part of a request, below every {@link Link}. {@link ExchangeLink} makes one per
 * attempt, for the connection it got from the pool, and picks the implementation by the
 * connection's protocol: {@link Http1Exchange} for HTTP/1.1, {@link Http2Exchange} (a stream of
 * a shared, multiplexed connection, chosen by ALPN {@code h2} or prior knowledge) for HTTP/2.
 *
 * <p>An HTTP/1.1 exchange owns its connection until it returns (an HTTP/2 one only its stream): an {@link Outcome.Answered} response
 * takes it over (and gives it back when its body is done), and on {@link Outcome.SendAgain} or
 * an exception the exchange has already given it back (closed, since it is in an unknown state).
 */
interface Exchange {

    /**
     * Sends {@code request} (its headers as {@link HeaderLink} made them) and reads the head of
     * the final response, skipping interim ones.
     *
     * @param request the request, every header final
     * @param call    the call (its time limits)
     * @return the answer, or a request to send on a new connection instead
     * @throws IOException the request failed and must not be sent again: {@link ServerDisconnectedException}
     *                     if the server closed the connection without answering, a {@link ClientTimeoutException},
     *                     an {@link dev.weft.http.HttpProtocolException}, or the request body's own failure as is
     */
    Outcome send(HopRequest request, Call call) throws IOException;

    /** What one exchange came to. */
    sealed interface Outcome {

        /**
         * The server answered.
         *
         * @param response the final response, its body unread
         */
        record Answered(ClientResponse response) implements Outcome {
        }

        /**
         * No answer to keep, and sending {@code request} again on a new connection is safe: the
         * reused connection had been closed by the server, or it refused the expectation
         * ({@code 417}) before any of the body went out.
         *
         * @param request what to send on the new connection
         */
        record SendAgain(HopRequest request) implements Outcome {
        }
    }
}
