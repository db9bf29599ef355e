package dev.weft.http.client;

import dev.weft.CancelledException;
import dev.weft.http.Headers;
import dev.weft.http.HttpProtocolException;
import dev.weft.http.codec.StatusCodes;
import dev.weft.http.codec.TrailerFields;
import dev.weft.http.h2.Http2ErrorCode;
import dev.weft.http.h2.Http2Exception;
import dev.weft.http.h2.Http2Headers;
import dev.weft.http.h2.Http2Stream;
import dev.weft.internal.Loggers;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import org.slf4j.Logger;

/**
 * One request as a stream of a shared HTTP/2 connection ({@link Http2Connections}): the
 * {@link Exchange} chosen when the connection agreed on {@code h2} by ALPN, or speaks h2c by prior
 * knowledge. The head goes out as HEADERS ({@code Host} as {@code :authority}; {@code Connection},
 * {@code Transfer-Encoding}, {@code Keep-Alive} and {@code Expect} dropped: flow control does what
 * {@code 100-continue} did), the body as DATA frames as flow control allows (then its trailers, a
 * HEADERS frame ending the stream), and the response's body is read from the stream
 * ({@link Http2Body}).
 *
 * <p><b>Failures.</b> A stream the server refused before processing it ({@code REFUSED_STREAM}, or
 * above the last stream id of a GOAWAY) is {@link Exchange.Outcome.SendAgain}, whatever the method,
 * if its body can be sent again; so is a request on a connection that had closed before the
 * stream opened. A stream reset otherwise fails the request; a response head this side rejects
 * (malformed, or a flow-control breach, and reset by us) is an {@link HttpProtocolException}, as a
 * malformed HTTP/1.1 response, never sent again. A request head over the server's
 * {@code SETTINGS_MAX_HEADER_LIST_SIZE} is a {@link ClientException}, not sent. A connection that dies with the
 * request unanswered sends an idempotent request again (not a connection's first stream) and fails
 * any other with a {@link ServerDisconnectedException}, as over HTTP/1.1; a failure of the caller's
 * own body is thrown as is and never sent again. Cancelling the request's task, or a read timeout,
 * resets its stream only ({@code CANCEL}).
 *
 * <p>One attempt: made for one connection, {@link #send} called once, in the request's task.
 */
final class Http2Exchange implements Exchange {

    private static final Logger LOG = Loggers.get(Http2Exchange.class);

    private final Http2Connections.Shared c;
    private final ExchangeSettings settings;

    Http2Exchange(Http2Connections.Shared c, ExchangeSettings settings) {
        this.c = c;
        this.settings = settings;
    }

    /** Waits (at most {@code timeout}) for the server's first SETTINGS on a new connection. */
    void awaitServerSettings(java.time.Duration timeout) {
        c.h2().connection().awaitRemoteSettings(timeout);
    }

