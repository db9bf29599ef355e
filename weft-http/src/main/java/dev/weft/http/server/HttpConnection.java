package dev.weft.http.server;

import dev.weft.CancelledException;
import dev.weft.EventLoop;
import dev.weft.Task;
import dev.weft.TaskFailedException;
import dev.weft.TimeoutException;
import dev.weft.Weft;
import dev.weft.http.Headers;
import dev.weft.http.codec.BodyFraming;
import dev.weft.http.codec.BodyReader;
import dev.weft.http.codec.Http1Parser;
import dev.weft.http.codec.Http1Writer;
import dev.weft.http.HttpLimits;
import dev.weft.http.HttpProtocolException;
import dev.weft.http.codec.RequestHead;
import dev.weft.http.codec.StatusCodes;
import dev.weft.http.h2.Http2Io;
import dev.weft.http.h2.Http2Options;
import dev.weft.internal.Durations;
import dev.weft.internal.Loggers;
import dev.weft.net.StreamReader;
import dev.weft.net.StreamWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;

/**
 * Serves the requests of one keep-alive connection, one after another, in the connection's
 * task. Pipelined requests wait in the reader's buffer and are answered in order.
 *
 * <pre>
 *             +-------------------------------------------------------------+
 *             v                                                             |
 *  accept -> IDLE --first byte--> HEAD --parsed--> HANDLING --> DRAIN BODY --> RESPOND --keep-alive--+
 *             |                    |                  |            |           |
 *             | keep-alive timeout | header timeout   | body error | too long  | Connection: close,
 *             | or shutdown        | (slowloris)      | (400/413)  | or bad    | HTTP/1.0, shutdown,
 *             v                    v                  v            v           v write error
 *           CLOSED <------------ CLOSED <-- error response + lingering close --+----------> CLOSED
 * </pre>
 *
 * <p>Timeouts of the first two states: on a kept connection IDLE lasts at most
 * {@code keepAliveTimeout}, and HEAD at most {@code headerTimeout} from the first byte (taken out
 * of the stream to end IDLE, then handed to the parser); a pipelined head already buffered skips
 * IDLE. On a new connection IDLE and HEAD share one {@code headerTimeout} from the accept. Only
 * IDLE counts as idle for a graceful shutdown: a head that has begun is served.
 *
 * <p>A malformed or oversized head, an ambiguous body length (request smuggling) or a bad chunk
 * gets its status ({@link HttpProtocolException#status()}) with {@code Connection: close}, and the
 * connection is closed after the client had a moment to read it. A handler that throws gets a
 * 500 and the connection carries on. {@code idle} is touched only on the connection's loop
 * thread, which is also where {@link #closeIfIdle()} runs.
 */
final class HttpConnection {

    private static final Logger LOG = Loggers.get(HttpConnection.class);
    private static final Duration LINGER = Duration.ofSeconds(2);
    private static final long LINGER_BYTES = 1 << 20;
    private static final int COALESCE_BYTES = 16 * 1024;

    private final HttpServer server;
    private final Handler handler;
    private final HttpServerOptions options;
    private final HttpLimits limits;
    private final StreamReader in;
    private final StreamWriter out;
    private final EventLoop loop;
    private final Task<?> task;
    /** Loop thread: the task waits for the first byte of a request (see {@link #closeIfIdle}). */
    private boolean idle;
    /** Loop thread: {@link #closeIfIdle} cancelled the task in that wait. */
    private boolean idleCancelled;
    /** Loop thread: the HTTP/2 connection this one turned into, or null. */
    private Http2ServerConnection h2;

    HttpConnection(HttpServer server, Handler handler, HttpServerOptions options, StreamReader in, StreamWriter out) {
        this.server = server;
        this.handler = handler;
        this.options = options;
        this.limits = options.limits();
        this.in = in;
        this.out = out;
        this.loop = EventLoop.running();
        this.task = Task.current();
    }

