package dev.weft.http.server;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.Weft;
import dev.weft.http.HttpLimits;
import dev.weft.sync.Event;
import dev.weft.testing.WeftLogs;
import dev.weft.testing.WeftTest;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server over real loopback sockets, driven by a raw client that sends exact bytes. */
@WeftTest(virtualClock = false)
class HttpServerTest {

    private final List<HttpServer> servers = new ArrayList<>();

    /** Runs after the test's loop is gone (its tasks were cancelled): only stop listening. */
    @AfterEach
    void stop() {
        servers.forEach(HttpServer::close);
    }

    Router app() {
        return new Router()
                .get("/", req -> Response.text("home"))
                .get("/users/{id}", req -> Response.text("user " + req.pathParam("id") + " q=" + req.query("q")))
                .get("/users/{id}/posts/{post}", req -> Response.json(req.pathParams()))
                .post("/users", req -> Response.text("created").status(201))
                .post("/echo", req -> Response.bytes(req.bytes(), req.header("Content-Type")))
                .post("/form", req -> {
                    FormData f = req.form();
                    StringBuilder sb = new StringBuilder();
                    for (String n : f.names()) {
                        sb.append(n).append('=').append(f.getAll(n)).append(';');
                    }
                    for (FormData.FilePart p : f.files()) {
                        sb.append("file:").append(p.field()).append('/').append(p.filename()).append('/')
                                .append(p.text(StandardCharsets.UTF_8)).append(';');
                    }
                    return Response.text(sb.toString());
                })
                .post("/json", req -> Response.json(Map.of("got", req.json().get("n").asInt() + 1)))
                .post("/count", req -> {
                    long n = 0;
                    try (InputStream in = req.bodyStream()) {
                        byte[] buf = new byte[1000];
                        int k;
                        while ((k = in.read(buf)) >= 0) {
                            n += k;
                        }
                    }
                    return Response.text(Long.toString(n));
                })
                .post("/ignore", req -> Response.text("ignored"))
                .get("/stream/{n}", req -> Response.stream("text/plain", out -> {
                    for (int i = 0; i < Integer.parseInt(req.pathParam("n")); i++) {
                        out.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                }))
                .get("/boom", req -> {
                    throw new IllegalStateException("secret internal detail");
                })
                .get("/teapot", req -> {
                    throw new HttpStatusException(418, "short and stout");
                })
                .get("/cookie", req -> Response.text("c=" + req.cookie("c")).cookie("s", "1", "Path=/", "HttpOnly"));
    }

    HttpServer start(Handler h) throws Exception {
        return start(h, HttpServerOptions.defaults());
    }

    HttpServer start(Handler h, HttpServerOptions o) throws Exception {
        HttpServer s = HttpServer.start(h, "127.0.0.1", 0, o);
        servers.add(s);
        return s;
    }

    // ------------------------------------------------------------------ routing

    @Test
    void routesWithParametersQueryAnd404And405() throws Exception {
        int port = start(app()).port();
        try (Wire w = new Wire(port)) {
            assertEquals("home", w.get("/").text());
            assertEquals("user 42 q=a b", w.get("/users/42?q=a+b").text());
            assertEquals("user ä/x q=null", w.get("/users/%C3%A4%2Fx").text(), "a parameter is one decoded segment");
            assertEquals("{\"id\":\"7\",\"post\":\"9\"}".length(), w.get("/users/7/posts/9").text().length());
            Wire.Resp nf = w.get("/nope");
            assertEquals(404, nf.status());
            Wire.Resp na = w.send("DELETE /users HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals(405, na.status());
            assertEquals("POST", na.header("Allow"));
            Wire.Resp created = w.send("POST /users HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").read();
            assertEquals(201, created.status());
            assertNotNull(created.header("Date"));
            assertEquals("Weft", created.header("Server"));
        }
    }

    @Test
    void headUsesTheGetRouteWithoutABody() throws Exception {
        int port = start(app()).port();
        try (Wire w = new Wire(port)) {
            Wire.Resp r = w.send("HEAD /users/1 HTTP/1.1\r\nHost: x\r\n\r\n").read("HEAD");
            assertEquals(200, r.status());
            assertEquals(Integer.toString("user 1 q=null".length()), r.header("Content-Length"));
            assertEquals(0, r.body().length);
            assertEquals("home", w.get("/").text(), "the connection stays in sync after HEAD");
        }
    }

    @Test
    void cookiesInAndOut() throws Exception {
        int port = start(app()).port();
        Wire.Resp r = Wire.exchange(port, "GET /cookie HTTP/1.1\r\nHost: x\r\nCookie: a=1; c=\"two\"\r\n\r\n");
        assertEquals("c=two", r.text());
        assertEquals("s=1; Path=/; HttpOnly", r.header("Set-Cookie"));
    }

    // ------------------------------------------------------------------ connections

    @Test
    void keepAliveServesManyRequestsOnOneConnection() throws Exception {
        HttpServer s = start(app());
        try (Wire w = new Wire(s.port())) {
            for (int i = 0; i < 10; i++) {
                assertEquals("user " + i + " q=null", w.get("/users/" + i).text());
            }
        }
        assertEquals(1, s.acceptedConnections());
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        int port = start(app()).port();
        try (Wire w = new Wire(port)) {
            w.send("GET /users/1 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /users/3 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /users/4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertEquals("user 1 q=null", w.read().text());
            assertEquals("hello", w.read().text());
            assertEquals("user 3 q=null", w.read().text());
            Wire.Resp last = w.read();
            assertEquals("user 4 q=null", last.text());
            assertEquals("close", last.header("Connection"));
            assertTrue(w.closedByServer());
        }
    }

    @Test
    void http10ClosesUnlessKeepAliveIsAsked() throws Exception {
        int port = start(app()).port();
        try (Wire w = new Wire(port)) {
            Wire.Resp r = w.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
            assertEquals("keep-alive", r.header("Connection"));
            assertEquals("home", w.send("GET / HTTP/1.0\r\n\r\n").read().text());
            assertTrue(w.closedByServer());
        }
    }

    @Test
    void unreadBodiesAreDiscardedAndTheConnectionGoesOn() throws Exception {
        int port = start(app()).port();
        try (Wire w = new Wire(port)) {
            w.send("POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789");
            assertEquals("ignored", w.read().text());
            w.send("POST /ignore HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
            assertEquals("ignored", w.read().text());
            assertEquals("home", w.get("/").text());
        }
    }

    // ------------------------------------------------------------------ bodies

    @Test
    void chunkedRequestAndResponseBodies() throws Exception {
        int port = start(app()).port();
        try (Wire w = new Wire(port)) {
            w.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
                    + "5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n");
            Wire.Resp r = w.read();
            assertEquals("hello world", r.text());
            assertEquals("11", r.header("Content-Length"));
            Wire.Resp s = w.get("/stream/3");
            assertEquals("chunked", s.header("Transfer-Encoding"));
            assertEquals("line 0\nline 1\nline 2\n", s.text());
            assertEquals("home", w.get("/").text());
        }
    }

    @Test
    void streamingToAnHttp10ClientEndsWithTheConnection() throws Exception {
        int port = start(app()).port();
        try (Wire w = new Wire(port)) {
            w.send("GET /stream/2 HTTP/1.0\r\n\r\n");
            Wire.Resp r = w.read();
            assertNull(r.header("Transfer-Encoding"));
            assertEquals("line 0\nline 1\n", r.text());
        }
    }

    @Test
    void formsMultipartJsonAndStreamedBodies() throws Exception {
        int port = start(app()).port();
        String form = "a=1&b=x+y&a=%C3%A9";
        assertEquals("a=[1, é];b=[x y];", Wire.exchange(port, "POST /form HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length() + "\r\n\r\n"
                + form).text());
        String mp = "--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nweft\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"up\"; filename=\"a.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\nline1\r\nline2\r\n--XyZ--\r\n";
        assertEquals("name=[weft];file:up/a.txt/line1\r\nline2;", Wire.exchange(port, "POST /form HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: " + mp.length() + "\r\n\r\n"
                + mp).text());
        assertEquals("{\"got\":42}", Wire.exchange(port, "POST /json HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/json\r\nContent-Length: 8\r\n\r\n{\"n\":41}").text());
        assertEquals(400, Wire.exchange(port, "POST /json HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n{{{")
                .status());
        byte[] big = new byte[300_000];
        try (Wire w = new Wire(port)) {
            w.send("POST /count HTTP/1.1\r\nHost: x\r\nContent-Length: " + big.length + "\r\n\r\n").send(big);
            assertEquals("300000", w.read().text());
        }
    }

    @Test
    void expectContinueIsAnsweredWhenTheHandlerReads() throws Exception {
        int port = start(app()).port();
        try (Wire w = new Wire(port)) {
            w.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            assertEquals("HTTP/1.1 100 Continue", w.readLine());
            assertEquals("", w.readLine());
            w.send("hello");
            assertEquals("hello", w.read().text());
            assertEquals("home", w.get("/").text());
        }
        try (Wire w = new Wire(port)) {
            // the handler never reads: no 100, a final answer, and the connection closes
            w.send("POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            Wire.Resp r = w.read();
            assertEquals("ignored", r.text());
            assertEquals("close", r.header("Connection"));
        }
    }

    @Test
    void expectContinueWithATooLargeBodyIsRefusedAtOnce() throws Exception {
        int port = start(app(), HttpServerOptions.defaults().limits(HttpLimits.defaults().maxBodyBytes(1000))).port();
        try (Wire w = new Wire(port)) {
            w.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
            Wire.Resp r = w.read();
            assertEquals(413, r.status());
            assertEquals("close", r.header("Connection"));
            assertTrue(w.closedByServer());
        }
        assertEquals(417, Wire.exchange(port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                + "Expect: something-else\r\n\r\nx").status());
    }

    // ------------------------------------------------------------------ errors

    @Test
    void aFailingHandlerGets500WithoutDetailsAndTheServerGoesOn() throws Exception {
        int port = start(app()).port();
        try (WeftLogs logs = WeftLogs.capture(); Wire w = new Wire(port)) {
            Wire.Resp r = w.get("/boom");
            assertEquals(500, r.status());
            assertFalse(r.text().contains("secret"), "no internals leak to the client");
            WeftLogs.Entry report = logs.await(System.Logger.Level.ERROR, "handler failed on GET /boom");
            assertEquals("secret internal detail", report.error().getMessage(), "the details go to the log");
            Wire.Resp t = w.get("/teapot");
            assertEquals(418, t.status());
            assertEquals("short and stout", t.text());
            assertEquals("home", w.get("/").text(), "the same connection still works");
        }
    }

    /** Sends {@code raw}; asserts the answer is {@code status} with Connection: close, then the close. */
    void rejected(int port, int status, String raw) throws Exception {
        try (Wire w = new Wire(port)) {
            w.send(raw);
            Wire.Resp r = w.read();
            assertEquals(status, r.status(), raw);
            assertEquals("close", r.header("Connection"), raw);
            assertTrue(w.closedByServer(), raw);
        }
    }

    @Test
    void requestSmugglingAttemptsAreRejectedAndTheConnectionClosed() throws Exception {
        int port = start(app()).port();
        String post = "POST /echo HTTP/1.1\r\nHost: x\r\n";
        rejected(port, 400, post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        rejected(port, 400, post + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n");
        rejected(port, 400, post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
        rejected(port, 400, post + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello");
        rejected(port, 400, post + "Content-Length: 5, 5\r\n\r\nhello");
        rejected(port, 400, post + "Content-Length: +5\r\n\r\nhello");
        rejected(port, 400, post + "Content-Length: -1\r\n\r\n");
        rejected(port, 400, post + "Content-Length: 0x5\r\n\r\nhello");
        rejected(port, 400, post + "Content-Length : 5\r\n\r\nhello");
        rejected(port, 400, post + "Transfer-Encoding: identity\r\n\r\nhello");
        rejected(port, 400, post + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n");
        rejected(port, 400, post + " Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        rejected(port, 400, post + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
        rejected(port, 400, post + "Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n");
        rejected(port, 400, post + "Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n");
        rejected(port, 400, post + "Transfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n");
        rejected(port, 400, post + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nhello\r\n0\r\n\r\n");
        rejected(port, 400, "POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        // a handler that never reads the body still gets the bad chunk rejected
        rejected(port, 400, "POST /ignore HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n");
        // malformed heads
        rejected(port, 400, "GET / HTTP/1.1\r\n\r\n"); // no Host
        rejected(port, 400, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
        rejected(port, 400, "GET  / HTTP/1.1\r\nHost: x\r\n\r\n");
        rejected(port, 400, "GET / HTTP/1.1\r\nHost: x\r\nBad\rHeader: 1\r\n\r\n");
        rejected(port, 400, "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n");
        rejected(port, 400, "GET nothing HTTP/1.1\r\nHost: x\r\n\r\n");
        rejected(port, 505, "GET / HTTP/2.0\r\nHost: x\r\n\r\n");
        rejected(port, 400, "\u0000\u0001\u0002garbage\r\n\r\n");
    }

    @Test
    void oversizedPartsGetTheirStatus() throws Exception {
        HttpLimits limits = HttpLimits.defaults().maxStartLineBytes(100).maxHeaderBytes(1000).maxHeaderCount(10)
                .maxBodyBytes(100);
        int port = start(app(), HttpServerOptions.defaults().limits(limits)).port();
        rejected(port, 414, "GET /" + "a".repeat(200) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        rejected(port, 431, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(2000) + "\r\n\r\n");
        StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 20; i++) {
            many.append("X-").append(i).append(": 1\r\n");
        }
        rejected(port, 431, many.append("\r\n").toString());
        rejected(port, 413, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n" + "x".repeat(101));
        rejected(port, 413, "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "40\r\n" + "x".repeat(64) + "\r\n40\r\n" + "x".repeat(64) + "\r\n0\r\n\r\n");
        assertEquals(200, Wire.exchange(port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
                + "x".repeat(100)).status(), "at the limit is fine");
    }

    @Test
    void aSlowlorisClientIsDisconnectedAfterTheHeaderTimeout() throws Exception {
        HttpServer s = start(app(), HttpServerOptions.defaults().headerTimeout(Duration.ofMillis(300))
                .bodyTimeout(Duration.ofMillis(100)));
        try (Wire w = new Wire(s.port())) {
            w.send("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ");
            assertTrue(w.closedByServer());
        }
        try (Wire w = new Wire(s.port())) {
            // Trickling: a byte now and then keeps each wait short, but the whole head has one
            // deadline. The pace is set by the server itself, no sleep: each step is a stalled body
            // on another connection, cut after the body timeout (a third of the header timeout).
            w.send("GET / HTTP/1.1\r\n");
            var closed = Weft.spawn(w::closedByServer);
            int steps = 0;
            for (; steps < 50 && !closed.isDone(); steps++) {
                try {
                    w.send("X");
                } catch (java.io.IOException gone) {
                    break;
                }
                try (Wire pace = new Wire(s.port())) {
                    pace.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
                    assertTrue(pace.closedByServer());
                }
            }
            assertTrue(closed.await(), "closed while still trickling (after " + steps + " steps)");
            assertTrue(steps < 50, "the head deadline did not move with each byte");
        }
    }

    @Test
    void idleKeepAliveConnectionsAreClosedAfterTheirTimeout() throws Exception {
        // the header timeout is far beyond the safety net: only the keep-alive timeout can close it
        HttpServer s = start(app(), HttpServerOptions.defaults().keepAliveTimeout(Duration.ofMillis(200))
                .headerTimeout(Duration.ofHours(1)));
        try (Wire w = new Wire(s.port())) {
            assertEquals("home", w.get("/").text());
            assertTrue(w.closedByServer());
        }
        assertEquals(0, s.activeConnections());
    }

    @Test
    void theNextHeadOnAKeptConnectionIsReadLikeTheFirst() throws Exception {
        // the server takes the first byte of a later head to end the keep-alive wait: nothing may change
        HttpLimits limits = HttpLimits.defaults().maxStartLineBytes(100);
        int port = start(app(), HttpServerOptions.defaults().limits(limits)).port();
        java.util.Set<Integer> seen = new java.util.TreeSet<>();
        for (int length = 96; length <= 104; length++) {
            String line = "GET /users/" + "7".repeat(length - "GET /users/ HTTP/1.1".length()) + " HTTP/1.1";
            String raw = line + "\r\nHost: x\r\n\r\n";
            int fresh = Wire.exchange(port, raw).status();
            try (Wire w = new Wire(port)) {
                assertEquals("home", w.get("/").text());
                assertEquals(fresh, w.send(raw).read().status(), "a request line of " + length + " bytes");
            }
            seen.add(fresh);
        }
        assertEquals(java.util.Set.of(200, 414), seen, "the lengths straddle the limit");
        try (Wire w = new Wire(port)) {
            assertEquals("home", w.get("/").text());
            assertEquals("home", w.send("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n").read().text(), "stray CRLF skipped");
            assertEquals("home", w.send("\nGET / HTTP/1.1\r\nHost: x\r\n\r\n").read().text(), "stray LF skipped");
            Wire.Resp bad = w.send("\rGET / HTTP/1.1\r\nHost: x\r\n\r\n").read();
            assertEquals(400, bad.status(), "a bare CR is refused, also as the first byte");
            assertTrue(w.closedByServer());
        }
        try (Wire w = new Wire(port)) {
            assertEquals("home", w.get("/").text());
            w.send("G");
            w.conn.writer().writeEof(); // a request begun and abandoned: 400, not a silent close
            assertEquals(400, w.read().status());
        }
    }

    @Test
    void aNewConnectionThatSendsNothingIsClosedAfterTheHeaderTimeout() throws Exception {
        HttpServer s = start(app(), HttpServerOptions.defaults().headerTimeout(Duration.ofMillis(200))
                .keepAliveTimeout(Duration.ofHours(1)));
        try (Wire w = new Wire(s.port())) {
            assertTrue(w.closedByServer(), "an opened connection costs as much as a slow head");
        }
    }

    @Test
    void aSlowHeadOnAReusedConnectionIsCutByTheHeaderTimeoutFromItsFirstByte() throws Exception {
        // Keep-alive an hour: were the head deadline keepAlive + header (counted from the previous
        // response), the connection would outlive the safety net and the test would fail.
        HttpServer s = start(app(), HttpServerOptions.defaults().keepAliveTimeout(Duration.ofHours(1))
                .headerTimeout(Duration.ofMillis(200)));
        try (Wire w = new Wire(s.port())) {
            assertEquals("home", w.get("/").text());
            w.send("GET / HTTP/1.1\r\nHost: x\r\n"); // and never the empty line
            assertTrue(w.closedByServer());
        }
        assertEquals(0, s.activeConnections());
    }

    @Test
    void aHeadBegunWithinTheKeepAliveTimeoutMayFinishAfterIt() throws Exception {
        // The keep-alive timeout governs only the wait for a request's first byte; from then on the
        // header timeout (an hour here) applies. The second head's first bytes are in the socket
        // before the first response is sent, so they arrive as the keep-alive wait begins; a second,
        // idle connection whose keep-alive wait began later is the witness that the keep-alive
        // timeout of the first has passed before its head is completed.
        Event entered = new Event();
        Event release = new Event();
        Router r = app().get("/hold", req -> {
            entered.set();
            release.await();
            return Response.text("held");
        });
        HttpServer s = start(r, HttpServerOptions.defaults().keepAliveTimeout(Duration.ofMillis(300))
                .headerTimeout(Duration.ofHours(1)));
        try (Wire slow = new Wire(s.port()); Wire witness = new Wire(s.port())) {
            slow.send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
            entered.await();
            slow.send("GET /users/7 HTTP/1.1\r\n"); // the next head begins...
            release.set();
            assertEquals("held", slow.read().text());
            assertEquals("home", witness.get("/").text());
            assertTrue(witness.closedByServer(), "the witness's keep-alive timeout passed");
            slow.send("Host: x\r\n\r\n"); // ...and ends after the keep-alive timeout
            Wire.Resp late = slow.read();
            assertEquals(200, late.status());
            assertEquals("user 7 q=null", late.text());
        }
    }

    // ------------------------------------------------------------------ shutdown

    @Test
    void gracefulShutdownFinishesRequestsInFlightAndClosesIdleConnections() throws Exception {
        Event entered = new Event();
        Event release = new Event();
        Router r = app().get("/slow", req -> {
            entered.set();
            release.await();
            return Response.text("done");
        });
        HttpServer s = HttpServer.start(r, "127.0.0.1", 0);
        Wire idle = new Wire(s.port());
        Wire busy = new Wire(s.port());
        assertEquals("home", idle.get("/").text());
        busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        entered.await();
        var shutdown = Weft.spawn(() -> s.shutdown(Duration.ofSeconds(10)));
        assertTrue(idle.closedByServer(), "the idle connection is closed at once");
        release.set();
        Wire.Resp done = busy.read();
        assertEquals("done", done.text());
        assertEquals("close", done.header("Connection"));
        assertTrue(busy.closedByServer());
        assertEquals(0, shutdown.await());
        assertEquals(0, s.activeConnections());
        idle.close();
        busy.close();
    }

    @Test
    void aStalledBodyIsCutOffAfterTheBodyTimeout() throws Exception {
        int port = start(app(), HttpServerOptions.defaults().bodyTimeout(Duration.ofMillis(200))).port();
        try (Wire w = new Wire(port)) {
            w.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
            assertTrue(w.closedByServer());
        }
        assertEquals("home", Wire.exchange(port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").text());
    }

    @Test
    void aLoopGroupServesConnectionsOnSeveralLoops() throws Exception {
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (dev.weft.LoopGroup group = new dev.weft.LoopGroup(2)) {
            Router r = new Router().get("/t", req -> {
                threads.add(Thread.currentThread().toString().replaceAll(".*@", ""));
                return Response.text("ok");
            });
            HttpServer s = start(r, HttpServerOptions.defaults().loops(group));
            for (int i = 0; i < 4; i++) {
                assertEquals("ok", Wire.exchange(s.port(), "GET /t HTTP/1.1\r\nHost: x\r\n\r\n").text());
            }
            s.shutdown(Duration.ofSeconds(5));
            assertEquals(0, s.activeConnections());
        }
        assertEquals(2, threads.size(), "connections went round robin to both loops: " + threads);
    }

    @Test
    void garbageNeverCrashesTheServer() throws Exception {
        HttpServer s = start(app());
        java.util.Random rnd = new java.util.Random(42);
        String[] pieces = {"GET ", "POST ", "/", "/echo", " HTTP/1.1", " HTTP/1.0", "\r\n", "\n", "\r", ":", " ",
            "Host: x", "Content-Length: ", "Transfer-Encoding: chunked", "5", "0", "ffff", "\u0000", "\u00ff", ";", "%",
            "Expect: 100-continue", "\r\n\r\n"};
        for (int i = 0; i < 300; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + rnd.nextInt(30);
            for (int k = 0; k < n; k++) {
                sb.append(pieces[rnd.nextInt(pieces.length)]);
            }
            try (Wire w = new Wire(s.port())) {
                w.send(sb.toString());
                w.conn.writer().writeEof(); // the client is done sending: the server must not wait forever
                assertTrue(w.closedByServer());
            }
        }
        assertEquals("home", Wire.exchange(s.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n").text());
        assertEquals(0, s.shutdown(Duration.ofSeconds(5)), "no connection was stuck");
    }

    @Test
    void aClientThatNeverReadsIsCutOffAfterTheWriteTimeout() throws Exception {
        Router r = new Router().get("/flood", req -> Response.stream("application/octet-stream", out -> {
            byte[] block = new byte[64 * 1024];
            while (true) {
                out.write(block); // waits (at most writeTimeout) while the client is behind
            }
        }));
        HttpServer s = start(r, HttpServerOptions.defaults().writeTimeout(Duration.ofMillis(200)));
        try (Wire w = new Wire(s.port())) {
            w.send("GET /flood HTTP/1.1\r\nHost: x\r\n\r\n"); // and never read
            s.close();
            Weft.withTimeout(Wire.SAFETY, s::waitClosed); // returns once the connection was given up
            assertEquals(0, s.activeConnections());
        }
    }
}
