package dev.weft.http.client;

import dev.weft.http.Headers;
import dev.weft.http.codec.BodyFraming;
import dev.weft.http.codec.BodyReader;
import dev.weft.http.codec.Http1Parser;
import dev.weft.http.codec.Http1Writer;
import dev.weft.http.HttpLimits;
import dev.weft.http.codec.RequestHead;
import dev.weft.net.Server;
import dev.weft.net.StreamReader;
import dev.weft.net.StreamWriter;
import dev.weft.net.Streams;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTP/1.1 server for the client's tests, written on Weft streams with the codec: it
 * parses each request (body included) and lets the test write exact response bytes. Counts
 * accepted connections and the most connections open at once.
 */
final class TinyServer implements AutoCloseable {

    /** A parsed request. */
    record Req(RequestHead head, byte[] body, int connection) {
        String method() {
            return head.method();
        }

        String target() {
            return head.target();
        }

        Headers headers() {
            return head.headers();
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Answers one request; returns false to close the connection afterwards. */
    @FunctionalInterface
    interface Handler {
        boolean handle(Req req, StreamWriter out) throws Exception;
    }

    /**
     * Answers one request from its head alone: the body, if any, is still on {@code in}, for the
     * handler to read or not (the way a server answers {@code Expect: 100-continue}). Returns
     * false to close the connection afterwards.
     */
    @FunctionalInterface
    interface RawHandler {
        boolean handle(RequestHead head, StreamReader in, StreamWriter out) throws Exception;
    }

    final Server server;
    final List<Req> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger maxOpen = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();

    private TinyServer(Handler handler, dev.weft.net.ServerOptions options) throws Exception {
        this(null, handler, options);
    }

    private TinyServer(RawHandler raw, Handler handler, dev.weft.net.ServerOptions options) throws Exception {
        server = Streams.startServer((in, out) -> {
            int id = connections.incrementAndGet();
            maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            try {
                RequestHead head;
                while ((head = Http1Parser.readRequestHead(in, HttpLimits.defaults())) != null) {
                    boolean keep;
                    if (raw != null) {
                        requests.add(new Req(head, new byte[0], id));
                        keep = raw.handle(head, in, out);
                    } else {
                        byte[] body = BodyReader.of(in, BodyFraming.ofRequest(head), HttpLimits.defaults(), 50 << 20)
                                .readAll();
                        Req req = new Req(head, body, id);
                        requests.add(req);
                        keep = handler.handle(req, out);
                    }
                    out.drain();
                    if (!keep || !head.keepAlive()) {
                        break;
                    }
                }
            } finally {
                open.decrementAndGet();
            }
        }, "127.0.0.1", 0, options);
    }

    static TinyServer start(Handler handler) throws Exception {
        return new TinyServer(handler, dev.weft.net.ServerOptions.defaults());
    }

    /** A server whose handler sees each request's head before its body (see {@link RawHandler}). */
    static TinyServer startRaw(RawHandler handler) throws Exception {
        return new TinyServer(handler, null, dev.weft.net.ServerOptions.defaults());
    }

    /** An https server with the given TLS settings. */
    static TinyServer startTls(Handler handler, dev.weft.net.TlsOptions tls) throws Exception {
        return new TinyServer(handler, dev.weft.net.ServerOptions.defaults().tls(tls));
    }

    String httpsUrl(String path) {
        return "https://localhost:" + server.port() + path;
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    int port() {
        return server.port();
    }

    int accepted() {
        return server.acceptedConnections();
    }

    /** Writes a response with a Content-Length body. */
    static void respond(StreamWriter out, int status, byte[] body, String... headers) throws Exception {
        Headers h = Headers.of(headers);
        h.setIfAbsent("Content-Length", Integer.toString(body.length));
        out.write(Http1Writer.responseHead(status, null, h));
        out.write(body);
    }

    static void respond(StreamWriter out, int status, String body, String... headers) throws Exception {
        respond(out, status, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** The bytes of a response, head and body, as one array. */
    static byte[] bytes(String head, byte[] body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        b.writeBytes(body);
        return b.toByteArray();
    }

    @Override
    public void close() {
        server.close();
    }
}
