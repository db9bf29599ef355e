package dev.weft.http.client;

import dev.weft.http.Headers;
import dev.weft.http.HttpProtocolException;
import dev.weft.http.codec.BodyFraming;
import dev.weft.http.codec.BodyReader;
import dev.weft.http.codec.Http1Parser;
import dev.weft.http.codec.Http1Writer;
import dev.weft.http.codec.ResponseHead;
import dev.weft.http.codec.TrailerFields;
import dev.weft.internal.Durations;
import dev.weft.internal.Loggers;
import dev.weft.net.StreamWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * One request on one HTTP/1.1 connection ({@link Exchange}): writes the head and the body, framed
 * as the head says ({@code Content-Length}, or chunked with its trailer section when the request
 * has trailers: {@link HeaderLink#chunked} decides and the head carries it), reads the head of the
 * final response, skipping interim (1xx) ones, and frames the response's body
 * ({@link BodyFraming}) into a {@link ClientResponse}.
 *
 * <p><b>Expect: 100-continue.</b> The body waits for {@code 100 Continue}, for at most the
 * session's {@code expectContinueTimeout} (RFC 9110 section 10.1.1), and is not sent at all if
 * a final status comes first; a {@code 417} to the expectation sends the request again without
 * it, on a new connection.
 *
 * <p><b>Failures.</b> If the server answered before it closed the connection in the middle of
 * the request (typically a {@code 413} to an upload it refused), that answer is the response. A
 * failure of the caller's own body is thrown as is. Any other I/O failure on a <em>reused</em>
 * connection of an idempotent request whose body can be sent again (or was not started) means
 * the server had closed it while it was idle: {@link Exchange.Outcome.SendAgain}; on a fresh one
 * it is a {@link ServerDisconnectedException}. Protocol errors and timeouts are never retried.
 *
 * <p><b>Reuse.</b> The connection goes back to the pool with the response's body read to its end,
 * unless: the server said {@code Connection: close} (or is HTTP/1.0 without keep-alive), the body
 * ends with the connection, the request said {@code Connection: close}, the status is
 * {@code 101}, or any of the request body was held back (the server might read the next request
 * as the rest of it).
 *
 * <p>One attempt: made for one connection, {@link #send} called once, in the request's task.
 */
final class Http1Exchange implements Exchange {

    private static final Logger LOG = Loggers.get(Http1Exchange.class);

    /** Interim (1xx) responses accepted before the final one; more is a misbehaving server. */
    private static final int MAX_INTERIM_RESPONSES = 10;

    private final PooledConnection c;
    private final ConnectionPool pool;
    private final ExchangeSettings settings;

    // Set by send(); owned by the request's task.
    private String method;
    private URI url;
    private Headers h;
    private Body body;
    /** The trailer fields after the body, or null: none. */
    private java.util.function.Supplier<Headers> trailers;
    /** True if the body goes chunked: as the head says ({@code Transfer-Encoding}, set by {@link HeaderLink}). */
    private boolean chunked;
    private ClientTimeout t;
    private Deadline dl;
    private int interim;
    /** True once any byte of the body may have been taken from it. */
    private boolean bodyStarted;
    /**
     * True if the final response came before the whole body was sent (before {@code 100 Continue},
     * or from a server that closed the connection while the body was going out): the server may
     * still expect the rest.
     */
    private boolean bodyWithheld;
    /** True if the body's own source (the caller's stream or writer) failed, not the connection. */
    private boolean bodySourceFailed;

    /**
     * @param c        the connection, acquired for this exchange
     * @param pool     where {@code c} goes back
     * @param settings what the session's exchanges share
     */
    Http1Exchange(PooledConnection c, ConnectionPool pool, ExchangeSettings settings) {
        this.c = c;
        this.pool = pool;
        this.settings = settings;
    }

    @Override
    public Outcome send(HopRequest request, Call call) throws IOException {
        if (method != null) {
            throw new IllegalStateException("an exchange sends one request");
        }
        method = request.method();
        url = request.url();
        h = request.headers();
        body = request.body();
        trailers = request.trailers();
        // framed as the head that goes out says (HeaderLink decided, from one look at the body),
        // never by asking the body again: the bytes always match the head
        chunked = body != null && h.hasToken("Transfer-Encoding", "chunked");
        t = call.timeout();
        dl = call.deadline();
        boolean expect = body != null && h.hasToken("Expect", "100-continue");
        ResponseHead head;
        try {
            head = expect ? sendExpectingContinue() : sendAll();
        } catch (IOException e) {
            boolean reused = c.reused(); // before release(), which counts this request as carried
            pool.release(c, false);
            if (bodySourceFailed) {
                throw e; // the caller's own body failed, not the server: never a disconnect, never retried
            }
            boolean retryable = request.idempotent() && (body == null || body.replayable() || !bodyStarted);
            if (reused && retryable && stale(e)) {
                LOG.debug("{} {}: the reused connection was closed by the server ({}); retrying on a new one",
                        method, url, e.toString());
                return new Outcome.SendAgain(request);
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
        if (head.status() == 417 && bodyWithheld && !bodyStarted) {
            // RFC 9110 10.1.1: a server that refuses the expectation gets the request again without it.
            pool.release(c, false);
            LOG.debug("{} {}: 417 to Expect: 100-continue; sending it again without the expectation", method, url);
            Headers without = h.copy();
            without.remove("Expect");
            return new Outcome.SendAgain(request.withHeaders(without));
        }
        return new Outcome.Answered(response(head));
    }

    /** The response to {@code head}: its body framed, the connection's reuse decided. */
    private ClientResponse response(ResponseHead head) throws IOException {
        settings.trace().responseFirstByte(method, url, head.status());
        BodyReader reader;
        BodyFraming framing;
        try {
            framing = BodyFraming.ofResponse(method, head);
            reader = BodyReader.of(c.reader(), framing, settings.limits(), Long.MAX_VALUE);
        } catch (HttpProtocolException e) {
            pool.release(c, false);
            throw e;
        }
        // Not reusable: a connection the server may have switched to another protocol, or one whose
        // request body was held back (the server may still be waiting for those bytes, and would
        // read the next request as them).
        boolean keepAlive = head.keepAlive() && framing.kind() != BodyFraming.Kind.UNTIL_CLOSE
                && !h.hasToken("Connection", "close") && head.status() != 101 && !bodyWithheld;
        if (bodyWithheld) {
            LOG.debug("{} {}: {} before the whole body was sent; the connection will be closed",
                    method, url, head.status());
        }
        if (framing.kind() == BodyFraming.Kind.NONE) {
            reader.read(new byte[1], 0, 1); // a body of no bytes ends without any I/O
        }
        Http1Body source = new Http1Body(c, pool, reader, keepAlive,
                framing.kind() == BodyFraming.Kind.FIXED ? framing.length() : -1);
        return new ClientResponse(method, url, head.status(), head.reason(), head.version(), head.headers(), source,
                dl, t, settings);
    }

    /** True if {@code e} means a reused connection had been closed by the server before our request. */
    private static boolean stale(IOException e) {
        return !(e instanceof HttpProtocolException) && !(e instanceof SocketTimeoutException)
                && !(e instanceof ClientException);
    }

    /** The request target: the path and query, or the absolute URL for a forward proxy. */
    private String target() {
        return Route.forwardProxy(c.origin()) ? absoluteTarget(url) : originTarget(url);
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

    // ------------------------------------------------------------------ writing

    /** Writes head and body, then reads the final head. */
    private ResponseHead sendAll() throws IOException {
        StreamWriter w = c.writer();
        byte[] head = Http1Writer.requestHead(method, target(), h);
        try {
            if (body instanceof Body.Fixed f && f.data.length <= 64 * 1024 && !chunked) {
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
        settings.trace().requestHeadersSent(method, url, h);
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
        settings.trace().requestHeadersSent(method, url, h);
        bodyWithheld = true; // not all of the body was sent: never pooled
        return head;
    }

    /** Writes the head, waits for 100 Continue or a final status, and sends the body only if asked to. */
    private ResponseHead sendExpectingContinue() throws IOException {
        StreamWriter w = c.writer();
        w.write(Http1Writer.requestHead(method, target(), h));
        w.drain();
        settings.trace().requestHeadersSent(method, url, h);
        Duration expectContinueTimeout = settings.expectContinueTimeout();
        Deadline waitEnd = Deadline.after(expectContinueTimeout);
        while (true) {
            Duration wait = waitEnd.remaining();
            if (wait.isZero()) {
                LOG.debug("{} {}: no answer within {}; sending the body anyway", method, url, Durations.format(expectContinueTimeout));
                break;
            }
            // Not sockRead: the server may well be silent because it waits for the body. Only the
            // total limit can end this wait with a failure.
            boolean totalBinds = dl.binds(wait);
            ResponseHead head;
            try {
                head = totalBinds && dl.remaining().isZero() ? null
                        : Http1Parser.readResponseHead(c.reader(), settings.limits(), dl.cap(wait),
                                dl.cap(t.sockRead()));
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
        WriterOutput out = new WriterOutput(w, chunked);
        try {
            body.writeTo(out);
        } catch (IOException e) {
            bodySourceFailed = !out.failed;
            throw e;
        }
        if (chunked) {
            // asked for only now, once the body is out; a refused field or a failing supplier throws,
            // and the request, its last chunk never sent, fails with the connection closed
            Http1Writer.finishChunked(w, TrailerFields.ask(trailers));
        }
    }

    // ------------------------------------------------------------------ reading the head

    private ResponseHead readFinalHead() throws IOException {
        c.reader().setReadTimeout(dl.cap(t.sockRead()));
        boolean totalBinds = dl.binds(t.sockRead());
        try {
            ResponseHead head;
            while (isInterim(head = Http1Parser.readResponseHead(c.reader(), settings.limits()))) {
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
        settings.trace().interimResponse(method, url, head.status(), head.headers());
    }

    /** 1xx but 101: an interim response, followed by the real one (101 Switching Protocols is final). */
    private static boolean isInterim(ResponseHead head) {
        return head.status() / 100 == 1 && head.status() != 101;
    }

    private ClientTimeoutException readTimeout(boolean totalBinds) {
        return totalBinds
                ? new ClientTimeoutException(ClientTimeoutException.Kind.TOTAL, "the request to " + url
                        + " took longer than " + Durations.format(t.total()))
                : new ClientTimeoutException(ClientTimeoutException.Kind.SOCK_READ, "no response from " + url
                        + " within " + Durations.format(t.sockRead()));
    }

    /** The OutputStream a body writes to: plain or chunked, draining as it goes. */
    private static final class WriterOutput extends OutputStream {
        private static final int SLICE = 64 * 1024;
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
    }
}
