package dev.weft.http.server;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.http.Headers;
import dev.weft.http.client.ClientRequest;
import dev.weft.http.client.ClientResponse;
import dev.weft.http.client.ClientSession;
import dev.weft.net.TlsOptions;
import dev.weft.testing.WeftTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Trailers on the server: {@link Request#trailers()} (a chunked HTTP/1.1 body's trailer section,
 * HTTP/2 trailers) once the body is read, and {@link Response#trailers} sent after the body
 * (gRPC-style) over chunked HTTP/1.1 and HTTP/2. Driven by raw sockets (exact bytes), Weft's
 * client (HTTP/1.1, h2c, TLS h2), curl and Python's {@code h2}.
 */
@WeftTest(virtualClock = false)
class TrailersTest {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private static String crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return Long.toHexString(c.getValue());
    }

    /** Lines of "line i", their CRC in a trailer computed as they are written, and grpc-status. */
    private static Response streamed(int lines) {
        CRC32 crc = new CRC32();
        return Response.stream("text/plain", out -> {
            for (int i = 0; i < lines; i++) {
                byte[] line = ("line " + i + "\n").getBytes(StandardCharsets.UTF_8);
                crc.update(line);
                out.write(line);
            }
        }).trailers(() -> Headers.of("X-CRC32", Long.toHexString(crc.getValue()), "grpc-status", "0"));
    }

    private static String lines(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("line ").append(i).append('\n');
        }
        return sb.toString();
    }

    private static Router app() {
        return new Router()
                .post("/up", req -> {
                    String before = req.trailers().isEmpty() ? "none" : "some";
                    String body = req.text();
                    return Response.text("before=" + before + " body=" + body.length() + " after="
                            + req.trailers().get("x-checksum") + "," + req.trailers().get("X-Count")
                            + " in-head=" + req.headers().contains("X-Checksum"));
                })
                .get("/stream", req -> streamed(1000))
                .get("/fixed", req -> Response.text("fixed").trailers(Headers.of("grpc-status", "0")))
                .get("/only", req -> Response.of(200).trailers(Headers.of("grpc-status", "5", "grpc-message",
                        "not found")))
                .get("/none", req -> Response.text("plain").trailers(Headers::new))
                .get("/bad", req -> Response.stream("text/plain", out -> out.write("partial".getBytes(
                        StandardCharsets.UTF_8))).trailers(() -> Headers.of("Content-Length", "7")))
                .get("/ok", req -> Response.text("ok " + req.version()));
    }

    private int start() throws Exception {
        HttpServer server = HttpServer.start(app(), "127.0.0.1", 0);
        open.add(server::close);
        return server.port();
    }

    private int startTls() throws Exception {
        HttpServer server = HttpServer.start(app(), "127.0.0.1", 0, HttpServerOptions.defaults().tls(
                TlsOptions.server(Http2ServerInteropTest.tlsFile("server-cert.pem"),
                        Http2ServerInteropTest.tlsFile("server-key.pem"))));
        open.add(server::close);
        return server.port();
    }

    /** Sends {@code raw} and reads everything until the server closes the connection. */
    private static String rawExchange(int port, String raw) throws IOException {
        try (Wire w = new Wire(port)) {
            w.send(raw);
            return new String(w.conn.reader().readAllBytes(1 << 20), StandardCharsets.ISO_8859_1);
        }
    }

    // ------------------------------------------------------------------ HTTP/1.1, exact bytes

    @Test
    void http11ChunkedRequestTrailersAreTheHandlersOnceTheBodyIsRead() throws Exception {
        int port = start();
        Wire.Resp r = Wire.exchange(port, "POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n3\r\n!!!\r\n0\r\nX-Checksum: abc\r\nX-Count: 2\r\n\r\n");
        assertEquals(200, r.status());
        assertEquals("before=none body=8 after=abc,2 in-head=false", r.text());
    }

    @Test
    void http11ResponseTrailersEndTheChunkedBodyAndAFixedBodyGoesChunked() throws Exception {
        int port = start();
        String stream = rawExchange(port, "GET /stream HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        String head = stream.substring(0, stream.indexOf("\r\n\r\n") + 4);
        assertTrue(head.contains("\r\nTransfer-Encoding: chunked\r\n"), head);
        assertFalse(head.contains("Content-Length"), head);
        byte[] body = lines(1000).getBytes(StandardCharsets.UTF_8);
        assertTrue(stream.endsWith("\r\n0\r\nX-CRC32: " + crc(body) + "\r\ngrpc-status: 0\r\n\r\n"), stream);

        String fixed = rawExchange(port, "GET /fixed HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        assertTrue(fixed.contains("\r\nTransfer-Encoding: chunked\r\n") && !fixed.contains("Content-Length"), fixed);
        assertTrue(fixed.endsWith("\r\n\r\n5\r\nfixed\r\n0\r\ngrpc-status: 0\r\n\r\n"), fixed);

        String only = rawExchange(port, "GET /only HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        assertTrue(only.endsWith("\r\n\r\n0\r\ngrpc-status: 5\r\ngrpc-message: not found\r\n\r\n"), only);

        String none = rawExchange(port, "GET /none HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        assertTrue(none.endsWith("\r\n\r\n5\r\nplain\r\n0\r\n\r\n"), "empty trailers: a plain last chunk: " + none);

        String http10 = rawExchange(port, "GET /fixed HTTP/1.0\r\n\r\n");
        assertTrue(http10.contains("\r\nContent-Length: 5\r\n") && http10.endsWith("\r\n\r\nfixed"),
                "an HTTP/1.0 client gets no trailers: " + http10);

        String headReq = rawExchange(port, "HEAD /fixed HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        assertTrue(headReq.contains("\r\nTransfer-Encoding: chunked\r\n") && headReq.endsWith("\r\n\r\n"),
                "HEAD: the head GET would have, no body and no trailers: " + headReq);
    }

    @Test
    void http11TrailersThatCannotBeSentLeaveTheBodyUnfinished() throws Exception {
        int port = start();
        String bad = rawExchange(port, "GET /bad HTTP/1.1\r\nHost: t\r\n\r\n");
        assertTrue(bad.endsWith("\r\n7\r\npartial\r\n"), "closed before the last chunk: " + bad);
        assertThrows(IllegalArgumentException.class, () -> Response.text("x").trailers(Headers.of("Set-Cookie", "a=1")));
        assertThrows(IllegalArgumentException.class, () -> Response.text("x").trailers(Headers.of("Host", "h")));
    }

    // ------------------------------------------------------------------ Weft's client, both versions

    @Test
    void weftClientReadsResponseTrailersOverHttp11H2cAndTlsH2AndSendsRequestTrailers() throws Exception {
        int plain = start();
        int tls = startTls();
        ClientSession h1 = ClientSession.create();
        ClientSession h2c = ClientSession.builder().http2PriorKnowledge(true).build();
        ClientSession h2 = ClientSession.builder().http2(true)
                .tls(TlsOptions.client().trustPem(Http2ServerInteropTest.tlsFile("ca.pem"))).build();
        open.addAll(List.of(h1, h2c, h2));
        String body = lines(1000);
        record Case(ClientSession s, String base, String version) {
        }
        for (Case c : List.of(new Case(h1, "http://127.0.0.1:" + plain, "HTTP/1.1"),
                new Case(h2c, "http://127.0.0.1:" + plain, "HTTP/2"),
                new Case(h2, "https://localhost:" + tls, "HTTP/2"))) {
            try (ClientResponse r = c.s().get(c.base() + "/stream")) {
                assertEquals(c.version(), r.version());
                assertEquals(body, r.text());
                assertEquals(crc(body.getBytes(StandardCharsets.UTF_8)), r.trailers().get("x-crc32"));
                assertEquals("0", r.trailers().get("grpc-status"));
            }
            try (ClientResponse r = c.s().get(c.base() + "/fixed")) {
                assertEquals("fixed", r.text());
                assertEquals("0", r.trailers().get("grpc-status"), c.version());
            }
            try (ClientResponse r = c.s().get(c.base() + "/only")) {
                assertEquals("", r.text());
                assertEquals("5", r.trailers().get("grpc-status"), c.version());
                assertEquals("not found", r.trailers().get("grpc-message"));
            }
            ClientRequest up = ClientRequest.builder("POST", c.base() + "/up")
                    .body(dev.weft.http.client.Body.text("hello")).trailers(Headers.of("X-Checksum", "abc", "X-Count",
                            "1")).build();
            try (ClientResponse r = c.s().request(up)) {
                assertEquals("before=none body=5 after=abc,1 in-head=false", r.text(), c.version());
            }
            // trailers that cannot be sent: the response fails, the connection (HTTP/2) carries on
            try (ClientResponse r = c.s().get(c.base() + "/bad")) {
                assertThrows(IOException.class, r::text, c.version());
            }
            try (ClientResponse r = c.s().get(c.base() + "/ok")) {
                assertEquals("ok " + c.version(), r.text());
            }
        }
        assertEquals(1, h2c.http2Connections(), "the reset stream did not cost the connection");
    }

    // ------------------------------------------------------------------ independent clients

    @Test
    void curlSeesTheResponseTrailersOfAChunkedHttp11Body() throws Exception {
        // curl 7.88 does not show HTTP/2 trailers (not with -D, not with --trace): nghttp does, below
        String curl = Http2ServerInteropTest.which("curl");
        assumeTrue(curl != null, "curl is not installed");
        int plain = start();
        int tls = startTls();
        String ca = Http2ServerInteropTest.tlsFile("ca.pem").toString();
        for (List<String> how : List.of(List.of("http://127.0.0.1:" + plain + "/fixed"),
                List.of("--cacert", ca, "https://localhost:" + tls + "/stream"))) {
            List<String> cmd = new ArrayList<>(List.of(curl, "-sS", "--http1.1", "-D", "-"));
            cmd.addAll(how);
            Http2ServerInteropTest.Run r = Http2ServerInteropTest.run(cmd, null);
            assertEquals(0, r.exit(), r.err());
            int endOfHead = r.out().indexOf("\r\n\r\n");
            assertTrue(endOfHead > 0 && r.out().indexOf("grpc-status: 0\r\n") > endOfHead,
                    "after the head: " + how + ": " + r.out().replace("\r", "\\r"));
        }
    }

    @Test
    void nghttpSendsRequestTrailersAndSeesResponseTrailersOverH2cAndTls() throws Exception {
        String nghttp = Http2ServerInteropTest.which("nghttp");
        assumeTrue(nghttp != null, "nghttp is not installed (Debian package nghttp2-client)");
        int plain = start();
        int tls = startTls();
        Path upload = Files.createTempFile("weft-trailers", ".bin");
        open.add(() -> Files.deleteIfExists(upload));
        Files.write(upload, new byte[100_000]);
        for (String base : List.of("http://127.0.0.1:" + plain, "https://localhost:" + tls)) {
            Http2ServerInteropTest.Run up = Http2ServerInteropTest.run(List.of(nghttp, "-d", upload.toString(),
                    "--trailer=x-checksum: from-nghttp", "--trailer=x-count: 4", base + "/up"), null);
            assertEquals(0, up.exit(), up.err());
            assertEquals("before=none body=100000 after=from-nghttp,4 in-head=false", up.out(), up.err());

            Http2ServerInteropTest.Run down = Http2ServerInteropTest.run(List.of(nghttp, "-v", base + "/stream"),
                    null);
            assertEquals(0, down.exit(), down.err());
            String out = down.out();
            int data = out.lastIndexOf("recv DATA frame");
            int trailer = out.indexOf("recv (stream_id=13) x-crc32: "
                    + crc(lines(1000).getBytes(StandardCharsets.UTF_8)));
            int status = out.indexOf("recv (stream_id=13) grpc-status: 0");
            int end = out.indexOf("recv HEADERS frame", Math.max(trailer, 0));
            assertTrue(data > 0 && trailer > data && status > trailer, "the trailers after the DATA: " + out);
            assertTrue(end > status && out.substring(end, out.indexOf('\n', out.indexOf('\n', end) + 1))
                    .contains("END_STREAM"), "a HEADERS frame ending the stream: " + out);
        }
    }

    @Test
    void pythonH2SendsRequestTrailersAndReadsGrpcStyleResponseTrailers() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "no Debian python3");
        Http2ServerInteropTest.Run probe = Http2ServerInteropTest.run(List.of(python.toString(), "-c", "import h2"),
                null);
        assumeTrue(probe.exit() == 0, "Python's h2 is not installed (Debian package python3-h2)");
        int port = start();
        String script = """
                import socket, h2.connection, h2.events
                s = socket.create_connection(("127.0.0.1", %d))
                c = h2.connection.H2Connection()
                c.initiate_connection()
                s.sendall(c.data_to_send())
                up = c.get_next_available_stream_id()
                c.send_headers(up, [(":method", "POST"), (":scheme", "http"), (":authority", "py"), (":path", "/up"),
                                    ("te", "trailers")])
                c.send_data(up, b"x" * 1000)
                c.send_headers(up, [("x-checksum", "from-python"), ("x-count", "3")], end_stream=True)
                down = c.get_next_available_stream_id()
                c.send_headers(down, [(":method", "GET"), (":scheme", "http"), (":authority", "py"),
                                      (":path", "/stream"), ("te", "trailers")], end_stream=True)
                s.sendall(c.data_to_send())
                bodies, trailers, done = {}, {}, set()
                while len(done) < 2:
                    data = s.recv(65536)
                    if not data:
                        break
                    for e in c.receive_data(data):
                        if isinstance(e, h2.events.DataReceived):
                            bodies[e.stream_id] = bodies.get(e.stream_id, b"") + e.data
                            c.acknowledge_received_data(e.flow_controlled_length, e.stream_id)
                        elif isinstance(e, h2.events.TrailersReceived):
                            trailers[e.stream_id] = dict(e.headers)
                        elif isinstance(e, h2.events.StreamEnded):
                            done.add(e.stream_id)
                    s.sendall(c.data_to_send())
                print(bodies[up].decode())
                t = trailers.get(down, {})
                print(len(bodies[down]), t.get(b"x-crc32", b"-").decode(), t.get(b"grpc-status", b"-").decode())
                c.close_connection()
                s.sendall(c.data_to_send())
                """.formatted(port);
        Http2ServerInteropTest.Run r = Http2ServerInteropTest.run(List.of(python.toString(), "-c", script), null);
        assertEquals(0, r.exit(), r.err());
        byte[] body = lines(1000).getBytes(StandardCharsets.UTF_8);
        assertEquals("before=none body=1000 after=from-python,3 in-head=false\n" + body.length + " " + crc(body) + " 0\n",
                r.out(), r.err());
    }
}