    /** The connection loop; returns when the connection should be closed. */
    void serve() throws IOException {
        boolean first = true;

        while (!server.isShuttingDown()) {
            RequestHead head;
            try {
                head = first ? readFirstHead() : readNextHead();
            } catch (TimeoutException | SocketTimeoutException e) {
                LOG.debug("closing {}: {}", out.remoteAddress(), e.getMessage());
                return;
            } catch (HttpProtocolException e) {
                LOG.debug("bad request head from {}: {}", out.remoteAddress(), e.getMessage());
                sendErrorAndClose(e.status(), e.getMessage());
                return;
            }
            if (head == null) {
                return; // the client closed the connection between requests
            }
            if (head.isH2Preface()) {
                if (first && options.http2()) {
                    serveHttp2(Http2Io.of(in, out, RequestHead.h2PrefaceHead()));
                } else {
                    sendErrorAndClose(505, "HTTP/2 is not served on this connection");
                }
                return;
            }
            first = false;
            if (!exchange(head)) {
                return;
            }
        }
    }

    /**
     * Serves the rest of the connection as HTTP/2 (ALPN chose {@code h2}, or the client opened with
     * the preface) with the same handler, until it closes.
     */
    void serveHttp2(Http2Io io) throws IOException {
        // HTTP/2 times itself (settings, idle and body timeouts): the header timeout the preface
        // was read under must not stay on the reader, or every wait for a frame would end the
        // connection after it (a slow response, a client that only waits, an idle connection)
        in.setReadTimeout(null);
        in.setReadDeadline(null);
        Http2ServerConnection c = new Http2ServerConnection(handler, io, options, Http2Options.defaults(),
                out.tlsSession() != null);
        h2 = c;
        if (server.isShuttingDown()) {
            return; // a connection that came in as the server stops: closed at once, like an idle one
        }
        c.serve();
    }

    /** Response bytes buffered for this connection and not yet handed to the OS. */
    long bufferedBytes() {
        return out.bufferedAmount();
    }

    /**
     * Closes the connection if it waits for a request that has not started (graceful shutdown):
     * cancels its task in that wait. The wait then checks whether the first bytes of a head came
     * meanwhile (they may be in the socket before the task has noticed them); if so the request is
     * served after all. An HTTP/2 connection is shut down gracefully instead (GOAWAY; the streams
     * in flight get {@code grace} to finish). Any thread.
     */
    void closeIfIdle(Duration grace) {
        loop.execute(() -> {
            if (h2 != null) {
                Http2ServerConnection c = h2;
                loop.spawn("h2 shutdown", () -> c.shutdown(grace));
            } else if (idle && task != null) {
                idleCancelled = true;
                task.cancel("server shutting down");
            }
        });
    }

    /** Cancels the connection's task, whatever it is doing (a shutdown out of time). Any thread. */
    void cancel(String why) {
        if (task != null) {
            task.cancel(why);
        }
    }

    /**
     * The first request of a connection: its whole head, first byte included, must arrive within
     * {@code headerTimeout} of the accept, so an opened connection that sends nothing is no cheaper
     * to hold than a slow head.
     */
    private RequestHead readFirstHead() throws IOException {
        return readHead(false);
    }

    /**
     * A later request of a keep-alive connection, in two phases. Idle: nothing of the next
     * request has arrived; the connection may wait {@code keepAliveTimeout} for its first byte.
     * Head: from that first byte on (or at once, if a pipelined request is already buffered), the
     * whole head must arrive within {@code headerTimeout}.
     */
    private RequestHead readNextHead() throws IOException {
        if (in.buffered() == 0) {
            in.setReadTimeout(options.keepAliveTimeout());
            try {
                if (!awaitFirstByte()) {
                    return null;
                }
            } catch (SocketTimeoutException e) {
                throw new SocketTimeoutException("idle for the keep-alive timeout of " + Durations.format(options.keepAliveTimeout()));
            }
        }
        return readHead(true);
    }

    /**
     * Reads a request head within {@code headerTimeout} from now: a deadline on the reader, which
     * costs nothing when the head is already buffered (no timer, no scope per request).
     */
    private RequestHead readHead(boolean afterFirstByte) throws IOException {
        Duration limit = options.headerTimeout();
        in.setReadTimeout(limit);
        in.setReadDeadline(limit);
        try {
            if (!afterFirstByte && !awaitFirstByte()) {
                return null;
            }
            return Http1Parser.readRequestHead(in, limits);
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("no complete request head within the header timeout of " + Durations.format(limit)
                    + (afterFirstByte ? " after its first byte" : ""));
        } finally {
            in.setReadDeadline(null);
        }
    }

