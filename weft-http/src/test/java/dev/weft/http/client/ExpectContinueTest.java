package dev.weft.http.client;

import static dev.weft.http.client.TinyServer.respond;
import static org.junit.jupiter.api.Assertions.*;

import dev.weft.Future;
import dev.weft.http.Headers;
import dev.weft.http.codec.BodyFraming;
import dev.weft.http.codec.BodyReader;
import dev.weft.http.HttpLimits;
import dev.weft.http.HttpProtocolException;
import dev.weft.http.server.HttpServer;
import dev.weft.http.server.Response;
import dev.weft.http.server.Router;
import dev.weft.testing.WeftTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code Expect: 100-continue} and interim (1xx) responses, against Weft's own server and raw
 * servers that answer from the request head alone, on loopback sockets.
 */
@WeftTest(virtualClock = false)
class ExpectContinueTest {

    /** Long enough that, in these tests, only a real answer lets the body go (or keeps it back). */
    private static final Duration PATIENT = Duration.ofMinutes(10);
    /** A bound on each whole request, so that a broken path fails instead of hanging. */
    private static final ClientTimeout BOUNDED = ClientTimeout.defaults().total(Duration.ofMinutes(1));

    @RegisterExtension
    final OpenResources open = new OpenResources();
    private final List<String> interim = new CopyOnWriteArrayList<>();

    /** A session that records the interim responses it skips, as "status" or "status Link". */
    private ClientSession session(Duration expectContinueTimeout) {
        return open.keep(ClientSession.builder().timeout(BOUNDED).expectContinueTimeout(expectContinueTimeout)
                .trace(new TraceListener() {
                    @Override
                    public void interimResponse(String method, URI url, int status, Headers headers) {
                        String link = headers.get("Link");
                        interim.add(link == null ? Integer.toString(status) : status + " " + link);
                    }
                }).build());
    }

    /** A body that remembers whether anything read it, and notes its first read in {@code interim}. */
    private final class WatchedBody extends InputStream {
        final AtomicBoolean touched = new AtomicBoolean();
        private final InputStream in;

        WatchedBody(String text) {
            in = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
        }

        private void touch() {
            if (!touched.getAndSet(true)) {
                interim.add("body read");
            }
        }

        @Override
        public int read() throws IOException {
            touch();
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            touch();
            return in.read(b, off, len);
        }
    }

    private static ClientRequest upload(String url, Body body) {
        return ClientRequest.builder("PUT", url).expectContinue(true).body(body).build();
    }

    @Test
    void weftsServerSays100ContinueAndThenReadsTheBody() throws Exception {
        HttpServer server = open.keep(HttpServer.start(new Router()
                .put("/upload", req -> Response.text("stored " + req.text())), "127.0.0.1", 0));
        ClientSession session = session(PATIENT);
        String url = "http://127.0.0.1:" + server.port() + "/upload";
        try (ClientResponse r = session.request(upload(url, Body.text("first file")))) {
            assertEquals(200, r.status());
            assertEquals("stored first file", r.text());
        }
        assertEquals(List.of("100"), interim);
        WatchedBody stream = new WatchedBody("second file, streamed");
        try (ClientResponse r = session.request(upload(url, Body.stream(stream, "text/plain")))) {
            assertEquals("stored second file, streamed", r.text(), "a chunked body after 100 Continue");
        }
        assertEquals(List.of("100", "100", "body read"), interim,
                "the body waited for 100 Continue (the wait itself is 10 minutes)");
        assertEquals(1, session.pool().connectionsReused(), "after 100 Continue and the body, keep-alive goes on");
    }

