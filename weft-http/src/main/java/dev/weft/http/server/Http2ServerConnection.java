package dev.weft.http.server;

import dev.weft.CancelledException;
import dev.weft.http.Headers;
import dev.weft.http.HttpProtocolException;
import dev.weft.http.codec.RequestHead;
import dev.weft.http.h2.Http2Connection;
import dev.weft.http.h2.Http2Headers;
import dev.weft.http.h2.Http2Io;
import dev.weft.http.h2.Http2Options;
import dev.weft.http.h2.Http2Stream;
import dev.weft.internal.Loggers;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Serves HTTP/2 on one accepted connection with the same {@link Handler} (and so the same
 * {@link Router}) as HTTP/1.1: each stream becomes a {@link Request} whose version is
 * {@code HTTP/2}, handled in a task of its own, and the handler's {@link Response} goes back as
 * HEADERS and DATA frames. Files, conditional requests, byte ranges and streamed bodies work as
 * over HTTP/1.1; so do the body limit (413), {@link HttpStatusException}s and the 500 for a
 * failing handler.
 *
 * <pre>{@code
 * // in the task of an accepted connection (h2c with prior knowledge, or TLS with ALPN "h2")
 * new Http2ServerConnection(router, Http2Io.of(reader, writer), HttpServerOptions.defaults(),
 *         Http2Options.defaults()).serve();
 * }</pre>
 *
 * <p>What differs from HTTP/1.1: {@code :authority} stands for {@code Host} (added as
 * {@code Host} when the client sent none), cookies split into several fields are joined again
 * (RFC 9113 section 8.2.3), the connection-specific fields a handler sets ({@code Connection},
 * {@code Keep-Alive}, {@code Transfer-Encoding}, {@code Upgrade}) are dropped, {@code CONNECT}
 * is answered 501, and {@code Expect: 100-continue} needs no interim answer (flow control does
 * its work). {@link HttpServer} hands a connection to this class when ALPN picked {@code h2} or
 * the client opened with the preface (h2c with prior knowledge); see docs/guide-http-server.md.
 *
 * <p>Threads: a connection and its streams belong to the loop of the task that calls
 * {@link #serve()}.
 */
final class Http2ServerConnection {

    private static final Logger LOG = Loggers.get(Http2ServerConnection.class);

    private final boolean secure;
    private final Handler handler;
    private final HttpServerOptions options;
    private final Http2Connection connection;

    /**
     * Sends the server's SETTINGS on {@code io}; {@link #serve()} then serves the connection.
     *
     * @param handler the handler of every request
     * @param io the accepted connection
     * @param options the server's options (body limit and timeout, Server header)
     * @param h2 the HTTP/2 settings and limits (without an idle timeout of their own, the
     *     server's keep-alive timeout closes a connection that has no stream open)
     * @throws IOException if the SETTINGS cannot be written
     */
    public Http2ServerConnection(Handler handler, Http2Io io, HttpServerOptions options, Http2Options h2)
            throws IOException {
        this(handler, io, options, h2, false);
    }

    /** As above, on a connection that is TLS when {@code secure} ({@code Request.url()} says https). */
    Http2ServerConnection(Handler handler, Http2Io io, HttpServerOptions options, Http2Options h2, boolean secure)
            throws IOException {
        this.secure = secure;
        this.handler = handler;
        this.options = options;
        this.connection = Http2Connection.server(io, h2.idleTimeout() != null ? h2
                : h2.idleTimeout(options.keepAliveTimeout()), this::exchange);
    }

    /**
     * Serves the connection in the calling task until it closes. Cancelling the task closes it.
     *
     * @throws IOException if the connection failed
     */
    public void serve() throws IOException {
        connection.serve();
    }

    /**
     * Closes gracefully: GOAWAY, streams in flight finish for up to {@code grace}.
     *
     * @param grace how long open streams may take
     */
    public void shutdown(Duration grace) {
        connection.shutdown(grace);
    }

    /**
     * The HTTP/2 connection underneath.
     *
     * @return the connection
     */
    public Http2Connection connection() {
        return connection;
    }

    /** One stream: the request in, the handler, the response out. Runs in the stream's task. */
    private void exchange(Http2Stream stream) throws IOException {
        Http2Headers h = stream.headers();
        String method = h.method();
        if (method.equals("CONNECT")) {
            respond(stream, method, Response.text("501: CONNECT is not supported\n").status(501));
            return;
        }
        String target = h.path();
        if (target.equals("*")) {
            respond(stream, method, Response.of(204).setHeader("Allow", "*"));
            return;
        }
        Headers fields = requestFields(h);
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        if (rawPath.indexOf('#') >= 0) {
            respond(stream, method, error(400, "fragment in request target"));
            return;
        }
        long declared = declaredLength(fields, stream);
        long max = options.limits().maxBodyBytes();
        if (declared > max) {
            respond(stream, method, error(413, "body of " + declared + " bytes exceeds the limit of " + max));
            return;
        }
        Http2RequestBody body = new Http2RequestBody(stream, declared, max, options.bodyTimeout(),
                options.bodyMinRate());
        Request request;
        try {
            request = new Request(new RequestHead(method, target, "HTTP/2", fields), rawPath, query, body,
                    connection.remoteAddress(), connection.localAddress(), secure);
        } catch (IllegalArgumentException e) {
            respond(stream, method, error(400, "malformed path"));
            return;
        }
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
            if (body.failure() instanceof HttpProtocolException p) {
                response = error(p.status(), p.getMessage());
            } else if (body.failure() != null) {
                LOG.debug("request body of stream {} from {} failed: {}", stream.id(), connection.remoteAddress(),
                        body.failure().toString());
                stream.reset(dev.weft.http.h2.Http2ErrorCode.CANCEL);
                return;
            } else {
                LOG.error("handler failed on {} {}", method, target, e);
                response = Response.text("500: Internal Server Error").status(500);
            }
        }
        respond(stream, method, FileDelivery.prepare(method, fields, response));
    }

    /** The request's fields as a handler expects them: Host from :authority, cookies joined. */
    private static Headers requestFields(Http2Headers h) {
        Headers in = h.headers();
        List<String> cookies = in.getAll("cookie");
        Headers fields = new Headers();
        if (h.authority() != null && !in.contains("host")) {
            fields.add("Host", h.authority());
        }
        for (Map.Entry<String, String> e : in) {
            if (!e.getKey().equals("cookie")) {
                fields.add(e.getKey(), e.getValue());
            }
        }
        if (!cookies.isEmpty()) {
            fields.add("Cookie", String.join("; ", cookies));
        }
        return fields;
    }

    private static long declaredLength(Headers fields, Http2Stream stream) {
        String cl = fields.get("content-length");
        if (cl != null) {
            return Long.parseLong(cl); // checked by the engine: digits, and equal to the DATA received
        }
        return stream.isRemoteEnded() && stream.bufferedInbound() == 0 ? 0 : -1;
    }

    private static Response error(int status, String message) {
        return Response.text(status + ": " + dev.weft.http.codec.StatusCodes.reason(status) + "\n").status(status)
                .setHeader("X-Error", message.replaceAll("[^\\x20-\\x7e]", "?"));
    }

    /**
     * Sends {@code response} on {@code stream}: the head, then the body as flow control allows,
     * then its trailers if it has any (a HEADERS frame ending the stream).
     */
    private void respond(Http2Stream stream, String method, Response response) throws IOException {
        int status = response.status();
        Headers out = new Headers();
        for (Map.Entry<String, String> e : response.headers()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            switch (name) {
                case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "content-length" -> {
                    // framing is HTTP/2's own
                }
                default -> out.add(e.getKey(), e.getValue());
            }
        }
        out.set("Date", DateCache.now());
        if (options.serverHeader() != null) {
            out.setIfAbsent("Server", options.serverHeader());
        }
        boolean bodyless = status / 100 == 1 || status == 204 || status == 304;
        long length = response.contentLength();
        if (!bodyless && length >= 0) {
            out.set("Content-Length", Long.toString(length));
        }
        byte[] bytes = response.body();
        boolean trailing = response.hasTrailers() && !bodyless && !method.equals("HEAD");
        boolean noBody = bodyless || method.equals("HEAD") || (bytes != null && bytes.length == 0 && !trailing);
        stream.writeHeaders(Http2Headers.response(status, out), noBody);
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} {} (h2 stream {}) -> {}", connection.remoteAddress(), method,
                    stream.headers().path(), stream.id(), status);
        }
        if (noBody) {
            return;
        }
        if (bytes != null && !trailing) {
            stream.writeData(bytes, 0, bytes.length, true);
            return;
        }
        OutputStream os = stream.outputStream();
        try {
            if (bytes != null) {
                if (bytes.length > 0) {
                    stream.writeData(bytes, 0, bytes.length, false);
                }
            } else {
                response.writeBodyTo(os);
            }
        } catch (CancelledException | IOException e) {
            throw e;
        } catch (Exception e) {
            LOG.warn("the body writer of {} {} failed; resetting the stream", method, stream.headers().path(), e);
            stream.reset(dev.weft.http.h2.Http2ErrorCode.INTERNAL_ERROR);
            return;
        }
        Headers trailers;
        try {
            trailers = trailing ? response.trailersToSend() : null;
        } catch (RuntimeException e) {
            LOG.warn("the trailers of {} {} cannot be sent; resetting the stream", method, stream.headers().path(), e);
            stream.reset(dev.weft.http.h2.Http2ErrorCode.INTERNAL_ERROR);
            return;
        }
        if (trailers == null || trailers.isEmpty()) {
            os.close();
        } else {
            stream.writeTrailers(trailers); // HEADERS with END_STREAM
        }
    }
}
