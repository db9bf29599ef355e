package dev.weft.http.client;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.Weft;
import dev.weft.http.Headers;
import dev.weft.http.HttpLimits;
import dev.weft.http.codec.BodyFraming;
import dev.weft.http.codec.BodyReader;
import dev.weft.http.codec.Http1Parser;
import dev.weft.http.codec.RequestHead;
import dev.weft.http.h2.Http2Connection;
import dev.weft.http.h2.Http2Headers;
import dev.weft.http.h2.Http2Io;
import dev.weft.http.h2.Http2Options;
import dev.weft.http.server.HttpServer;
import dev.weft.http.server.HttpServerOptions;
import dev.weft.http.server.Response;
import dev.weft.http.server.Router;
import dev.weft.net.Server;
import dev.weft.net.Streams;
import dev.weft.net.TlsOptions;
import dev.weft.testing.WeftTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ClientRequest.Builder#trailers}: fields sent after the body, asked for once the body is
 * out (a checksum of a streamed body), over HTTP/1.1 (the chunked body's trailer section, a
 * fixed-length body switched to chunked) and HTTP/2 (a HEADERS frame with END_STREAM after the
 * DATA); forbidden fields refused. Against raw servers on real sockets (exact bytes), Weft's own
 * {@link HttpServer} over HTTP/1.1, h2c and TLS h2, and Python's {@code h2} as an independent peer.
 */
@WeftTest(virtualClock = false)
class RequestTrailersTest {

    @RegisterExtension
    final OpenResources open = new OpenResources();

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** A streamed body whose SHA-256 goes in a trailer, computed only as the body is read. */
    private static ClientRequest.Builder digested(ClientRequest.Builder b, byte[] data) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        DigestInputStream in = new DigestInputStream(new ByteArrayInputStream(data), sha);
        return b.body(Body.stream(in, "application/octet-stream"))
                .trailers(() -> Headers.of("X-Checksum-SHA256", HexFormat.of().formatHex(sha.digest())));
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    // ------------------------------------------------------------------ HTTP/1.1, raw server

    @Test
    void http11AFixedBodyWithTrailersGoesChunkedAndEndsWithItsTrailerSection() throws Exception {
        BlockingQueue<String> seen = new ArrayBlockingQueue<>(4);
        Server server = open.keep(Streams.startServer((in, out) -> {
            RequestHead head = Http1Parser.readRequestHead(in, HttpLimits.defaults());
            seen.add("te=" + head.headers().get("Transfer-Encoding") + " cl=" + head.headers().get("Content-Length"));
            String expected = "5\r\nhello\r\n0\r\nX-Checksum: abc\r\nX-Count: 1\r\n\r\n";
            seen.add(new String(in.readExactly(expected.length()), StandardCharsets.ISO_8859_1));
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
            out.drain();
        }, "127.0.0.1", 0));
        ClientSession s = open.keep(ClientSession.create());
        ClientRequest post = ClientRequest.builder("POST", "http://127.0.0.1:" + server.port() + "/")
                .body(Body.text("hello")).trailers(Headers.of("X-Checksum", "abc", "X-Count", "1")).build();
        try (ClientResponse r = s.request(post)) {
            assertEquals("ok", r.text());
        }
        assertEquals("te=chunked cl=null", seen.take(), "a Content-Length body with trailers is sent chunked");
        assertEquals("5\r\nhello\r\n0\r\nX-Checksum: abc\r\nX-Count: 1\r\n\r\n", seen.take());
    }

    @Test
    void http11TheSupplierIsAskedOnceTheStreamedBodyIsOut() throws Exception {
        byte[] data = random(300_000);
        BlockingQueue<String> seen = new ArrayBlockingQueue<>(4);
        Server server = open.keep(Streams.startServer((in, out) -> {
            RequestHead head = Http1Parser.readRequestHead(in, HttpLimits.defaults());
            BodyReader body = BodyReader.of(in, BodyFraming.ofRequest(head), HttpLimits.defaults(), Long.MAX_VALUE);
            byte[] got = body.asInputStream().readAllBytes();
            seen.add(sha256(got) + " " + body.trailers().get("x-checksum-sha256"));
            out.write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.drain();
        }, "127.0.0.1", 0));
        ClientSession s = open.keep(ClientSession.create());
        ClientRequest put = digested(ClientRequest.builder("PUT", "http://127.0.0.1:" + server.port() + "/f"), data)
                .build();
        try (ClientResponse r = s.request(put)) {
            assertEquals(204, r.status());
        }
        String sha = sha256(data);
        assertEquals(sha + " " + sha, seen.take(), "the trailer holds the digest of the whole body");
    }

    // ------------------------------------------------------------------ HTTP/2, raw engine