    /**
     * Waits for the first byte of a request, as {@link #idle} (shutdown may cancel the wait), and
     * leaves it buffered.
     *
     * @return false at a clean end of stream
     */
    private boolean awaitFirstByte() throws IOException {
        idle = true;
        boolean data;
        try {
            data = in.awaitData();
        } catch (CancelledException e) {
            if (idleCancelled && in.pollData()) {
                // a graceful shutdown found this connection idle, but a head had begun: it is served
                withdrawIdleCancel();
                return true;
            }
            throw e;
        } finally {
            idle = false;
        }
        if (idleCancelled) {
            // the first bytes had come, but the task had not run yet when the shutdown cancelled it
            withdrawIdleCancel();
        }
        return data;
    }

    /** Takes back the cancellation of {@link #closeIfIdle} (and only it): the head has begun. */
    private void withdrawIdleCancel() {
        idleCancelled = false;
        if (task.cancelling() == 1) {
            task.uncancel();
            Thread.interrupted(); // the cancel's interrupt of this task's thread
        }
    }

    /** Handles one request; returns true if the connection may carry another. */
    private boolean exchange(RequestHead head) throws IOException {
        String target = head.target();
        String rawPath;
        String query = null;
        boolean http11 = head.version().equals("HTTP/1.1");
        Request request;
        RequestBody body;
        try {
            String pathAndQuery = target;
            if (!target.startsWith("/")) {
                int scheme = target.startsWith("http://") ? 7 : target.startsWith("https://") ? 8 : -1;
                if (scheme < 0) {
                    if (target.equals("*") && head.method().equals("OPTIONS")) {
                        return respond(head, Response.of(204).setHeader("Allow", "*"), head.keepAlive());
                    }
                    throw new HttpProtocolException(400, "malformed request target");
                }
                int slash = target.indexOf('/', scheme);
                pathAndQuery = slash < 0 ? "/" : target.substring(slash);
            }
            int q = pathAndQuery.indexOf('?');
            rawPath = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
            query = q < 0 ? null : pathAndQuery.substring(q + 1);
            int hash = rawPath.indexOf('#');
            if (hash >= 0) {
                throw new HttpProtocolException(400, "fragment in request target");
            }
            if (head.headers().getAll("Host").size() > 1 || (http11 && !head.headers().contains("Host"))) {
                throw new HttpProtocolException(400, "a request needs exactly one Host header");
            }
            String host = head.headers().get("Host");
            if (host != null && !HostHeader.isValid(host)) {
                throw new HttpProtocolException(400, "malformed Host header");
            }
            BodyFraming framing = BodyFraming.ofRequest(head);
            boolean expectContinue = false;
            String expect = head.headers().get("Expect");
            if (expect != null) {
                if (!expect.equalsIgnoreCase("100-continue")) {
                    throw new HttpProtocolException(417, "unsupported expectation: " + expect);
                }
                expectContinue = http11 && framing.kind() != BodyFraming.Kind.NONE;
            }
            BodyReader reader = framing.kind() == BodyFraming.Kind.NONE ? null
                    : BodyReader.of(in, framing, limits, limits.maxBodyBytes());
            body = new RequestBody(reader, framing, in, out, options.bodyTimeout(), options.bodyMinRate(),
                    expectContinue);
            try {
                request = new Request(head, rawPath, query, body, out.remoteAddress(), out.localAddress(),
                        out.tlsSession() != null);
            } catch (IllegalArgumentException e) {
                throw new HttpProtocolException(400, "malformed path");
            }
        } catch (HttpProtocolException e) {
            LOG.debug("rejected {} {} from {}: {}", head.method(), target, out.remoteAddress(), e.getMessage());
            sendErrorAndClose(e.status(), e.getMessage());
            return false;
        }

        boolean keepAlive = head.keepAlive();
        Response response;
        try {
            response = handler.handle(request);
            if (response == null) {
                throw new IllegalStateException("the handler returned no response");
            }
        } catch (CancelledException e) {
            throw e;
        } catch (HttpStatusException e) {
            response = Response.text(e.getMessage()).status(e.status());
        } catch (Exception | StackOverflowError e) {
            if (body.failure() == null) {
                LOG.error("handler failed on {} {}", head.method(), target, e);
            }
            response = Response.text("500: Internal Server Error").status(500);
        }
        response = FileDelivery.prepare(head.method(), head.headers(), response);

        IOException failed = body.failure();
        if (failed == null && !body.complete()) {
            if (body.awaitingContinue()) {
                keepAlive = false; // the client holds the body back; never ask for it
            } else {
                try {
                    if (!body.discard(options.maxDiscardBytes())) {
                        keepAlive = false;
                    }
                } catch (IOException e) {
                    failed = e;
                }
            }
        }
        if (failed != null) {
            if (failed instanceof HttpProtocolException p) {
                LOG.debug("bad request body from {}: {}", out.remoteAddress(), p.getMessage());
                sendErrorAndClose(p.status(), p.getMessage());
            } else if (failed instanceof SocketTimeoutException) {
                LOG.debug("request body from {} too slow: {}", out.remoteAddress(), failed.getMessage());
                sendErrorAndClose(408, failed.getMessage());
            } else {
                LOG.debug("request body from {} failed: {}", out.remoteAddress(), failed.toString());
            }
            return false;
        }
        return respond(head, response, keepAlive && !server.isShuttingDown());
    }