    @Override
    public Outcome send(HopRequest request, Call call) throws IOException {
        String method = request.method();
        URI url = request.url();
        Headers h = request.headers().copy();
        h.remove("Expect");
        Body body = request.body();
        ClientTimeout t = call.timeout();
        Deadline dl = call.deadline();
        Origin origin = c.pooled().origin();
        Http2Headers head = Http2Headers.request(method, origin.scheme(), null, path(url), h);
        boolean bodyStarted = false;
        Http2Stream stream;
        // every stream of the connection busy: waiting for one is waiting for the pool, and is
        // bounded the same way (poolAcquire, or what is left of the total)
        java.time.Duration slotWait = t.poolAcquire();
        ClientTimeoutException.Kind waitKind = ClientTimeoutException.Kind.POOL_ACQUIRE;
        if (dl.binds(slotWait)) {
            slotWait = dl.remaining();
            waitKind = ClientTimeoutException.Kind.TOTAL;
        }
        try {
            stream = c.h2().connection().newStream(head, body == null, slotWait);
        } catch (dev.weft.TimeoutException e) {
            throw new ClientTimeoutException(waitKind, "no stream of the HTTP/2 connection to " + origin
                    + " came free within " + dev.weft.internal.Durations.format(slotWait));
        } catch (Http2Exception e) {
            if (e.isRetryable()) {
                LOG.debug("{} {}: {} takes no new streams ({}); sending it on another", method, url, c.h2(),
                        e.getMessage());
                return new Outcome.SendAgain(request);
            }
            throw e;
        } catch (IllegalStateException e) {
            // the connection closed between the look-up and the stream: no byte of this request went out
            return new Outcome.SendAgain(request);
        } catch (IllegalArgumentException e) {
            // the head exceeds the server's SETTINGS_MAX_HEADER_LIST_SIZE (nothing was sent, the
            // connection is unchanged): a failure the server's setting causes, so an IOException like
            // the others, never an unchecked one a caller handling I/O failures would not expect
            throw new ClientException(method + " " + url + " not sent: " + e.getMessage(), e);
        }
        settings.trace().requestHeadersSent(method, url, h);
        BodyOut out = null;
        try {
            if (body != null) {
                bodyStarted = true;
                out = new BodyOut(stream);
                writeBody(out, body, request.trailers());
            }
        } catch (CancelledException e) {
            throw e;
        } catch (RuntimeException e) {
            stream.reset(Http2ErrorCode.CANCEL); // a refused trailer field, a failing supplier: never completed
            throw e;
        } catch (IOException e) {
            if (out != null && !out.failed) {
                stream.reset(Http2ErrorCode.CANCEL);
                throw e; // the caller's own body failed, not the server: never a disconnect, never sent again
            }
            if (stream.headers() == null) {
                return failed(request, stream, e, body == null || body.replayable());
            }
            // the server answered before taking the whole body: its answer stands
        }
        Http2Headers response;
        try {
            response = stream.awaitHeaders(dl.cap(t.sockRead()));
        } catch (SocketTimeoutException e) {
            stream.reset(Http2ErrorCode.CANCEL);
            throw dl.binds(t.sockRead())
                    ? new ClientTimeoutException(ClientTimeoutException.Kind.TOTAL, "the request to " + url
                            + " took longer than " + t.total())
                    : new ClientTimeoutException(ClientTimeoutException.Kind.SOCK_READ, "no response from " + url
                            + " within " + t.sockRead());
        } catch (IOException e) {
            return failed(request, stream, e, body == null || body.replayable() || !bodyStarted);
        }
        int status = response.status();
        settings.trace().responseFirstByte(method, url, status);
        Headers fields = response.headers();
        long length = -1;
        String cl = fields.get("content-length");
        if (cl != null) {
            try {
                length = Long.parseLong(cl.trim());
            } catch (NumberFormatException e) {
                stream.reset(Http2ErrorCode.PROTOCOL_ERROR);
                throw new HttpProtocolException(502, "malformed content-length from " + url + ": " + cl);
            }
        }
        if (method.equals("HEAD") || status == 204 || status == 304) {
            length = method.equals("HEAD") ? length : -1;
        }
        Http2Body source = new Http2Body(stream, method.equals("HEAD") ? -1 : length);
        return new Outcome.Answered(new ClientResponse(method, url, status, StatusCodes.reason(status), "HTTP/2",
                fields, source, dl, t, settings));
    }