    @Test
    void weftsServerRefusingFromTheHeadNeverGetsTheBody() throws Exception {
        HttpServer server = open.keep(HttpServer.start(new Router()
                .put("/upload", req -> Response.text("log in first").status(401))
                .get("/ping", req -> Response.text("pong")), "127.0.0.1", 0));
        ClientSession session = session(PATIENT);
        String base = "http://127.0.0.1:" + server.port();
        WatchedBody body = new WatchedBody("not wanted");
        try (ClientResponse r = session.request(upload(base + "/upload", Body.stream(body, "text/plain")))) {
            assertEquals(401, r.status());
            assertEquals("log in first", r.text());
        }
        assertFalse(body.touched.get(), "the body was never read, let alone sent");
        assertTrue(interim.isEmpty());
        assertEquals(0, session.pool().idleConnections(), "the connection that skipped its body is not kept");
        assertEquals("pong", session.get(base + "/ping").text());
        assertEquals(2, server.acceptedConnections());
    }

    @Test
    void aRawServerAnswering417IsAskedAgainWithoutTheExpectationAnd401GetsNoBody() throws Exception {
        Future<Long> bytesAfter401 = new Future<>();
        TinyServer s = open.keep(TinyServer.startRaw((head, in, out) -> {
            switch (head.target()) {
                case "/417" -> {
                    if (head.headers().get("Expect") != null) {
                        // Refuses the expectation and closes, as RFC 9110 allows.
                        respond(out, 417, "no expectations here", "Connection", "close");
                        return false;
                    }
                    byte[] got = BodyReader.of(in, BodyFraming.ofRequest(head), HttpLimits.defaults(), 1 << 20).readAll();
                    respond(out, 200, "got " + new String(got, StandardCharsets.UTF_8));
                    return true;
                }
                case "/401" -> {
                    // Refuses but says nothing about the connection: it stays open, and whatever the
                    // client sends next would be read as this request's body.
                    respond(out, 401, "who are you?", "WWW-Authenticate", "Basic realm=\"x\"");
                    out.drain();
                    long n = 0;
                    byte[] buf = new byte[8192];
                    try {
                        for (int k; (k = in.read(buf, 0, buf.length)) >= 0;) {
                            n += k;
                        }
                    } catch (IOException e) {
                        // the client reset the connection: nothing more comes
                    }
                    bytesAfter401.trySetResult(n);
                    return false;
                }
                default -> {
                    BodyReader.of(in, BodyFraming.ofRequest(head), HttpLimits.defaults(), 1 << 20).discard();
                    respond(out, 200, "fine");
                    return true;
                }
            }
        }));
        ClientSession session = session(PATIENT);
        WatchedBody first = new WatchedBody("payload one");
        try (ClientResponse r = session.request(upload(s.url("/417"), Body.stream(first, "text/plain")))) {
            assertEquals(200, r.status(), "a 417 makes the client repeat the request without the expectation");
            assertEquals("got payload one", r.text(), "the body, never read for the refused attempt, went whole");
        }
        WatchedBody second = new WatchedBody("payload two");
        ClientRequest manual = ClientRequest.builder("POST", s.url("/401")).header("Expect", "100-Continue")
                .body(Body.stream(second, "text/plain")).build();
        try (ClientResponse r = session.request(manual)) {
            assertEquals(401, r.status(), "the header set by hand works as the builder option");
            assertEquals("who are you?", r.text());
        }
        assertEquals(0, session.pool().idleConnections(), "a connection whose server may still wait for the"
                + " body is closed, not pooled, even though the 401 did not ask for that");
        assertFalse(second.touched.get());
        assertEquals(0L, bytesAfter401.await(), "the server saw the connection end, and no byte of the body");
        assertEquals("fine", session.post(s.url("/ok"), Body.text("x")).text());
        assertEquals(3, s.accepted(), "every refused exchange cost its connection");
        assertEquals(List.of("body read"), interim, "no interim answers; the body was read once, for the repeat");
    }

