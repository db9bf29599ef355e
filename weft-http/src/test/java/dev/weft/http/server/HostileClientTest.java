package dev.weft.http.server;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.Weft;
import dev.weft.http.LogCapture;
import dev.weft.http.HttpLimits;
import dev.weft.http.httpbin.HttpBin;
import dev.weft.net.Connection;
import dev.weft.net.Streams;
import dev.weft.testing.WeftTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server against clients that try to break it, each played by a raw loopback socket
 * ({@link Wire}): funky chunk framing, hostile Host headers, header injection through httpbin,
 * and clients that never read a large body.
 */
@WeftTest(virtualClock = false)
class HostileClientTest {

    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(HttpServer::close);
    }

    private HttpServer start(Handler h, HttpServerOptions o) throws Exception {
        HttpServer s = HttpServer.start(h, "127.0.0.1", 0, o);
        servers.add(s);
        return s;
    }

    private static Router echo() {
        return new Router()
                .get("/", req -> Response.text("home"))
                .get("/host", req -> Response.text("host=" + req.host()))
                .post("/echo", req -> Response.bytes(req.bytes(), "application/octet-stream"));
    }

    private static String chunked(String body) {
        return "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body;
    }

    /** The status a chunked request body gets, on a fresh connection; the connection must end with it. */
    private static Wire.Resp answer(int port, String raw) throws Exception {
        try (Wire w = new Wire(port)) {
            Wire.Resp r = w.send(raw).read();
            if (r.status() >= 400) {
                assertTrue(w.closedByServer(), "a framing error closes the connection");
            }
            return r;
        }
    }

    // ------------------------------------------------------------------ chunked framing (RFC 9112 7.1)

    @Test
    void chunkFramingInsistsOnCrlfAfterTheDataAndTheSizeLine() throws Exception {
        int port = start(echo(), HttpServerOptions.defaults()).port();
        assertEquals("hello", answer(port, chunked("5\r\nhello\r\n0\r\n\r\n")).text(), "the well-formed control");
        // the "funky chunks" of request smuggling: a bare LF where CRLF belongs
        assertEquals(400, answer(port, chunked("5\r\nhell\r\n0\r\n\r\n")).status(), "data one byte short, CR eaten");
        assertEquals(400, answer(port, chunked("5\nhello\n0\n\n")).status(), "bare LF after the size and the data");
        assertEquals(400, answer(port, chunked("5\r\nhello\n0\r\n\r\n")).status(), "bare LF after the data");
        assertEquals(400, answer(port, chunked("5\nhello\r\n0\r\n\r\n")).status(), "bare LF after the size");
        assertEquals(400, answer(port, chunked("5\r\nhello\r\n0\n\r\n")).status(), "bare LF after the last chunk");
        assertEquals(400, answer(port, chunked("5\r\nhello\r\n0\r\nX-T: 1\n\r\n")).status(), "bare LF in a trailer");
    }

    @Test
    void aChunkSizeMayBeFollowedOnlyBySpaceOrTabBeforeItsExtensions() throws Exception {
        int port = start(echo(), HttpServerOptions.defaults()).port();
        assertEquals("hello", answer(port, chunked("5 \t\r\nhello\r\n0\r\n\r\n")).text(), "SP and HTAB are BWS");
        assertEquals("hello", answer(port, chunked("5 ;a=b\r\nhello\r\n0\r\n\r\n")).text());
        assertEquals(400, answer(port, chunked("5\u000b\r\nhello\r\n0\r\n\r\n")).status(), "vertical tab");
        assertEquals(400, answer(port, chunked("5\f\r\nhello\r\n0\r\n\r\n")).status(), "form feed");
        assertEquals(400, answer(port, chunked("5\u0085\r\nhello\r\n0\r\n\r\n")).status(), "next line");
    }

    @Test
    void chunkExtensionsAreValidatedAndBounded() throws Exception {
        int port = start(echo(), HttpServerOptions.defaults()).port();
        assertEquals("hello", answer(port, chunked("5;name=value;flag;q=\"quoted \\\" ok\"\r\nhello\r\n0\r\n\r\n"))
                .text(), "token and quoted-string values");
        assertEquals(400, answer(port, chunked("5;a=\u0000\r\nhello\r\n0\r\n\r\n")).status(), "NUL in a value");
        assertEquals(400, answer(port, chunked("5;a b\r\nhello\r\n0\r\n\r\n")).status(), "space inside a name");
        assertEquals(400, answer(port, chunked("5;=v\r\nhello\r\n0\r\n\r\n")).status(), "no name");
        assertEquals(400, answer(port, chunked("5;a=\"open\r\nhello\r\n0\r\n\r\n")).status(), "unterminated quote");
        // Go's CVE-2023-39326: a small body with a huge amount of extensions
        String ext = ";x=" + "a".repeat(1000);
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            many.append("1").append(ext).append("\r\nz\r\n");
        }
        assertEquals(400, answer(port, chunked(many + "0\r\n\r\n")).status(), "40 KB of extensions for 40 bytes");
    }

    @Test
    void aDeclaredChunkSizeBeyondTheBodyLimitIsRefusedAtOnce() throws Exception {
        HttpServerOptions o = HttpServerOptions.defaults().limits(HttpLimits.defaults().maxBodyBytes(1 << 20));
        int port = start(echo(), o).port();
        // Only the size line is sent: waiting for the data would last the body timeout (30 s, past the safety net).
        assertEquals(413, answer(port, chunked("100001\r\n")).status());
        assertEquals(413, answer(port, chunked("5\r\nhello\r\nfffff\r\n")).status(), "the sum counts");
        assertEquals("hello", answer(port, chunked("5\r\nhello\r\n0\r\n\r\n")).text());
    }

    // ------------------------------------------------------------------ Host (RFC 9112 3.2)

    @Test
    void hostHeaderValuesThatAreNoHostAndPortAreRefused() throws Exception {
        int port = start(echo(), HttpServerOptions.defaults()).port();
        for (String good : new String[] {"example.com", "example.com:8080", "127.0.0.1:1", "[::1]:80", "[::1]",
            "xn--bcher-kva.example", "a-b_c~d!$&'()*+,;=e", "%41b.example", "example.com:"}) {
            Wire.Resp r = Wire.exchange(port, "GET /host HTTP/1.1\r\nHost: " + good + "\r\n\r\n");
            assertEquals(200, r.status(), good);
            assertEquals("host=" + good, r.text());
        }
        for (String bad : new String[] {"evil.example/x?", "a b", "user@evil", "a\"b", "evil.example#", "a\\b",
            "example.com:8o", "[::1", "::1", "example.com:80:80", "exa<mple", "%zz.example", "caf\u00e9.example"}) {
            assertEquals(400, Wire.exchange(port, "GET /host HTTP/1.1\r\nHost: " + bad + "\r\n\r\n").status(), bad);
        }
    }

    // ------------------------------------------------------------------ header injection

    @Test
    void redirectToWithControlCharactersIsA400WithoutAStackTrace() throws Exception {
        int port = start(HttpBin.router(), HttpServerOptions.defaults()).port();
        String ok = Wire.exchange(port, "GET /redirect-to?url=/get HTTP/1.1\r\nHost: x\r\n\r\n").header("Location");
        assertEquals("/get", ok);
        try (LogCapture log = LogCapture.start()) {
            for (String evil : new String[] {"%0d%0aSet-Cookie:%20a=b", "%0aX:%20y", "%0d", "%00", "%01", "%1b[31m",
                "%7f", "a%09b%0b"}) {
                Wire.Resp r = Wire.exchange(port, "GET /redirect-to?url=/x" + evil + " HTTP/1.1\r\nHost: x\r\n\r\n");
                assertEquals(400, r.status(), evil);
                assertNull(r.header("Location"), evil);
                assertNull(r.header("Set-Cookie"), evil);
            }
            assertFalse(log.text().contains("ERROR"), "no error logged per request:\n" + log.text());
        }
    }

    @Test
    void responseHeaderValuesWithControlCharactersAreRefusedAtTheApi() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Response.redirect("/a\r\nSet-Cookie: x=y"));
        assertTrue(e.getMessage().contains("Location") && e.getMessage().contains("CR"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Response.text("x").header("X-A", "a\u0001b"));
        assertThrows(IllegalArgumentException.class, () -> Response.text("x").setHeader("X-A", "a\u007fb"));
        assertThrows(IllegalArgumentException.class, () -> Response.text("x").header("X A", "v"));
        assertEquals("a\tb c", Response.text("x").header("X-A", "a\tb c").headers().get("X-A"), "HTAB and SP are fine");
    }

    // ------------------------------------------------------------------ clients that never read

    @Test
    void clientsThatNeverReadABigBodyCostAtMostTheHighWaterMarkEach() throws Exception {
        byte[] big = new byte[8 << 20]; // one array, shared by every response
        HttpServer s = start(new Router().get("/big", req -> Response.bytes(big, "application/octet-stream"))
                .get("/", req -> Response.text("home")), HttpServerOptions.defaults());
        int clients = 16;
        List<Connection> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                Connection c = Streams.openConnection("127.0.0.1", s.port());
                stalled.add(c);
                c.writer().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            // Once a client has the status line, its connection's task has written all it could and
            // parked in drain: the server's buffers hold now what they will hold while nobody reads.
            for (Connection c : stalled) {
                assertTrue(Weft.withTimeout(Wire.SAFETY, () -> c.reader().readLine()).startsWith("HTTP/1.1 200"));
            }
            long buffered = s.bufferedBytes();
            long bound = clients * (long) (HttpServer.WRITE_SLICE + 64 * 1024);
            assertTrue(buffered <= bound, "the server buffers " + buffered + " bytes for " + clients
                    + " stalled clients, more than " + bound);
            assertTrue(buffered > 0, "the clients are really stalled");
            assertEquals("home", Wire.exchange(s.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n").text(),
                    "a normal request is served meanwhile");
        } finally {
            stalled.forEach(c -> c.writer().abort());
        }
    }

    @Test
    void httpbinCapsBytesAndStreamBytesAt100KiB() throws Exception {
        int port = start(HttpBin.router(), HttpServerOptions.defaults()).port();
        assertEquals(100 * 1024, Wire.exchange(port, "GET /bytes/10485760 HTTP/1.1\r\nHost: x\r\n\r\n").body().length);
        assertEquals(100 * 1024, Wire.exchange(port, "GET /stream-bytes/10485760 HTTP/1.1\r\nHost: x\r\n\r\n")
                .body().length);
        assertEquals(1000, Wire.exchange(port, "GET /bytes/1000 HTTP/1.1\r\nHost: x\r\n\r\n").body().length);
    }
}