    /** Writes {@code response}; returns true if the connection may carry another request. */
    private boolean respond(RequestHead head, Response response, boolean keepAlive) throws IOException {
        Headers h = response.headers();
        if (h.hasToken("Connection", "close")) {
            keepAlive = false; // the handler asked to end the connection
        }
        h.remove("Content-Length");
        h.remove("Transfer-Encoding");
        h.remove("Connection");
        h.set("Date", DateCache.now());
        if (options.serverHeader() != null) {
            h.setIfAbsent("Server", options.serverHeader());
        }
        int status = response.status();
        boolean http11 = head.version().equals("HTTP/1.1");
        boolean isHead = head.method().equals("HEAD");
        boolean bodyless = status / 100 == 1 || status == 204 || status == 304;
        long length = response.contentLength();
        boolean chunked = false;
        if (!bodyless) {
            if (length >= 0 && !(response.hasTrailers() && http11)) { // trailers exist only in chunked
                h.set("Content-Length", Long.toString(length));
            } else if (http11) {
                h.set("Transfer-Encoding", "chunked");
                chunked = true;
            } else if (!isHead) {
                keepAlive = false; // an HTTP/1.0 client reads to the end of the connection
            }
        }
        if (!keepAlive) {
            h.set("Connection", "close");
        } else if (!http11) {
            h.set("Connection", "keep-alive");
        }
        byte[] small = !isHead && !bodyless && !chunked && response.body() != null
                && response.body().length <= COALESCE_BYTES ? response.body() : null;
        byte[] headBytes = Http1Writer.response(status, response.reason(), h, small); // with a small body: one write
        if (LOG.isDebugEnabled()) { // no argument array per response when debug is off
            LOG.debug("{} {} {} -> {}", out.remoteAddress(), head.method(), head.target(), status);
        }
        if (isHead || bodyless) {
            out.write(headBytes);
        } else if (response.body() != null) {
            out.write(headBytes);
            if (small == null) {
                writeSliced(response.body(), 0, response.body().length, chunked);
            }
            if (chunked && !finishChunked(head, response)) {
                return false;
            }
        } else {
            out.write(headBytes);
            OutputStream os = chunked ? new ChunkedOut() : new RawOut();
            try {
                response.writeBodyTo(os);
            } catch (CancelledException e) {
                throw e;
            } catch (IOException e) {
                LOG.debug("sending the body of {} {} to {} failed: {}", head.method(), head.target(),
                        out.remoteAddress(), e.toString());
                return false;
            } catch (Exception e) {
                LOG.warn("the body writer of {} {} failed; closing the connection", head.method(), head.target(), e);
                return false;
            }
            if (chunked && !finishChunked(head, response)) {
                return false;
            }
        }
        drain();
        return keepAlive;
    }