    /** The stream failed before an answer: sent again if the server never processed it, else thrown. */
    private Outcome failed(HopRequest request, Http2Stream stream, IOException e, boolean replayable)
            throws IOException {
        stream.reset(Http2ErrorCode.CANCEL); // nothing if it is closed already
        if (e instanceof Http2Exception h2e && h2e.isRetryable() && replayable) {
            LOG.debug("{} {}: the server refused stream {} before processing it ({}); sending it again",
                    request.method(), request.url(), stream.id(), e.getMessage());
            return new Outcome.SendAgain(request);
        }
        if (e instanceof Http2Exception h2e && h2e.isRemote() && !h2e.isConnectionError()) {
            throw new ClientException("the server reset the stream of " + request.method() + " " + request.url()
                    + ": " + e.getMessage(), e);
        }
        if (e instanceof Http2Exception h2e && !h2e.isRemote() && !h2e.isConnectionError()
                && h2e.errorCode() != Http2ErrorCode.CANCEL && h2e.errorCode() != Http2ErrorCode.INTERNAL_ERROR) {
            // the server broke the protocol on this stream (a malformed response head, DATA past the
            // window...) and we reset it: the server did answer, badly, on a connection that goes on.
            // As a malformed HTTP/1.1 response: never sent again, and said for what it is
            HttpProtocolException malformed = new HttpProtocolException(502, "malformed HTTP/2 response to "
                    + request.method() + " " + request.url() + ": " + e.getMessage());
            malformed.initCause(e);
            throw malformed;
        }
        if (replayable && request.idempotent() && stream.id() > 1) {
            // the shared connection died with this request in flight and no answer: as a reused
            // HTTP/1.1 connection found closed, an idempotent request goes again on another one. A
            // connection's first stream is not retried, so a server that fails on this very
            // request fails it once (and ExchangeLink bounds the attempts in any case).
            LOG.debug("{} {}: the HTTP/2 connection failed with it in flight ({}); sending it again on another",
                    request.method(), request.url(), e.toString());
            return new Outcome.SendAgain(request);
        }
        if (e instanceof HttpProtocolException || e instanceof SocketTimeoutException || e instanceof ClientException) {
            throw e;
        }
        // the connection died (GOAWAY with an error, a reset or end of the socket): as over HTTP/1.1
        throw new ServerDisconnectedException("the HTTP/2 connection failed before answering "
                + request.method() + " " + request.url() + " (" + e.getMessage() + ")", e);
    }

    private static void writeBody(BodyOut out, Body body, java.util.function.Supplier<Headers> trailers)
            throws IOException {
        body.writeTo(out);
        // asked for only now, once the body is out; a refused field or a failing supplier throws
        out.finish(TrailerFields.ask(trailers)); // END_STREAM (no trailers: empty)
    }

    /**
     * The stream's body as the caller's {@link Body} writes it: in slices of at most
     * {@link #SLICE} (see there why), and {@link #failed} once the stream itself failed, as
     * opposed to the body's own source.
     */
    private static final class BodyOut extends OutputStream {
        /**
         * The most one write hands the connection, hence the largest DATA frame of a request body.
         * Not redundant with the connection's own framing: {@code writeData} cuts frames at the
         * peer's {@code SETTINGS_MAX_FRAME_SIZE} and the windows only, and a peer may allow frames
         * of up to 16 MiB and open its windows as wide (Go's servers allow 1 MiB frames). Each
         * frame is copied whole into the connection's frame buffer before its 64 KiB high-water
         * mark is checked, so without this a large write would put up to 16 MiB there (and again
         * in the socket's unsent bytes), and every other stream's frames would wait behind it on
         * the wire. In 64 KiB slices (the high-water mark itself) the buffer stays near its mark and
         * the other streams interleave at 64 KiB. Http2RequestBodyTest pins it.
         */
        private static final int SLICE = 64 * 1024;
        private final Http2Stream stream;
        private final OutputStream out;
        boolean failed;

        BodyOut(Http2Stream stream) {
            this.stream = stream;
            this.out = stream.outputStream();
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                for (int at = off; at < off + len; at += SLICE) {
                    out.write(b, at, Math.min(SLICE, off + len - at));
                }
            } catch (IOException | RuntimeException e) {
                failed = true;
                throw e;
            }
        }

        /** Ends the stream: with trailers (a HEADERS frame with END_STREAM) unless there are none. */
        void finish(Headers trailers) throws IOException {
            try {
                if (trailers == null || trailers.isEmpty()) {
                    out.close();
                } else {
                    stream.writeTrailers(trailers);
                }
            } catch (IOException | RuntimeException e) {
                failed = true;
                throw e;
            }
        }
    }

    /** {@code :path}: the path and query, as on the request line. */
    private static String path(URI url) {
        String path = url.getRawPath();
        String q = url.getRawQuery();
        if (!isAscii(path) || !isAscii(q)) { // percent-encode what is not ASCII, as toASCIIString does
            URI ascii = URI.create(url.toASCIIString());
            path = ascii.getRawPath();
            q = ascii.getRawQuery();
        }
        return (path == null || path.isEmpty() ? "/" : path) + (q == null ? "" : "?" + q);
    }

    private static boolean isAscii(String s) {
        if (s != null) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) >= 0x80) {
                    return false;
                }
            }
        }
        return true;
    }
}
