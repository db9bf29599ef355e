package dev.weft.http.client;

import dev.weft.EventLoop;
import dev.weft.TaskFailedException;
import dev.weft.Weft;
import dev.weft.http.Headers;
import dev.weft.http.codec.BodyFraming;
import dev.weft.http.codec.BodyReader;
import dev.weft.http.codec.Http1Parser;
import dev.weft.http.codec.Http1Writer;
import dev.weft.http.HttpLimits;
import dev.weft.http.HttpProtocolException;
import dev.weft.http.codec.ResponseHead;
import dev.weft.internal.Loggers;
import dev.weft.net.Resolver;
import dev.weft.net.StreamWriter;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * An HTTP/1.1 client session (aiohttp's {@code ClientSession}): a pool of keep-alive
 * connections, default headers, a cookie jar, time limits and redirect rules shared by every
 * request made through it. Make one per application (or per loop) and close it at the end.
 *
 * <pre>{@code
 * Weft.run(() -> {
 *     try (ClientSession session = ClientSession.create()) {                  // async with aiohttp.ClientSession() as session:
 *         try (ClientResponse r = session.post("http://httpbin.org/post",      //   async with session.post(url, data=data) as r:
 *                 Body.form(Map.of("name", "germey", "age", 25)))) {
 *             System.out.println(r.status() + " " + r.text());                 //     r.status, await r.text()
 *         }
 *     }
 * });
 * }</pre>
 *
 * <p><b>Loop.</b> Connections belong to an event loop, so a session belongs to the loop of
 * the task that uses it first; using it from another loop throws
 * {@link IllegalStateException}. From plain threads, use {@link BlockingClient}.
 *
 * <p><b>What a request does:</b> take a pool slot (waiting within the limits), reuse an idle
 * connection or open one (TCP, tunnel, TLS: {@link Connector}), write the head and the body
 * ({@code Content-Length}, or chunked for a stream; with {@code Expect: 100-continue}, the body
 * only once the server asks for it or {@link Builder#expectContinueTimeout(Duration)} passed),
 * read the head (skipping interim 1xx answers), store cookies, follow
 * redirects, and return the response with its body still unread. An idempotent request that
 * fails because a reused connection turned out closed by the server is sent once more on a new
 * connection; anything else is not retried (see {@link Retry}).
 *
 * <p>Thread-safe to share between the tasks of its loop.
 */
public final class ClientSession implements HttpMethods, AutoCloseable {

    private static final Logger LOG = Loggers.get(ClientSession.class);

    /** The User-Agent sent when none is given. */
    public static final String USER_AGENT = "weft-http/0.1";

    /** The default of {@link Builder#maxBodySize(long)}: 64 MiB. */
    public static final long DEFAULT_MAX_BODY_SIZE = 64L << 20;

    /** Interim (1xx) responses accepted before the final one; more is a misbehaving server. */
    private static final int MAX_INTERIM_RESPONSES = 10;


    private final ConnectionPool pool;
    private final Connector connector;
    private final ClientTimeout timeout;
    private final Headers defaultHeaders;
    private final CookieJar cookieJar;
    private final Auth auth;
    private final URI proxy;
    private final int maxRedirects;
    private final boolean allowInsecureRedirects;
    private final boolean autoDecompress;
    private final DecompressionLimits decompressionLimits;
    private final HttpLimits limits;
    private final Tracer trace;
    private final boolean raiseForStatus;
    private final Duration expectContinueTimeout;
    private final long maxBodySize;
    private final Object loopGuard = new Object();
    private EventLoop loop; // guarded by loopGuard
    private volatile boolean closed;

    private ClientSession(Builder b) {
        this.pool = new ConnectionPool(b.limit, b.limitPerHost, b.keepAlive);
        this.connector = new Connector(b.resolver, b.insecure, b.limits,
                b.tls != null ? b.tls : Connector.streamsTls(b.tlsOptions));
        this.timeout = b.timeout;
        this.defaultHeaders = b.headers.copy();
        this.cookieJar = b.cookieJar;
        this.auth = b.auth;
        this.proxy = b.proxy;
        this.maxRedirects = b.maxRedirects;
        this.allowInsecureRedirects = b.allowInsecureRedirects;
        this.autoDecompress = b.autoDecompress;
        this.decompressionLimits = b.decompressionLimits;
        this.limits = b.limits;
        this.trace = new Tracer(b.listeners);
        this.raiseForStatus = b.raiseForStatus;
        this.expectContinueTimeout = b.expectContinueTimeout;
        this.maxBodySize = b.maxBodySize;
    }

    /** A session with every default (aiohttp's {@code ClientSession()}). */
    public static ClientSession create() {
        return builder().build();
    }

    /** A builder of sessions. */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ the request

    /**
     * Sends {@code req}, following redirects, and returns the response with its body unread.
     * Call from a task of the session's loop.
     *
     * @throws ClientTimeoutException      a limit of the {@link ClientTimeout} expired
     * @throws ClientConnectionException   the server (or proxy) could not be reached
     * @throws ServerDisconnectedException the server closed the connection before answering
     * @throws TooManyRedirectsException   more redirects than allowed
     * @throws InsecureRedirectException   a redirect from https to http, not allowed
     * @throws ClientResponseException     a status of 400 or more, if the session raises for status
     * @throws HttpProtocolException       a malformed response
     */
    @Override
    public ClientResponse request(ClientRequest req) throws IOException {
        checkLoop();
        ClientTimeout t = req.timeout() != null ? req.timeout() : timeout;
        Deadline dl = Deadline.after(t.total());
        trace.requestStart(req.method(), req.url(), req.headers());
        try {
            ClientResponse r;
            if (dl.bounded()) {
                try {
                    r = Weft.withTimeout(t.total(), () -> follow(req, t, dl));
                } catch (dev.weft.TimeoutException e) {
                    throw new ClientTimeoutException(ClientTimeoutException.Kind.TOTAL, "the request to " + req.url()
                            + " took longer than " + t.total());
                } catch (TaskFailedException e) {
                    throw e.rethrowIoCause();
                }
            } else {
                r = follow(req, t, dl);
            }
            trace.requestEnd(r.method(), r.url(), r.status());
            if (raiseForStatus) {
                r.raiseForStatus();
            }
            return r;
        } catch (IOException | RuntimeException e) {
            trace.requestException(req.method(), req.url(), e);
            throw e;
        }
    }

    private ClientResponse follow(ClientRequest req, ClientTimeout t, Deadline dl) throws IOException {
        List<ClientResponse> history = new ArrayList<>();
        List<URI> chain = new ArrayList<>();
        String method = req.method();
        URI url = req.url();
        Body body = req.body();
        Headers headers = req.headers().copy();
        Auth credentials = req.auth() != null ? req.auth() : userInfoAuth(url) != null ? userInfoAuth(url) : auth;
        URI proxyUri = req.proxy() != null ? req.proxy() : proxy;
        int max = req.maxRedirects() >= 0 ? req.maxRedirects() : maxRedirects;
        while (true) {
            ClientResponse r = exchange(method, url, headers, body, credentials, proxyUri, t, dl);
            List<String> setCookies = r.headers().getAll("Set-Cookie");
            if (!setCookies.isEmpty()) {
                cookieJar.update(url, setCookies);
            }
            int s = r.status();
            String location = r.header("Location");
            boolean redirect = s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
            if (!req.allowRedirects() || !redirect || location == null) {
                r.history(history);
                return r;
            }
            boolean keepsBody = s == 307 || s == 308;
            if (keepsBody && body != null && !body.replayable()) {
                LOG.debug("not following {} from {}: the stream body cannot be sent again", s, url);
                r.history(history);
                return r;
            }
            URI next;
            try {
                next = url.resolve(ClientRequest.toUri(location));
            } catch (IllegalArgumentException e) {
                r.close();
                throw new ClientException("malformed redirect location from " + url + ": " + location, e);
            }
            String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                r.close();
                throw new ClientException("refused a redirect to a non-http URL: " + next);
            }
            try {
                Origin.of(next); // a host, a port in range
            } catch (IllegalArgumentException e) {
                r.close();
                throw new ClientException("malformed redirect location from " + url + ": " + location + " ("
                        + e.getMessage() + ")", e);
            }
            chain.add(url);
            if (history.size() >= max) {
                r.close();
                chain.add(next);
                throw new TooManyRedirectsException(max, chain);
            }
            if ("https".equalsIgnoreCase(url.getScheme()) && scheme.equals("http") && !allowInsecureRedirects) {
                r.close();
                throw new InsecureRedirectException(url, next);
            }
            r.discardSmallBody();
            history.add(r);
            trace.redirect(method, url, next, s);
            if ((s == 303 && !method.equals("HEAD")) || ((s == 301 || s == 302) && method.equals("POST"))) {
                method = "GET";
                body = null;
                headers.remove("Content-Type");
                headers.remove("Content-Length");
                headers.remove("Transfer-Encoding");
            }
            if (!Origin.of(next).sameSite(Origin.of(url))) {
                headers.remove("Authorization");
                headers.remove("Cookie");
                Auth fromUrl = userInfoAuth(next);
                credentials = fromUrl;
            }
            url = next;
        }
    }

    private ClientResponse exchange(String method, URI url, Headers userHeaders, Body body, Auth credentials,
            URI proxyUri, ClientTimeout t, Deadline dl) throws IOException {
        Origin origin = Origin.of(url);
        Origin key = origin;
        String proxyAuth = null;
        if (proxyUri != null) {
            key = origin.via(Origin.of(proxyUri));
            Auth pa = userInfoAuth(proxyUri);
            proxyAuth = pa == null ? null : pa.headerValue();
        }
        boolean forwardProxy = proxyUri != null && !origin.secure();
        Headers h = buildHeaders(method, url, origin, userHeaders, body, credentials, forwardProxy ? proxyAuth : null);
        String target = forwardProxy ? absoluteTarget(url) : originTarget(url);
        boolean expect = body != null && h.hasToken("Expect", "100-continue");
        for (int attempt = 0;; attempt++) {
            PooledConnection c = acquire(key, attempt > 0, t, dl, proxyAuth);
            Exchange x = new Exchange(c, method, url, target, h, body, t, dl);
            ResponseHead head;
            try {
                head = expect ? x.sendExpectingContinue() : x.send();
            } catch (IOException e) {
                pool.release(c, false);
                if (x.bodySourceFailed) {
                    throw e; // the caller's own body failed, not the server: never a disconnect, never retried
                }
                boolean retryable = idempotent(method) && (body == null || body.replayable() || !x.bodyStarted);
                if (attempt == 0 && c.reused() && retryable && stale(e)) {
                    LOG.debug("{} {}: the reused connection was closed by the server ({}); retrying on a new one",
                            method, url, e.toString());
                    continue;
                }
                if (stale(e)) {
                    throw new ServerDisconnectedException("the server closed the connection without answering "
                            + method + " " + url + " (" + e.getMessage() + ")", e);
                }
                throw e;
            } catch (RuntimeException | Error e) {
                pool.release(c, false);
                throw e;
            }
            if (head.status() == 417 && x.bodyWithheld && !x.bodyStarted) {
                // RFC 9110 10.1.1: a server that refuses the expectation gets the request again without it.
                pool.release(c, false);
                LOG.debug("{} {}: 417 to Expect: 100-continue; sending it again without the expectation", method, url);
                h = h.copy();
                h.remove("Expect");
                expect = false;
                continue;
            }
            trace.responseFirstByte(method, url, head.status());
            BodyReader reader;
            BodyFraming framing;
            try {
                framing = BodyFraming.ofResponse(method, head);
                reader = BodyReader.of(c.reader(), framing, limits, Long.MAX_VALUE);
            } catch (HttpProtocolException e) {
                pool.release(c, false);
                throw e;
            }
            // Not reusable: a connection the server may have switched to another protocol, or one whose
            // request body was held back (the server may still be waiting for those bytes, and would
            // read the next request as them).
            boolean keepAlive = head.keepAlive() && framing.kind() != BodyFraming.Kind.UNTIL_CLOSE
                    && !h.hasToken("Connection", "close") && head.status() != 101 && !x.bodyWithheld;
            if (x.bodyWithheld) {
                LOG.debug("{} {}: {} before the whole body was sent; the connection will be closed",
                        method, url, head.status());
            }
            return new ClientResponse(method, url, head.status(), head.reason(), head.version(), head.headers(), c,
                    pool, reader, keepAlive, dl, t, decompressionLimits, autoDecompress, trace,
                    framing.kind() == BodyFraming.Kind.NONE,
                    framing.kind() == BodyFraming.Kind.FIXED ? framing.length() : -1, maxBodySize);
        }
    }

    /** True if {@code e} means a reused connection had been closed by the server before our request. */
    private static boolean stale(IOException e) {
        return !(e instanceof HttpProtocolException) && !(e instanceof SocketTimeoutException)
                && !(e instanceof ClientException);
    }

    private PooledConnection acquire(Origin key, boolean fresh, ClientTimeout t, Deadline dl, String proxyAuth)
            throws IOException {
        Deadline connectDl = Deadline.after(t.connect());
        Duration wait = t.poolAcquire();
        ClientTimeoutException.Kind waitKind = ClientTimeoutException.Kind.POOL_ACQUIRE;
        if (connectDl.binds(wait)) {
            wait = connectDl.remaining();
            waitKind = ClientTimeoutException.Kind.CONNECT;
        }
        if (dl.binds(wait)) {
            wait = dl.remaining();
            waitKind = ClientTimeoutException.Kind.TOTAL;
        }
        try {
            return pool.acquire(key, fresh, wait, origin -> {
                Duration tcp = t.sockConnect();
                ClientTimeoutException.Kind kind = ClientTimeoutException.Kind.SOCK_CONNECT;
                if (connectDl.binds(tcp)) {
                    tcp = connectDl.remaining();
                    kind = ClientTimeoutException.Kind.CONNECT;
                }
                if (dl.binds(tcp)) {
                    tcp = dl.remaining();
                    kind = ClientTimeoutException.Kind.TOTAL;
                }
                return connector.open(origin, tcp, kind, proxyAuth, trace);
            }, trace);
        } catch (ClientTimeoutException e) {
            if (e.kind() == ClientTimeoutException.Kind.POOL_ACQUIRE && waitKind != e.kind()) {
                throw new ClientTimeoutException(waitKind, e.getMessage());
            }
            throw e;
        }
    }

    /**
     * One attempt to send a request on one connection and read the head of its final response,
     * skipping interim (1xx) responses. With {@code Expect: 100-continue} the body waits for
     * {@code 100 Continue}, for at most {@code expectContinueTimeout} (RFC 9110 section 10.1.1),
     * and is not sent at all if a final status comes first.
     */
    private final class Exchange {
        private final PooledConnection c;
        private final String method;
        private final URI url;
        private final String target;
        private final Headers h;
        private final Body body;
        private final ClientTimeout t;
        private final Deadline dl;
        private int interim;
        /** True once any byte of the body may have been taken from it. */
        boolean bodyStarted;
        /**
         * True if the final response came before the whole body was sent (before {@code 100 Continue},
         * or from a server that closed the connection while the body was going out): the server may
         * still expect the rest.
         */
        boolean bodyWithheld;
        /** True if the body's own source (the caller's stream or writer) failed, not the connection. */
        boolean bodySourceFailed;

        Exchange(PooledConnection c, String method, URI url, String target, Headers h, Body body, ClientTimeout t,
                Deadline dl) {
            this.c = c;
            this.method = method;
            this.url = url;
            this.target = target;
            this.h = h;
            this.body = body;
            this.t = t;
            this.dl = dl;
        }

        /** Writes head and body, then reads the final head. */
        ResponseHead send() throws IOException {
            StreamWriter w = c.writer();
            byte[] head = Http1Writer.requestHead(method, target, h);
            try {
                if (body instanceof Body.Fixed f && f.data.length <= 64 * 1024) {
                    byte[] all = new byte[head.length + f.data.length];
                    System.arraycopy(head, 0, all, 0, head.length);
                    System.arraycopy(f.data, 0, all, head.length, f.data.length);
                    w.write(all);
                } else {
                    w.write(head);
                    writeBody();
                }
                w.drain();
            } catch (IOException e) {
                return answerDespite(e);
            }
            trace.requestHeadersSent(method, url, h);
            return readFinalHead();
        }

        /**
         * Sending failed. If the connection broke (rather than the body's source) and the server had
         * answered before it went away, typically a {@code 413} to an upload it refused without reading
         * it, that answer is the response; otherwise the write's error is thrown.
         */
        private ResponseHead answerDespite(IOException writeError) throws IOException {
            if (!c.writer().isClosing()) {
                throw writeError; // the body's source failed, the connection is fine
            }
            ResponseHead head;
            try {
                head = readFinalHead();
            } catch (IOException | RuntimeException e) {
                writeError.addSuppressed(e);
                throw writeError;
            }
            LOG.debug("{} {}: the server answered {} and closed the connection before taking the whole request ({})",
                    method, url, head.status(), writeError.toString());
            trace.requestHeadersSent(method, url, h);
            bodyWithheld = true; // not all of the body was sent: never pooled
            return head;
        }

        /** Writes the head, waits for 100 Continue or a final status, and sends the body only if asked to. */
        ResponseHead sendExpectingContinue() throws IOException {
            StreamWriter w = c.writer();
            w.write(Http1Writer.requestHead(method, target, h));
            w.drain();
            trace.requestHeadersSent(method, url, h);
            Deadline waitEnd = Deadline.after(expectContinueTimeout);
            while (true) {
                Duration wait = waitEnd.remaining();
                if (wait.isZero()) {
                    LOG.debug("{} {}: no answer within {}; sending the body anyway", method, url,
                            expectContinueTimeout);
                    break;
                }
                // Not sockRead: the server may well be silent because it waits for the body. Only the
                // total limit can end this wait with a failure.
                boolean totalBinds = dl.binds(wait);
                ResponseHead head;
                try {
                    head = totalBinds && dl.remaining().isZero() ? null
                            : Http1Parser.readResponseHead(c.reader(), limits, dl.cap(wait), dl.cap(t.sockRead()));
                } catch (SocketTimeoutException e) { // in the header fields, after the status line
                    throw readTimeout(dl.binds(t.sockRead()));
                }
                if (head == null) {
                    if (totalBinds) {
                        throw readTimeout(true);
                    }
                    continue; // the wait for 100 Continue is over: the check above sends the body
                }
                if (head.status() == 100) {
                    interim(head);
                    break;
                }
                if (!isInterim(head)) {
                    bodyWithheld = true; // a final answer before 100 Continue: the body is never sent
                    return head;
                }
                interim(head);
            }
            try {
                writeBody();
                w.drain();
            } catch (IOException e) {
                return answerDespite(e);
            }
            return readFinalHead();
        }

        private void writeBody() throws IOException {
            if (body == null) {
                return;
            }
            bodyStarted = true;
            StreamWriter w = c.writer();
            WriterOutput out = new WriterOutput(w, body.contentLength() < 0);
            try {
                body.writeTo(out);
            } catch (IOException e) {
                bodySourceFailed = !out.failed;
                throw e;
            }
            if (body.contentLength() < 0) {
                Http1Writer.finishChunked(w);
            }
        }

        private ResponseHead readFinalHead() throws IOException {
            c.reader().setReadTimeout(dl.cap(t.sockRead()));
            boolean totalBinds = dl.binds(t.sockRead());
            try {
                ResponseHead head;
                while (isInterim(head = Http1Parser.readResponseHead(c.reader(), limits))) {
                    interim(head);
                }
                return head;
            } catch (SocketTimeoutException e) {
                throw readTimeout(totalBinds);
            }
        }

        /** Counts and reports an interim response; too many of them is an error (a server could send them forever). */
        private void interim(ResponseHead head) throws HttpProtocolException {
            if (++interim > MAX_INTERIM_RESPONSES) {
                throw new HttpProtocolException(502, "more than " + MAX_INTERIM_RESPONSES
                        + " interim (1xx) responses from " + url);
            }
            trace.interimResponse(method, url, head.status(), head.headers());
        }

        private ClientTimeoutException readTimeout(boolean totalBinds) {
            return totalBinds
                    ? new ClientTimeoutException(ClientTimeoutException.Kind.TOTAL, "the request to " + url
                            + " took longer than " + t.total())
                    : new ClientTimeoutException(ClientTimeoutException.Kind.SOCK_READ, "no response from " + url
                            + " within " + t.sockRead());
        }
    }

    /** 1xx but 101: an interim response, followed by the real one (101 Switching Protocols is final). */
    private static boolean isInterim(ResponseHead head) {
        return head.status() / 100 == 1 && head.status() != 101;
    }

    private Headers buildHeaders(String method, URI url, Origin origin, Headers user, Body body, Auth credentials,
            String proxyAuth) {
        Headers h = new Headers();
        h.add("Host", user.contains("Host") ? user.get("Host") : origin.hostHeader());
        for (Map.Entry<String, String> e : defaultHeaders) {
            if (!user.contains(e.getKey())) {
                h.add(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, String> e : user) {
            if (!e.getKey().equalsIgnoreCase("Host")) {
                h.add(e.getKey(), e.getValue());
            }
        }
        h.setIfAbsent("User-Agent", USER_AGENT);
        h.setIfAbsent("Accept", "*/*");
        if (autoDecompress) {
            h.setIfAbsent("Accept-Encoding", "gzip, deflate, br");
        }
        if (credentials != null && !h.contains("Authorization")) {
            h.add("Authorization", credentials.headerValue());
        }
        if (proxyAuth != null && !h.contains("Proxy-Authorization")) {
            h.add("Proxy-Authorization", proxyAuth);
        }
        String cookies = cookieJar.header(url);
        if (cookies != null) {
            String mine = h.get("Cookie");
            h.set("Cookie", mine == null ? cookies : mine + "; " + cookies);
        }
        if (body != null) {
            if (!h.contains("Content-Type") && body.contentType() != null) {
                h.add("Content-Type", body.contentType());
            }
            long len = body.contentLength();
            h.remove("Content-Length");
            h.remove("Transfer-Encoding");
            if (len >= 0) {
                h.add("Content-Length", Long.toString(len));
            } else {
                h.add("Transfer-Encoding", "chunked");
            }
        } else if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            h.setIfAbsent("Content-Length", "0");
        }
        if ((body == null || body.contentLength() == 0) && h.hasToken("Expect", "100-continue")) {
            h.remove("Expect"); // RFC 9110 section 10.1.1: never with no content
        }
        return h;
    }

    private static String originTarget(URI url) {
        URI ascii = URI.create(url.toASCIIString());
        String path = ascii.getRawPath();
        String q = ascii.getRawQuery();
        return (path == null || path.isEmpty() ? "/" : path) + (q == null ? "" : "?" + q);
    }

    private static String absoluteTarget(URI url) {
        URI ascii = URI.create(url.toASCIIString());
        Origin o = Origin.of(ascii);
        return o.scheme() + "://" + o.hostHeader() + originTarget(ascii);
    }

    private static Auth userInfoAuth(URI url) {
        String info = url.getRawUserInfo();
        if (info == null || info.isEmpty()) {
            return null;
        }
        int colon = info.indexOf(':');
        String user = URLDecoder.decode(colon < 0 ? info : info.substring(0, colon), StandardCharsets.UTF_8);
        String pass = colon < 0 ? "" : URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8);
        return Auth.basic(user, pass);
    }

    private static boolean idempotent(String method) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };
    }

    private void checkLoop() throws ClientException {
        if (closed) {
            throw new ClientException("the session is closed");
        }
        EventLoop current = EventLoop.current();
        if (current == null) {
            throw new IllegalStateException("a ClientSession is used from a task (see Weft.run); from plain threads"
                    + " use BlockingClient");
        }
        synchronized (loopGuard) {
            if (loop == null) {
                loop = current;
            } else if (loop != current) {
                throw new IllegalStateException("this ClientSession belongs to " + loop + ", not " + current
                        + ": use one session per loop, or BlockingClient");
            }
        }
    }

    // ------------------------------------------------------------------ accessors

    /** The connection pool (for its counters). */
    public ConnectionPool pool() {
        return pool;
    }

    /** The cookie jar. */
    public CookieJar cookieJar() {
        return cookieJar;
    }

    /** The session's time limits. */
    public ClientTimeout timeout() {
        return timeout;
    }

    /** True once closed. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the idle connections and refuses new requests; responses still open close their
     * connections when they are closed. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        pool.close();
    }

    @Override
    public String toString() {
        return "ClientSession[" + pool + "]";
    }

    /** The OutputStream a body writes to: plain or chunked, draining as it goes. */
    private static final class WriterOutput extends OutputStream {
        private final StreamWriter w;
        private final boolean chunked;
        /** True once writing to the connection failed (as opposed to the body's source). */
        boolean failed;

        WriterOutput(StreamWriter w, boolean chunked) {
            this.w = w;
            this.chunked = chunked;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                for (int at = off; at < off + len; at += SLICE) { // large writes in slices: bounded buffering
                    int n = Math.min(SLICE, off + len - at);
                    if (chunked) {
                        Http1Writer.writeChunk(w, b, at, n);
                    } else {
                        w.write(b, at, n);
                    }
                    w.drain();
                }
            } catch (IOException | RuntimeException e) {
                failed = true;
                throw e;
            }
        }

        private static final int SLICE = 64 * 1024;
    }

    /**
     * Settings of a {@link ClientSession}; not thread-safe.
     *
     * <pre>{@code
     * ClientSession s = ClientSession.builder()
     *         .limit(100).limitPerHost(10)                                  // TCPConnector(limit=100, limit_per_host=10)
     *         .timeout(ClientTimeout.defaults().total(Duration.ofSeconds(4)))
     *         .defaultHeader("User-Agent", "my-crawler/1.0")
     *         .build();
     * }</pre>
     */
    public static final class Builder {
        private int limit = 100;
        private int limitPerHost;
        private Duration keepAlive = Duration.ofSeconds(15);
        private ClientTimeout timeout = ClientTimeout.defaults();
        private final Headers headers = new Headers();
        private CookieJar cookieJar = new CookieJar();
        private Auth auth;
        private URI proxy;
        private int maxRedirects = 10;
        private boolean allowInsecureRedirects;
        private boolean autoDecompress = true;
        private DecompressionLimits decompressionLimits = DecompressionLimits.defaults();
        private HttpLimits limits = HttpLimits.defaults().maxBodyBytes(Long.MAX_VALUE);
        private final List<TraceListener> listeners = new ArrayList<>();
        private boolean raiseForStatus;
        private Duration expectContinueTimeout = Duration.ofSeconds(1);
        private long maxBodySize = DEFAULT_MAX_BODY_SIZE;
        private boolean insecure;
        private Resolver resolver = Resolver.system();
        private Connector.TlsUpgrade tls;
        private dev.weft.net.TlsOptions tlsOptions = dev.weft.net.TlsOptions.client();

        Builder() {
        }

        /**
         * TLS settings for https: a private CA ({@code TlsOptions.client().trustPem(path)}), a
         * client certificate, protocols. Default {@code TlsOptions.client()}: the JDK's trust
         * store, host names checked. {@link #insecure(boolean)} overrides the checks.
         */
        public Builder tls(dev.weft.net.TlsOptions options) {
            this.tlsOptions = Objects.requireNonNull(options);
            return this;
        }

        /** Replaces the TLS step (package-private: tests fake https with it). */
        Builder tlsUpgrade(Connector.TlsUpgrade upgrade) {
            this.tls = upgrade;
            return this;
        }

        /** Most connections in use at once, all origins together (default 100; 0: no limit). */
        public Builder limit(int n) {
            this.limit = n;
            return this;
        }

        /** Most connections in use at once to one origin (default 0: no limit). */
        public Builder limitPerHost(int n) {
            this.limitPerHost = n;
            return this;
        }

        /** How long an idle connection is kept for reuse (default 15 s). */
        public Builder keepAliveTimeout(Duration d) {
            this.keepAlive = Objects.requireNonNull(d);
            return this;
        }

        /** The time limits of every request (default {@link ClientTimeout#defaults()}). */
        public Builder timeout(ClientTimeout t) {
            this.timeout = Objects.requireNonNull(t);
            return this;
        }

        /** A header sent with every request (unless the request sets it). */
        public Builder defaultHeader(String name, String value) {
            headers.add(name, value);
            return this;
        }

        /** The cookie jar (default: a new {@link CookieJar}; {@link CookieJar#dummy()} keeps none). */
        public Builder cookieJar(CookieJar jar) {
            this.cookieJar = Objects.requireNonNull(jar);
            return this;
        }

        /** Credentials for every request (dropped on redirects to another origin). */
        public Builder auth(Auth a) {
            this.auth = a;
            return this;
        }

        /** An HTTP proxy for every request, e.g. {@code http://user:pass@proxy:3128}. */
        public Builder proxy(String proxyUrl) {
            this.proxy = proxyUrl == null ? null : ClientRequest.toUri(proxyUrl);
            return this;
        }

        /** How many redirects to follow (default 10). */
        public Builder maxRedirects(int n) {
            this.maxRedirects = n;
            return this;
        }

        /** Allows following redirects from https to http (default false: refused). */
        public Builder allowInsecureRedirects(boolean allow) {
            this.allowInsecureRedirects = allow;
            return this;
        }

        /** Whether to ask for and undo gzip, deflate and brotli (default true). */
        public Builder autoDecompress(boolean on) {
            this.autoDecompress = on;
            return this;
        }

        /** Caps on decompressed bodies (default {@link DecompressionLimits#defaults()}). */
        public Builder decompressionLimits(DecompressionLimits l) {
            this.decompressionLimits = Objects.requireNonNull(l);
            return this;
        }

        /**
         * How long a request with {@code Expect: 100-continue} holds its body back waiting for
         * {@code 100 Continue} before sending it anyway (default 1 s, as curl; RFC 9110 section
         * 10.1.1 asks for a bounded wait, since servers and proxies that ignore the expectation
         * never answer it). Zero sends the body at once.
         */
        public Builder expectContinueTimeout(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("expectContinueTimeout must not be negative: " + d);
            }
            this.expectContinueTimeout = d;
            return this;
        }

        /**
         * The most bytes of one body that {@link ClientResponse#bytes()}, {@code text()} and
         * {@code json()} keep in memory, counted after decompression (default 64 MiB). A larger body fails with {@link BodyTooLargeException},
         * before any of it is read when {@code Content-Length} already says so, and its
         * connection is closed. {@link ClientResponse#bodyStream()} is not capped (a decoded
         * stream still obeys {@link DecompressionLimits}). {@code Long.MAX_VALUE}: no limit but
         * the JVM's (about 2 GiB per array). See {@link ClientSession#DEFAULT_MAX_BODY_SIZE}.
         */
        public Builder maxBodySize(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxBodySize must not be negative: " + bytes);
            }
            this.maxBodySize = bytes;
            return this;
        }

        /** Limits on response heads (default: the codec's, with no body limit). */
        public Builder httpLimits(HttpLimits l) {
            this.limits = Objects.requireNonNull(l);
            return this;
        }

        /** Adds a trace listener. */
        public Builder trace(TraceListener l) {
            listeners.add(Objects.requireNonNull(l));
            return this;
        }

        /** Makes every request throw {@link ClientResponseException} for a status of 400 or more. */
        public Builder raiseForStatus(boolean on) {
            this.raiseForStatus = on;
            return this;
        }

        /**
         * Turns off TLS certificate and host-name verification (aiohttp's {@code ssl=False}).
         * Only for tests and machines you control.
         */
        public Builder insecure(boolean on) {
            this.insecure = on;
            return this;
        }

        /** The resolver for host names (default {@link Resolver#system()}). */
        public Builder resolver(Resolver r) {
            this.resolver = Objects.requireNonNull(r);
            return this;
        }

        /** The session. */
        public ClientSession build() {
            return new ClientSession(this);
        }
    }
}