    @Test
    void http2TrailersAreAHeadersFrameEndingTheStreamAfterTheData() throws Exception {
        byte[] data = random(200_000); // past the initial stream window: the trailers wait for the DATA
        Server server = open.keep(Streams.startServer((in, out) -> {
            Http2Connection c = Http2Connection.server(Http2Io.of(in, out), Http2Options.defaults(), stream -> {
                byte[] got = stream.inputStream().readAllBytes();
                Http2Headers t = stream.trailers();
                byte[] answer = (sha256(got) + " " + (t == null ? "none" : t.headers().get("x-checksum-sha256")))
                        .getBytes(StandardCharsets.UTF_8);
                stream.writeHeaders(Http2Headers.response(200, Headers.of("content-type", "text/plain")), false);
                stream.writeData(answer, 0, answer.length, true);
            });
            c.serve();
        }, "127.0.0.1", 0));
        ClientSession s = open.keep(ClientSession.builder().http2PriorKnowledge(true).build());
        ClientRequest post = digested(ClientRequest.builder("POST", "http://127.0.0.1:" + server.port() + "/"), data)
                .build();
        try (ClientResponse r = s.request(post)) {
            assertEquals("HTTP/2", r.version());
            String sha = sha256(data);
            assertEquals(sha + " " + sha, r.text());
        }
    }

    // ------------------------------------------------------------------ Weft's own server, both versions

    private static Router echoTrailers() {
        return new Router().post("/up", req -> {
            boolean before = req.trailers().isEmpty();
            byte[] body = req.bytes();
            return Response.text(req.version() + " before=" + (before ? "none" : "some") + " sha=" + sha256(body)
                    + " trailer=" + req.trailers().get("X-Checksum-SHA256"));
        });
    }

    @Test
    void weftServerReadsThemOverHttp11H2cAndTlsH2() throws Exception {
        byte[] data = random(100_000);
        String sha = sha256(data);
        HttpServer plain = open.keep(HttpServer.start(echoTrailers(), "127.0.0.1", 0));
        HttpServer tls = open.keep(HttpServer.start(echoTrailers(), "127.0.0.1", 0, HttpServerOptions.defaults()
                .tls(TlsOptions.server(Http2ClientTest.tls("server-cert.pem"), Http2ClientTest.tls("server-key.pem")))));
        ClientSession h1 = open.keep(ClientSession.create());
        ClientSession h2c = open.keep(ClientSession.builder().http2PriorKnowledge(true).build());
        ClientSession h2 = open.keep(ClientSession.builder().http2(true)
                .tls(TlsOptions.client().trustPem(Http2ClientTest.tls("ca.pem"))).build());
        record Case(ClientSession session, String url, String version) {
        }
        for (Case c : List.of(new Case(h1, "http://127.0.0.1:" + plain.port() + "/up", "HTTP/1.1"),
                new Case(h2c, "http://127.0.0.1:" + plain.port() + "/up", "HTTP/2"),
                new Case(h2, "https://localhost:" + tls.port() + "/up", "HTTP/2"))) {
            try (ClientResponse r = c.session().request(digested(ClientRequest.builder("POST", c.url()), data).build())) {
                assertEquals(c.version(), r.version());
                assertEquals(c.version() + " before=none sha=" + sha + " trailer=" + sha, r.text(), c.url());
            }
            // a fixed body with fixed trailers, on the same connection
            ClientRequest fixed = ClientRequest.builder("POST", c.url()).body(Body.bytes(data))
                    .trailers(Headers.of("X-Checksum-SHA256", "given")).build();
            try (ClientResponse r = c.session().request(fixed)) {
                assertEquals(c.version() + " before=none sha=" + sha + " trailer=given", r.text(), c.url());
            }
        }
        assertEquals(1, h2c.http2Connections());
    }

