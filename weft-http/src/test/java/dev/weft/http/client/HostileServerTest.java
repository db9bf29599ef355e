package dev.weft.http.client;

import static dev.weft.http.client.TinyServer.respond;
import static org.junit.jupiter.api.Assertions.*;

import dev.weft.http.codec.Http1Parser;
import dev.weft.http.HttpLimits;
import dev.weft.http.HttpProtocolException;
import dev.weft.http.codec.RequestHead;
import dev.weft.http.httpbin.HttpBin;
import dev.weft.http.server.HttpServer;
import dev.weft.net.Server;
import dev.weft.net.StreamReader;
import dev.weft.net.StreamWriter;
import dev.weft.net.Streams;
import dev.weft.sync.Event;
import dev.weft.testing.WeftTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client against servers that try to break it, each played by a raw Weft socket server on
 * loopback writing exact bytes: forged keep-alive responses, malformed redirects, endless
 * lines, funky chunks, cookie floods, undeclared charsets.
 */
@WeftTest(virtualClock = false)
class HostileServerTest {

    @RegisterExtension
    final OpenResources open = new OpenResources();

    /** A raw server: {@code script} gets each connection's number, reader and writer. */
    private Server raw(RawScript script) throws Exception {
        AtomicInteger ids = new AtomicInteger();
        return open.keep(Streams.startServer((in, out) -> script.run(ids.incrementAndGet(), in, out), "127.0.0.1", 0));
    }

    @FunctionalInterface
    interface RawScript {
        void run(int connection, StreamReader in, StreamWriter out) throws Exception;
    }

    private static String url(Server s, String path) {
        return "http://127.0.0.1:" + s.port() + path;
    }

    private static RequestHead head(StreamReader in) throws IOException {
        return Http1Parser.readRequestHead(in, HttpLimits.defaults());
    }

    private static void write(StreamWriter out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        out.drain();
    }

    private ClientSession session() {
        return open.keep(ClientSession.create());
    }

    // ------------------------------------------------------------------ keep-alive response poisoning