    @Test
    void aServerThatNeverAnswersGetsTheBodyWhenTheWaitRunsOut() throws Exception {
        // TinyServer's plain handler reads the whole request, body included, before answering:
        // it never sends 100 Continue.
        TinyServer s = open.keep(TinyServer.start((req, out) -> {
            respond(out, 200, req.method() + " " + req.text() + " expect=" + req.headers().get("Expect"));
            return true;
        }));
        ClientSession session = session(Duration.ofMillis(20));
        try (ClientResponse r = session.request(upload(s.url("/a"), Body.text("late but whole")))) {
            assertEquals("PUT late but whole expect=100-continue", r.text());
        }
        try (ClientResponse r = session.request(upload(s.url("/b"), Body.stream(new WatchedBody("chunked too"),
                "text/plain")))) {
            assertEquals("PUT chunked too expect=100-continue", r.text());
        }
        assertEquals(List.of("body read"), interim, "no interim response: the body went out when the wait ran out");
        assertEquals(1, s.accepted(), "the body went out in full: the connection is reused");
        ClientRequest noBody = ClientRequest.builder("GET", s.url("/c")).expectContinue(true).build();
        assertEquals("GET  expect=null", session.request(noBody).text(),
                "no 100-continue expectation without content (RFC 9110 section 10.1.1)");
    }

    @Test
    void aStatusLineHalfInWhenTheWaitRunsOutIsKeptWhole() throws Exception {
        TinyServer s = open.keep(TinyServer.startRaw((head, in, out) -> {
            out.write("HTTP/1.1 2"); // a status line cut short: the client's wait runs out on it
            out.drain();
            byte[] body = BodyReader.of(in, BodyFraming.ofRequest(head), HttpLimits.defaults(), 1 << 20).readAll();
            out.write("00 OK\r\nContent-Length: " + (body.length + 4) + "\r\n\r\ngot " + new String(body,
                    StandardCharsets.UTF_8));
            return true;
        }));
        ClientSession session = session(Duration.ofMillis(20));
        try (ClientResponse r = session.request(upload(s.url("/x"), Body.text("data")))) {
            assertEquals(200, r.status());
            assertEquals("got data", r.text());
        }
        assertEquals(1, session.pool().idleConnections());
    }

    @Test
    void earlyHintsBefore100ContinueAreSkippedAndTheWaitGoesOn() throws Exception {
        TinyServer s = open.keep(TinyServer.startRaw((head, in, out) -> {
            out.write("HTTP/1.1 103 Early Hints\r\nLink: </app.css>; rel=preload\r\n\r\n");
            out.write("HTTP/1.1 100 Continue\r\n\r\n");
            out.drain();
            byte[] body = BodyReader.of(in, BodyFraming.ofRequest(head), HttpLimits.defaults(), 1 << 20).readAll();
            respond(out, 201, "created " + new String(body, StandardCharsets.UTF_8));
            return true;
        }));
        ClientSession session = session(PATIENT);
        try (ClientResponse r = session.request(upload(s.url("/x"), Body.stream(new WatchedBody("report"),
                "text/plain")))) {
            assertEquals(201, r.status());
            assertEquals("created report", r.text());
        }
        assertEquals(List.of("103 </app.css>; rel=preload", "100", "body read"), interim,
                "103 is passed over and the body still waits for the 100");
    }

    @Test
    void interimResponsesAreSkippedForEveryRequest() throws Exception {
        TinyServer s = open.keep(TinyServer.start((req, out) -> {
            int n = req.target().equals("/flood") ? 11 : 2;
            for (int i = 0; i < n; i++) {
                out.write(i % 2 == 0 ? "HTTP/1.1 103 Early Hints\r\nLink: </a.js>; rel=preload\r\n\r\n"
                        : "HTTP/1.1 100 Continue\r\n\r\n");
            }
            respond(out, 200, "final " + req.target());
            return true;
        }));
        ClientSession session = session(PATIENT);
        assertEquals("final /one", session.get(s.url("/one")).text());
        assertEquals("final /two", session.post(s.url("/two"), Body.text("no expect")).text());
        assertEquals(List.of("103 </a.js>; rel=preload", "100", "103 </a.js>; rel=preload", "100"), interim);
        assertEquals(1, s.accepted(), "skipping them keeps the framing: one connection throughout");
        HttpProtocolException e = assertThrows(HttpProtocolException.class, () -> session.get(s.url("/flood")));
        assertTrue(e.getMessage().contains("more than 10 interim (1xx) responses"), e.getMessage());
        assertEquals(0, session.pool().idleConnections());
    }
}