    @Test
    void aRedirectThatDropsTheBodyDropsTheTrailersAnd307AsksForThemAgain() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        Router app = echoTrailers()
                .post("/see-other", req -> {
                    req.bytes();
                    return Response.redirect(303, "/got");
                })
                .post("/temporary", req -> {
                    req.bytes();
                    return Response.redirect(307, "/up");
                })
                .get("/got", req -> Response.text("te=" + req.header("Transfer-Encoding") + " trailers="
                        + req.trailers().size() + " body=" + req.bytes().length));
        HttpServer server = open.keep(HttpServer.start(app, "127.0.0.1", 0));
        String base = "http://127.0.0.1:" + server.port();
        for (ClientSession s : List.of(open.keep(ClientSession.create()),
                open.keep(ClientSession.builder().http2PriorKnowledge(true).build()))) {
            asked.set(0);
            ClientRequest seeOther = ClientRequest.builder("POST", base + "/see-other").body(Body.text("x"))
                    .trailers(() -> Headers.of("X-Asked", String.valueOf(asked.incrementAndGet()))).build();
            try (ClientResponse r = s.request(seeOther)) {
                assertEquals("te=null trailers=0 body=0", r.text());
            }
            assertEquals(1, asked.get());
            ClientRequest temporary = ClientRequest.builder("POST", base + "/temporary").body(Body.text("x"))
                    .trailers(() -> Headers.of("X-Checksum-SHA256", "n" + asked.incrementAndGet())).build();
            try (ClientResponse r = s.request(temporary)) {
                assertTrue(r.text().endsWith(" trailer=n3"), "asked again for the body sent again");
            }
        }
    }

    // ------------------------------------------------------------------ refused

    @Test
    void forbiddenFieldsAreRefusedAtOnceWhenFixed() {
        for (String name : List.of("Content-Length", "Transfer-Encoding", "Host", "Trailer", "Authorization",
                "Content-Type", "TE", "Connection", "Cookie")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ClientRequest.builder("POST", "http://example.com/").body(Body.text("x"))
                            .trailers(Headers.of(name, "1")),
                    name);
            assertTrue(e.getMessage().contains(name) && e.getMessage().contains("trailer"), e.getMessage());
        }
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> ClientRequest.builder("GET", "http://example.com/").trailers(Headers.of("X-A", "1")).build());
        assertTrue(none.getMessage().contains("body"), none.getMessage());
    }

    @Test
    void aForbiddenFieldFromTheSupplierFailsTheRequestAndTheMessageIsNeverCompleted() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Router app = echoTrailers().get("/ok", req -> Response.text("ok " + req.version()));
        HttpServer server = open.keep(HttpServer.start(app, "127.0.0.1", 0));
        String base = "http://127.0.0.1:" + server.port();
        for (ClientSession s : List.of(open.keep(ClientSession.create()),
                open.keep(ClientSession.builder().http2PriorKnowledge(true).build()))) {
            ClientRequest bad = ClientRequest.builder("POST", base + "/up").body(Body.text("x"))
                    .trailers(() -> {
                        calls.incrementAndGet();
                        return Headers.of("X-Fine", "1", "Content-Length", "1");
                    }).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.request(bad).close());
            assertTrue(e.getMessage().contains("Content-Length"), e.getMessage());
            try (ClientResponse r = s.get(base + "/ok")) { // the session goes on
                assertTrue(r.text().startsWith("ok "));
            }
        }
        assertEquals(2, calls.get(), "asked once per request, never sent again");
    }

    @Test
    void http11AForbiddenFieldFromTheSupplierLeavesTheChunkedBodyUnfinished() throws Exception {
        BlockingQueue<String> seen = new ArrayBlockingQueue<>(4);
        Server server = open.keep(Streams.startServer((in, out) -> {
            RequestHead head = Http1Parser.readRequestHead(in, HttpLimits.defaults());
            BodyReader body = BodyReader.of(in, BodyFraming.ofRequest(head), HttpLimits.defaults(), Long.MAX_VALUE);
            try {
                body.asInputStream().readAllBytes();
                seen.add("complete");
            } catch (IOException e) {
                seen.add("unfinished");
            }
        }, "127.0.0.1", 0));
        ClientSession s = open.keep(ClientSession.create());
        ClientRequest bad = ClientRequest.builder("POST", "http://127.0.0.1:" + server.port() + "/")
                .body(Body.text("hello")).trailers(() -> Headers.of("Transfer-Encoding", "gzip")).build();
        assertThrows(IllegalArgumentException.class, () -> s.request(bad).close());
        assertEquals("unfinished", seen.poll(30, TimeUnit.SECONDS),
                "the server never sees the last chunk: the connection closes without it");
    }

    // ------------------------------------------------------------------ nghttpd as the server

    @Test
    void nghttpdOverTlsH2SeesTheTrailersAsAHeadersFrameEndingTheStreamAfterTheData() throws Exception {
        Path nghttpd = Path.of("/usr/sbin/nghttpd");
        assumeTrue(Files.isExecutable(nghttpd), "nghttpd is not installed (Debian package nghttp2-server)");
        Path dir = Files.createTempDirectory("weft-nghttpd");
        open.keep(() -> {
            try (var all = Files.walk(dir)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        });
        Files.writeString(dir.resolve("up"), "stored");
        Path log = dir.resolve("nghttpd.log");
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Process p = Weft.toThread(() -> new ProcessBuilder(nghttpd.toString(), "-v", "-d", dir.toString(), "-a",
                "127.0.0.1", Integer.toString(port), Http2ClientTest.tls("server-key.pem").toString(),
                Http2ClientTest.tls("server-cert.pem").toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start());
        open.keep(() -> { // after the test, off the loop
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        });
        ClientSession s = open.keep(ClientSession.builder().http2(true)
                .tls(TlsOptions.client().trustPem(Http2ClientTest.tls("ca.pem"))).build());
        byte[] data = random(100_000);
        String sha = sha256(data);
        ClientRequest post = digested(ClientRequest.builder("POST", "https://localhost:" + port + "/up"), data)
                .build();
        boolean listening = false;
        for (int i = 0; i < 100 && !listening; i++) { // nghttpd prints nothing when ready: wait for its port
            try {
                Streams.openConnection("127.0.0.1", port).close();
                listening = true;
            } catch (IOException e) {
                Weft.sleep(0.1);
            }
        }
        assertTrue(listening, "nghttpd did not start");
        ClientResponse answered = s.request(post);
        try (ClientResponse r = answered) {
            assertEquals("HTTP/2", r.version());
            assertEquals("stored", r.text());
        }
        p.destroy();
        Weft.toThread(() -> p.waitFor(30, TimeUnit.SECONDS));
        String out = Files.readString(log);
        int lastData = out.lastIndexOf("recv DATA frame");
        int trailer = out.indexOf("recv (stream_id=1) x-checksum-sha256: " + sha);
        int frame = out.indexOf("recv HEADERS frame", Math.max(trailer, 0));
        assertTrue(lastData > 0 && trailer > lastData, "the trailer after the last DATA frame: " + out);
        String frameLines = out.substring(frame, out.indexOf('\n', out.indexOf('\n', frame) + 1));
        assertTrue(frameLines.contains("END_STREAM"), "a HEADERS frame ending the stream: " + frameLines);
        assertFalse(out.substring(0, lastData).contains("x-checksum-sha256"), "not in the head: " + out);
    }

    // ------------------------------------------------------------------ Python's h2 as the server

    @Test
    void pythonH2ServerReceivesTheTrailersAfterTheData() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "no Debian python3");
        String script = """
                import socket, sys, hashlib, h2.connection, h2.config, h2.events
                srv = socket.socket()
                srv.bind(("127.0.0.1", 0))
                srv.listen(1)
                print(srv.getsockname()[1], flush=True)
                s, _ = srv.accept()
                c = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=False))
                c.initiate_connection()
                s.sendall(c.data_to_send())
                body, order, done = b"", [], False
                while not done:
                    data = s.recv(65536)
                    if not data:
                        break
                    for e in c.receive_data(data):
                        if isinstance(e, h2.events.RequestReceived):
                            order.append("headers")
                        elif isinstance(e, h2.events.DataReceived):
                            if not order or order[-1] != "data":
                                order.append("data")
                            body += e.data
                            c.acknowledge_received_data(e.flow_controlled_length, e.stream_id)
                        elif isinstance(e, h2.events.TrailersReceived):
                            order.append("trailers")
                            trailers = dict(e.headers)
                        elif isinstance(e, h2.events.StreamEnded):
                            answer = ("%s %s %s" % (" ".join(order), hashlib.sha256(body).hexdigest(),
                                      trailers.get(b"x-checksum-sha256", b"none").decode())).encode()
                            c.send_headers(e.stream_id, [(":status", "200"), ("content-length", str(len(answer)))])
                            c.send_data(e.stream_id, answer, end_stream=True)
                            done = True
                    s.sendall(c.data_to_send())
                c.close_connection()
                s.sendall(c.data_to_send())
                s.close()
                """;
        Process p = Weft.toThread(() -> new ProcessBuilder(python.toString(), "-c", script).start());
        try {
            String first = Weft.toThread(() -> new java.io.BufferedReader(new java.io.InputStreamReader(
                    p.getInputStream(), StandardCharsets.US_ASCII)).readLine());
            if (first == null) {
                String err = Weft.toThread(() -> new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                assumeTrue(!err.contains("No module named 'h2'"), "Python's h2 is not installed (python3-h2)");
                fail("the Python server did not start: " + err);
            }
            int port = Integer.parseInt(first.trim());
            byte[] data = random(150_000);
            ClientSession s = open.keep(ClientSession.builder().http2PriorKnowledge(true).build());
            ClientRequest post = digested(ClientRequest.builder("POST", "http://127.0.0.1:" + port + "/"), data)
                    .build();
            try (ClientResponse r = s.request(post)) {
                assertEquals("HTTP/2", r.version());
                String sha = sha256(data);
                assertEquals("headers data trailers " + sha + " " + sha, r.text());
            }
        } finally {
            p.destroy();
            Weft.toThread(() -> p.waitFor(30, TimeUnit.SECONDS));
        }
    }
}