    @Test
    void aResponseSentAheadOfItsRequestIsNeverTakenForTheNextOne() throws Exception {
        Server s = raw((id, in, out) -> {
            RequestHead h;
            while ((h = head(in)) != null) {
                if (h.target().equals("/first")) {
                    // the answer, and glued to it a forged answer to a request not yet made
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
                            + "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged");
                } else {
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + (6 + id) + "\r\n\r\ngenuine" + id);
                }
            }
        });
        ClientSession session = session();
        try (ClientResponse r = session.get(url(s, "/first"))) {
            assertEquals("hello", r.text());
        }
        try (ClientResponse r = session.get(url(s, "/second"))) {
            assertEquals("genuine2", r.text(), "a new connection, not the forged bytes");
        }
    }

    @Test
    void bytesThatArriveOnAnIdleConnectionCloseItInsteadOfAnsweringTheNextRequest() throws Exception {
        Event answered = new Event();
        Event forge = new Event();
        Event forged = new Event();
        Server s = raw((id, in, out) -> {
            RequestHead h;
            while ((h = head(in)) != null) {
                if (h.target().equals("/first")) {
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
                    answered.set();
                    forge.await(); // the client has read and released the connection: it is idle now
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged");
                    forged.set();
                } else {
                    write(out, "HTTP/1.1 200 OK\r\nContent-Length: " + (6 + id) + "\r\n\r\ngenuine" + id);
                }
            }
        });
        ClientSession session = session();
        try (ClientResponse r = session.get(url(s, "/first"))) {
            assertEquals("hello", r.text());
        }
        answered.await();
        assertEquals(1, session.pool().idleConnections());
        forge.set();
        forged.await(); // on loopback the forged bytes are in the client's socket once written
        try (ClientResponse r = session.get(url(s, "/second"))) {
            assertEquals("genuine2", r.text(), "the poisoned idle connection was closed, not reused");
        }
    }

    @Test
    void anIdleConnectionTheServerClosedIsNotReusedEvenForARequestThatCannotBeRetried() throws Exception {
        Server s = raw((id, in, out) -> {
            if (head(in) != null) {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok" + id);
            }
            out.close(); // a keep-alive answer, and then the server closes anyway
        });
        ClientSession session = session();
        assertEquals("ok1", session.get(url(s, "/a")).text());
        // POST is never retried: sent on the closed connection it would fail
        assertEquals("ok2", session.post(url(s, "/b"), null).text());
    }

    /**
     * A server that drops every new connection once the request is in, without a word: a fresh
     * connection's failure is the server's answer, not a stale keep-alive, so the GET fails at
     * once. (It was taken for a reused connection and sent again on a new one, without end
     * until the deadline: hundreds of connections a second at a host that refuses them.)
     */
    @Test
    void aServerThatDropsEveryNewConnectionGetsTheRequestOnceNotAgainAndAgain() throws Exception {
        Server s = raw((id, in, out) -> {
            if (head(in) != null && id > 3) {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"); // only to end a runaway client
            }
            out.close();
        });
        ClientSession session = session();
        assertThrows(ServerDisconnectedException.class, () -> session.get(url(s, "/drop")).close());
        assertEquals(1, session.pool().connectionsOpened(), "one connection, one try");
        assertEquals(0, session.pool().connectionsInUse());
    }

    // ------------------------------------------------------------------ malformed redirects

    @Test
    void aMalformedRedirectLocationIsAClientExceptionNeverAnUncheckedOne() throws Exception {
        List<String> locations = List.of("http:///ok", "http://:80/ok", "http://user:pw@/ok", "http://127.0.0.1:99999/ok",
                "http://[::1/ok", "http://exa mple.com/ok", "http://127.0.0.1:-5/ok", "//:80/ok");
        AtomicInteger next = new AtomicInteger();
        TinyServer t = open.keep(TinyServer.start((req, out) -> {
            respond(out, 302, "", "Location", locations.get(next.getAndIncrement()));
            return true;
        }));
        ClientSession session = session();
        for (String location : locations) {
            ClientException e = assertThrows(ClientException.class, () -> session.get(t.url("/r")).close(), location);
            assertTrue(e.getMessage().contains("redirect"), e.getMessage());
        }
        assertEquals(0, session.pool().connectionsInUse(), "every refused redirect gave its connection back");
    }

    // ------------------------------------------------------------------ endless lines

    @Test
    void linesOfTheBodyAreCappedLikeTheStreamReadersLines() throws Exception {
        byte[] endless = new byte[1 << 20];
        java.util.Arrays.fill(endless, (byte) 'a');
        TinyServer t = open.keep(TinyServer.start((req, out) -> {
            if (req.target().equals("/endless")) {
                respond(out, 200, endless, "Content-Type", "text/plain");
            } else {
                respond(out, 200, "one\r\ntwo\nthree", "Content-Type", "text/plain");
            }
            return true;
        }));
        ClientSession session = session();
        try (ClientResponse r = session.get(t.url("/lines"))) {
            List<String> lines = new ArrayList<>();
            r.lines().forEach(lines::add);
            assertEquals(List.of("one", "two", "three"), lines);
        }
        try (ClientResponse r = session.get(t.url("/endless"))) {
            Iterator<String> it = r.lines().iterator();
            UncheckedIOException e = assertThrows(UncheckedIOException.class, it::hasNext);
            assertInstanceOf(LineTooLongException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("65536"), e.getCause().getMessage());
        }
        try (ClientResponse r = session.get(t.url("/endless"))) {
            assertEquals(1 << 20, r.lines(2 << 20).iterator().next().length(), "the cap is the caller's to raise");
        }
        assertEquals(ClientResponse.DEFAULT_MAX_LINE, 64 * 1024);
    }

    // ------------------------------------------------------------------ chunked framing

    @Test
    void aChunkedResponseWithBareLineFeedsIsRefused() throws Exception {
        Server s = raw((id, in, out) -> {
            RequestHead h = head(in);
            String body = h.target().equals("/ok") ? "5\r\nhello\r\n0\r\n\r\n" : "5\nhello\n0\n\n";
            write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + body);
            out.close();
        });
        ClientSession session = session();
        assertEquals("hello", session.get(url(s, "/ok")).text());
        assertThrows(HttpProtocolException.class, () -> session.get(url(s, "/funky")).text());
    }

    // ------------------------------------------------------------------ cookie floods

    @Test
    void theCookieJarIgnoresHugeCookiesAndKeepsAtMostFiftyPerDomain() throws Exception {
        AtomicInteger round = new AtomicInteger();
        TinyServer t = open.keep(TinyServer.start((req, out) -> {
            List<String> h = new ArrayList<>(List.of("Set-Cookie", "huge=" + "x".repeat(60_000)));
            int r = round.getAndIncrement();
            for (int i = 0; i < 90; i++) {
                h.add("Set-Cookie");
                h.add("c" + r + "_" + i + "=v");
            }
            h.add("X-Cookie-Header");
            h.add(String.valueOf(req.headers().get("Cookie")).length() + "");
            respond(out, 200, "ok", h.toArray(String[]::new));
            return true;
        }));
        ClientSession session = session();
        int sentCookieBytes = 0;
        for (int i = 0; i < 60; i++) { // 5,400 cookies from one host
            try (ClientResponse r = session.get(t.url("/set"))) {
                sentCookieBytes = Integer.parseInt(r.header("X-Cookie-Header"));
            }
        }
        List<Cookie> kept = session.cookieJar().cookies();
        assertTrue(kept.stream().noneMatch(c -> c.name().equals("huge")), "a 60 KB cookie is ignored");
        assertEquals(CookieJar.DEFAULT_MAX_PER_DOMAIN, kept.size());
        assertTrue(kept.stream().allMatch(c -> c.name().startsWith("c59_") || c.name().startsWith("c58_")),
                "the newest are kept, the oldest evicted");
        assertTrue(sentCookieBytes < 4096, "the Cookie header stays small: " + sentCookieBytes + " bytes");
    }

    // ------------------------------------------------------------------ undeclared charsets

    @Test
    void aGbkPageWithNoDeclarationIsDecodedAsGbk() throws Exception {
        HttpServer s = HttpServer.start(HttpBin.router(), "127.0.0.1", 0);
        try {
            ClientSession session = session();
            String base = "http://127.0.0.1:" + s.port();
            for (String cs : new String[] {"gbk", "big5", "shift_jis", "euc-kr", "utf-8"}) {
                try (ClientResponse r = session.get(base + "/encoding/" + cs + "/none")) {
                    assertEquals("text/html", r.contentType(), "no charset in the header");
                    assertTrue(r.text().contains(HttpBin.sampleText(cs)), cs + " detected from the bytes, got "
                            + r.charset());
                }
            }
            try (ClientResponse r = session.get(base + "/encoding/iso-8859-1/none")) {
                assertTrue(r.text().contains(HttpBin.sampleText("iso-8859-1")), "Latin text still decodes: "
                        + r.charset());
            }
            try (ClientResponse r = session.get(base + "/encoding/shift_jis/meta")) {
                assertEquals("windows-31j", r.charset().name(), "the <meta> tag is heeded before any guess");
            }
        } finally {
            s.close();
        }
    }

    @Test
    void aCookieJarHoldsAtMostItsTotalCap() {
        CookieJar jar = new CookieJar();
        for (int d = 0; d < 80; d++) {
            List<String> set = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                set.add("n" + i + "=v; Max-Age=3600");
            }
            jar.update(URI.create("http://site" + d + ".example/"), set);
        }
        assertEquals(CookieJar.DEFAULT_MAX_TOTAL, jar.cookies().size());
        assertTrue(jar.cookiesFor(URI.create("http://site0.example/")).isEmpty(), "the oldest site went first");
        assertEquals(50, jar.cookiesFor(URI.create("http://site79.example/")).size());
    }
}
