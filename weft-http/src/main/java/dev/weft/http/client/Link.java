package dev.weft.http.client;

import java.io.IOException;

/**
 * One concern of sending a request, as one link of a chain (OkHttp's interceptor chain): a link
 * looks at the request, hands it, changed or not, to the next link with {@link Chain#proceed},
 * and looks at the response on its way back. {@link ClientSession} builds the chain:
 *
 * <pre>
 *   ClientSession.request    the loop check, the total time limit, trace start and end, raiseForStatus
 *        |  a HopRequest (the caller's request with the session's defaults)
 *        v
 *   RedirectLink             follows 3xx: one hop per Location, method rewritten (303, and
 *        |  one per hop       301/302 after POST), credentials dropped on leaving the site, history
 *        v
 *   HeaderLink               the headers that go out: Host, default headers, User-Agent, Accept,
 *        |                   Accept-Encoding, Authorization, Proxy-Authorization, Cookie, the
 *        |                   body's Content-Type and framing; stores the answer's Set-Cookie
 *        v
 *   ExchangeLink (last)      a pooled or new connection (pool and connect limits), the
 *        |                   {@link Exchange} of its protocol, a second attempt on a fresh
 *        |                   connection when the exchange asks for one (stale connection, 417)
 *        v
 *   Http1Exchange            head and body written (Expect: 100-continue), interim answers
 *                            skipped, the final head read, the body framed: a ClientResponse
 * </pre>
 *
 * <p>Links are made once per session and shared by its requests: what belongs to one request
 * travels in the {@link HopRequest} and the {@link Call}. They run in the request's task.
 * docs/architecture.md ("The HTTP client: one request's path") numbers the steps and says where
 * HTTP/2 plugs in ({@link Http2Exchange}, over {@link Http2Connections}).
 */
interface Link {

    /**
     * Does this link's part of {@code chain.request()}, calling {@code chain.proceed} for the rest.
     *
     * @param chain the request and the links after this one
     * @return the response, its body unread
     * @throws IOException as {@link ClientSession#request(ClientRequest)} documents
     */
    ClientResponse intercept(Chain chain) throws IOException;

    /** What a link sees of the chain: its request, the call it belongs to, and the way on. */
    interface Chain {

        /** The request as the previous link handed it on. */
        HopRequest request();

        /** The call this request belongs to (its time limits). */
        Call call();

        /**
         * Hands {@code request} to the next link and returns what comes back.
         *
         * @param request the request for the rest of the chain
         * @return the response, its body unread
         * @throws IOException as {@link ClientSession#request(ClientRequest)} documents
         */
        ClientResponse proceed(HopRequest request) throws IOException;
    }
}