    /**
     * Ends a chunked body with the response's trailers, if any. Trailers that cannot be sent (a
     * refused field, a failing supplier) leave the body unfinished: the connection is closed
     * before the last chunk, so the client cannot take the message for complete.
     *
     * @return false if the connection must be closed
     */
    private boolean finishChunked(RequestHead head, Response response) throws IOException {
        Headers trailers;
        try {
            trailers = response.trailersToSend();
        } catch (RuntimeException e) {
            LOG.warn("the trailers of {} {} cannot be sent; closing the connection before the last chunk",
                    head.method(), head.target(), e);
            drain();
            return false;
        }
        Http1Writer.finishChunked(out, trailers);
        return true;
    }

    /**
     * Writes {@code len} bytes of {@code b} in slices of {@link HttpServer#WRITE_SLICE}, each one
     * handed over only once the peer has taken the previous ones (down to the high-water mark),
     * so a client that does not read costs the connection at most the high-water mark and one
     * slice of buffer, never a copy of the whole body. Chunked: one chunk per slice.
     */
    private void writeSliced(byte[] b, int off, int len, boolean chunked) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        int end = off + len;
        for (int at = off; at < end; at += HttpServer.WRITE_SLICE) {
            int n = Math.min(HttpServer.WRITE_SLICE, end - at);
            if (chunked) {
                Http1Writer.writeChunk(out, b, at, n);
            } else {
                out.write(b, at, n);
            }
            drain();
        }
    }

    /** Waits while the peer is behind on reading, at most the write timeout. */
    private void drain() throws IOException {
        if (out.bufferedAmount() <= StreamWriter.DEFAULT_HIGH_WATER) {
            out.drain();
            return;
        }
        try {
            Weft.withTimeout(options.writeTimeout(), () -> {
                out.drain();
                return null;
            });
        } catch (TimeoutException e) {
            throw new SocketTimeoutException("the client did not read the response within " + Durations.format(options.writeTimeout()));
        } catch (TaskFailedException e) {
            throw e.rethrowIoCause();
        }
    }

    /**
     * Answers a protocol error with {@code Connection: close}, then closes gracefully: the write
     * side first, then reading (and dropping) what the client still sends for a moment, so the
     * client reads the answer instead of a reset.
     */
    private void sendErrorAndClose(int status, String message) {
        try {
            String text = status + ": " + StatusCodes.reason(status) + "\n";
            Headers h = new Headers().add("Content-Type", "text/plain; charset=utf-8")
                    .add("Content-Length", Integer.toString(text.length())).add("Date", DateCache.now());
            if (options.serverHeader() != null) {
                h.add("Server", options.serverHeader());
            }
            h.add("Connection", "close");
            byte[] headBytes = Http1Writer.responseHead(status, null, h);
            out.write(headBytes);
            out.write(text.getBytes(StandardCharsets.US_ASCII));
            out.writeEof();
            in.setReadTimeout(LINGER);
            Weft.withTimeout(LINGER, () -> {
                byte[] buf = new byte[8192];
                long total = 0;
                int n;
                while (total < LINGER_BYTES && (n = in.read(buf, 0, buf.length)) >= 0) {
                    total += n;
                }
                return null;
            });
        } catch (CancelledException e) {
            throw e;
        } catch (RuntimeException | IOException e) {
            LOG.debug("lingering close of {}: {}", out.remoteAddress(), e.toString());
        }
    }

    /** A chunked body: every write is one chunk. */
    private final class ChunkedOut extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writeSliced(b, off, len, true);
        }

        @Override
        public void flush() throws IOException {
            drain();
        }
    }

    /** A body delimited by the end of the connection (HTTP/1.0) or by Content-Length. */
    private final class RawOut extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writeSliced(b, off, len, false);
        }

        @Override
        public void flush() throws IOException {
            drain();
        }
    }
}
