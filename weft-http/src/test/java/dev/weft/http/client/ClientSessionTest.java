package dev.weft.http.client;

import static dev.weft.http.client.TinyServer.respond;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.http.codec.Http1Writer;
import dev.weft.http.Headers;
import dev.weft.sync.Event;
import dev.weft.testing.WeftTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The client session against tiny Weft servers on loopback: exact bytes, real sockets. */
@WeftTest(virtualClock = false)
class ClientSessionTest {

    @RegisterExtension
    final OpenResources open = new OpenResources();

    private TinyServer server(TinyServer.Handler h) throws Exception {
        return open.keep(TinyServer.start(h));
    }

    private ClientSession session() {
        return open.keep(ClientSession.create());
    }

    private static final TinyServer.Handler ECHO = (req, out) -> {
        StringBuilder sb = new StringBuilder();
        sb.append(req.method()).append(' ').append(req.target()).append('\n');
        for (Map.Entry<String, String> e : req.headers()) {
            sb.append(e.getKey()).append(": ").append(e.getValue()).append('\n');
        }
        sb.append('\n').append(req.text());
        if (req.method().equals("HEAD")) {
            out.write(Http1Writer.responseHead(200, null, Headers.of("Content-Length", "" + sb.length())));
            return true;
        }
        respond(out, 200, sb.toString(), "Content-Type", "text/plain; charset=utf-8");
        return true;
    };

    @Test
    void getReturnsStatusReasonHeadersAndText() throws Exception {
        TinyServer s = server((req, out) -> {
            respond(out, 200, "hello", "Content-Type", "text/plain", "X-Thing", "a", "x-thing", "b");
            return true;
        });
        try (ClientResponse r = session().get(s.url("/hi"))) {
            assertEquals(200, r.status());
            assertEquals("OK", r.reason());
            assertEquals(List.of("a", "b"), r.headers().getAll("X-THING"));
            assertEquals("hello", r.text());
            assertEquals(URI.create(s.url("/hi")), r.url());
            assertTrue(r.history().isEmpty());
        }
        Req0 sent = new Req0(s.requests.get(0));
        assertEquals("GET /hi", sent.line);
        assertEquals("127.0.0.1:" + s.port(), sent.req.headers().get("Host"));
        assertEquals("gzip, deflate, br", sent.req.headers().get("Accept-Encoding"));
    }

    private record Req0(TinyServer.Req req, String line) {
        Req0(TinyServer.Req req) {
            this(req, req.method() + " " + req.target());
        }
    }

    @Test
    void keepAliveReusesOneConnection() throws Exception {
        TinyServer s = server(ECHO);
        ClientSession session = session();
        for (int i = 0; i < 5; i++) {
            try (ClientResponse r = session.get(s.url("/n/" + i))) {
                assertTrue(r.text().startsWith("GET /n/" + i));
            }
        }
        assertEquals(1, s.accepted(), "one connection for five sequential requests");
        assertEquals(4, session.pool().connectionsReused());
        assertEquals(1, session.pool().idleConnections());
    }

    @Test
    void anUnreadBodyClosesTheConnectionInsteadOfReusingIt() throws Exception {
        TinyServer s = server((req, out) -> {
            respond(out, 200, new byte[req.target().equals("/small") ? 10 : 10_000_000]);
            return true;
        });
        ClientSession session = session();
        try (ClientResponse r = session.get(s.url("/small"))) {
            assertEquals(200, r.status()); // the 10 bytes arrived with the head: skipped at close
        }
        session.get(s.url("/a")).close(); // 10 MB not read
        try (ClientResponse r = session.get(s.url("/b"))) {
            assertEquals(10_000_000, r.bytes().length);
        }
        assertEquals(2, s.accepted());
        assertEquals(1, session.pool().idleConnections());
    }

    @Test
    void bodiesOfEveryKind() throws Exception {
        TinyServer s = server(ECHO);
        ClientSession session = session();
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("name", "germey");
        form.put("age", 25);
        form.put("q", "a b&c=d");
        String echoed = session.post(s.url("/post"), Body.form(form)).text();
        assertTrue(echoed.contains("Content-Type: application/x-www-form-urlencoded"), echoed);
        assertTrue(echoed.endsWith("\n\nname=germey&age=25&q=a+b%26c%3Dd"), echoed);

        echoed = session.put(s.url("/put"), Body.json(Map.of("id", 7))).text();
        assertTrue(echoed.startsWith("PUT /put"));
        assertTrue(echoed.contains("Content-Type: application/json"));
        assertTrue(echoed.endsWith("{\"id\":7}"), echoed);

        echoed = session.patch(s.url("/p"), Body.text("héllo")).text();
        assertTrue(echoed.contains("Content-Length: 6"), echoed);
        assertTrue(echoed.endsWith("héllo"));

        byte[] big = new byte[200_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        echoed = session.post(s.url("/stream"),
                Body.stream(new ByteArrayInputStream(big), "application/octet-stream")).text();
        assertTrue(echoed.contains("Transfer-Encoding: chunked"), "a stream of unknown length goes chunked");
        assertTrue(echoed.endsWith(new String(big, StandardCharsets.US_ASCII)));

        Body mp = Body.multipart().field("title", "holiday")
                .file("photo", "beach.jpg", new byte[] {1, 2, 3}, "image/jpeg").build();
        echoed = session.post(s.url("/upload"), mp).text();
        String ct = s.requests.getLast().headers().get("Content-Type");
        assertTrue(ct.startsWith("multipart/form-data; boundary="), ct);
        String boundary = ct.substring(ct.indexOf('=') + 1);
        String body = s.requests.getLast().text();
        assertEquals(mp.contentLength(), s.requests.getLast().body().length);
        assertTrue(body.startsWith("--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nholiday\r\n"));
        assertTrue(body.contains("name=\"photo\"; filename=\"beach.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n\u0001\u0002\u0003\r\n"));
        assertTrue(body.endsWith("--" + boundary + "--\r\n"));
        assertEquals(1, s.accepted());
    }

    @Test
    void everyMethodQueryParametersDefaultHeadersAndAuth() throws Exception {
        TinyServer s = server(ECHO);
        ClientSession session = open.keep(ClientSession.builder().defaultHeader("X-Default", "d")
                .defaultHeader("User-Agent", "test-agent").auth(Auth.basic("user", "pass")).build());
        for (String m : List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")) {
            try (ClientResponse r = session.request(m, s.url("/m"))) {
                assertTrue(r.text().startsWith(m + " /m"));
            }
        }
        try (ClientResponse r = session.head(s.url("/h"))) {
            assertEquals(200, r.status());
            assertEquals("", r.text());
            assertTrue(r.isReleased(), "a HEAD response has no body: released at once");
        }
        ClientRequest req = ClientRequest.builder("GET", s.url("/search?x=1"))
                .query("q", "weft http").query("lang", "中文").header("X-Default", "mine")
                .auth(Auth.bearer("tok")).build();
        String echoed = session.request(req).text();
        assertTrue(echoed.startsWith("GET /search?x=1&q=weft+http&lang=%E4%B8%AD%E6%96%87\n"), echoed);
        assertTrue(echoed.contains("X-Default: mine\n"));
        assertFalse(echoed.contains("X-Default: d"));
        assertTrue(echoed.contains("User-Agent: test-agent\n"));
        assertTrue(echoed.contains("Authorization: Bearer tok\n"));
        echoed = session.get(s.url("/b")).text();
        assertTrue(echoed.contains("Authorization: Basic dXNlcjpwYXNz\n"), echoed);
        assertEquals(1, s.accepted());
    }

    @Test
    void chunkedResponsesReadWholeInChunksAndByLines() throws Exception {
        TinyServer s = server((req, out) -> {
            out.write(Http1Writer.responseHead(200, null,
                    Headers.of("Transfer-Encoding", "chunked", "Content-Type", "text/plain; charset=utf-8")));
            for (int i = 0; i < 50; i++) {
                byte[] line = ("line " + i + "\n").getBytes(StandardCharsets.UTF_8);
                Http1Writer.writeChunk(out, line, 0, line.length);
                out.drain();
            }
            Http1Writer.finishChunked(out);
            return true;
        });
        ClientSession session = session();
        try (ClientResponse r = session.get(s.url("/"))) {
            List<String> lines = new ArrayList<>();
            r.lines().forEach(lines::add);
            assertEquals(50, lines.size());
            assertEquals("line 49", lines.get(49));
            assertTrue(r.isReleased());
        }
        try (ClientResponse r = session.get(s.url("/"))) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] chunk;
            while ((chunk = r.readChunk(7)).length > 0) {
                assertTrue(chunk.length <= 7);
                all.writeBytes(chunk);
            }
            assertTrue(all.toString(StandardCharsets.UTF_8).startsWith("line 0\nline 1\n"));
        }
        assertEquals(1, s.accepted(), "chunked bodies read to their end keep the connection");
    }

    @Test
    void gzipAndDeflateBothForms() throws Exception {
        String text = "compressible text ".repeat(1000);
        byte[] plain = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
            g.write(plain);
        }
        ByteArrayOutputStream zlib = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(zlib)) {
            d.write(plain);
        }
        ByteArrayOutputStream rawDeflate = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(rawDeflate, new java.util.zip.Deflater(6, true))) {
            d.write(plain);
        }
        TinyServer s = server((req, out) -> {
            switch (req.target()) {
                case "/gzip" -> respond(out, 200, gz.toByteArray(), "Content-Encoding", "gzip");
                case "/zlib" -> respond(out, 200, zlib.toByteArray(), "Content-Encoding", "deflate");
                case "/raw" -> respond(out, 200, rawDeflate.toByteArray(), "Content-Encoding", "deflate");
                case "/two-members" -> {
                    ByteArrayOutputStream two = new ByteArrayOutputStream();
                    two.writeBytes(gz.toByteArray());
                    two.writeBytes(gz.toByteArray());
                    respond(out, 200, two.toByteArray(), "Content-Encoding", "gzip");
                }
                default -> {
                    out.write(Http1Writer.responseHead(200, null,
                            Headers.of("Transfer-Encoding", "chunked", "Content-Encoding", "gzip")));
                    byte[] g = gz.toByteArray();
                    for (int i = 0; i < g.length; i += 100) {
                        Http1Writer.writeChunk(out, g, i, Math.min(100, g.length - i));
                    }
                    Http1Writer.finishChunked(out);
                }
            }
            return true;
        });
        ClientSession session = session();
        try (ClientResponse r = session.get(s.url("/two-members"))) {
            assertEquals(text + text, r.text(), "concatenated gzip members");
        }
        for (String path : List.of("/gzip", "/zlib", "/raw", "/chunked-gzip")) {
            try (ClientResponse r = session.get(s.url(path))) {
                assertEquals(text, r.text(), path);
                assertTrue(r.isReleased(), path);
            }
        }
        assertEquals(1, s.accepted());
    }

    @Test
    void aGzipBombFailsCleanlyWithinTheCap() throws Exception {
        // 1 GiB of zeros: 64 gzip members of 16 MiB each (about 1 MiB on the wire).
        ByteArrayOutputStream member = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(member, 1 << 16)) {
            g.write(new byte[16 << 20]);
        }
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        for (int i = 0; i < 64; i++) {
            gz.writeBytes(member.toByteArray());
        }
        byte[] bomb = gz.toByteArray();
        TinyServer s = server((req, out) -> {
            respond(out, 200, bomb, "Content-Encoding", "gzip");
            return true;
        });
        ClientSession session = open.keep(ClientSession.builder()
                .decompressionLimits(DecompressionLimits.defaults().maxBytes(8L << 20).maxRatio(0)).build());
        try (ClientResponse r = session.get(s.url("/bomb"))) {
            DecompressionBombException e = assertThrows(DecompressionBombException.class, r::bytes);
            assertTrue(e.getMessage().contains("more than 8388608 bytes"), e.getMessage());
        }
        ClientSession defaults = session();
        try (ClientResponse r = defaults.get(s.url("/bomb"))) {
            DecompressionBombException e = assertThrows(DecompressionBombException.class, r::bytes);
            assertTrue(e.getMessage().contains("1000:1"), e.getMessage());
        }
        assertEquals(0, defaults.pool().idleConnections(), "the connection of a refused body is not reused");
    }

    @Test
    void redirectsFollowTheMethodRulesAndKeepAHistory() throws Exception {
        TinyServer s = server((req, out) -> {
            String t = req.target();
            if (t.startsWith("/r/")) {
                int code = Integer.parseInt(t.substring(3, 6));
                respond(out, code, "moved", "Location", "/final");
            } else if (t.equals("/chain/1")) {
                respond(out, 301, "", "Location", s2(req) + "/chain/2");
            } else if (t.equals("/chain/2")) {
                respond(out, 302, "", "Location", "3");
            } else if (t.equals("/chain/3")) {
                respond(out, 200, "end of chain");
            } else if (t.startsWith("/loop")) {
                respond(out, 302, "", "Location", "/loop");
            } else {
                respond(out, 200, req.method() + " " + req.text() + " " + req.headers().get("Content-Type"));
            }
            return true;
        });
        ClientSession session = session();
        try (ClientResponse r = session.get(s.url("/chain/1"))) {
            assertEquals("end of chain", r.text());
            assertEquals(URI.create(s.url("/chain/3")), r.url());
            assertEquals(List.of(301, 302), r.history().stream().map(ClientResponse::status).toList());
            assertEquals(URI.create(s.url("/chain/1")), r.history().get(0).url());
        }
        Map<Integer, String> expected = Map.of(301, "GET  null", 302, "GET  null", 303, "GET  null",
                307, "POST data text/plain; charset=UTF-8", 308, "POST data text/plain; charset=UTF-8");
        for (Map.Entry<Integer, String> e : expected.entrySet()) {
            try (ClientResponse r = session.post(s.url("/r/" + e.getKey()), Body.text("data"))) {
                assertEquals(e.getValue(), r.text(), "POST redirected by " + e.getKey());
            }
        }
        try (ClientResponse r = session.request(ClientRequest.builder("PUT", s.url("/r/303"))
                .body(Body.text("x")).build())) {
            assertEquals("GET  null", r.text(), "303 turns PUT into GET");
        }
        try (ClientResponse r = session.request(ClientRequest.builder("PUT", s.url("/r/301"))
                .body(Body.text("x")).build())) {
            assertEquals("PUT x text/plain; charset=UTF-8", r.text(), "301 keeps PUT");
        }
        TooManyRedirectsException tooMany = assertThrows(TooManyRedirectsException.class,
                () -> session.get(s.url("/loop")));
        assertEquals(12, tooMany.chain().size(), "the start, 10 redirects, and the one refused");
        try (ClientResponse r = session.request(ClientRequest.builder("GET", s.url("/r/302"))
                .allowRedirects(false).build())) {
            assertEquals(302, r.status());
            assertEquals("/final", r.header("Location"));
            assertEquals("moved", r.text());
        }
        assertThrows(TooManyRedirectsException.class, () -> session.request(
                ClientRequest.builder("GET", s.url("/chain/1")).maxRedirects(1).build()));
        assertEquals(1, s.accepted(), "redirect bodies are discarded and the connection reused");
    }

    private static String s2(TinyServer.Req req) {
        return "http://" + req.headers().get("Host");
    }

    /**
     * A Location in raw UTF-8 is followed to the bytes the server sent, as browsers do: é sent
     * raw (0xC3 0xA9, read as the two ISO-8859-1 characters they are) is asked for as
     * {@code %C3%A9}, and a byte that is not UTF-8 as itself; it was asked for as
     * {@code %C3%83%C2%A9%C3%BF}, the UTF-8 of those characters.
     */
    @Test
    void aRawUtf8LocationIsFollowedToTheBytesTheServerSent() throws Exception {
        TinyServer s = server((req, out) -> {
            if (req.target().startsWith("/moved")) {
                respond(out, 302, "", "Location", "/ok?from=\u00C3\u00A9\u00FF");
            } else {
                respond(out, 200, "ok");
            }
            return true;
        });
        try (ClientResponse r = session().get(s.url("/moved"))) {
            assertEquals("ok", r.text());
            assertEquals("/ok?from=%C3%A9%FF", s.requests.get(1).target());
            assertEquals(URI.create(s.url("/ok?from=%C3%A9%FF")), r.url());
        }
    }

    @Test
    void authorizationIsDroppedOnCrossOriginRedirects() throws Exception {
        TinyServer other = server(ECHO);
        TinyServer s = server((req, out) -> {
            respond(out, 302, "", "Location", req.target().equals("/away") ? other.url("/there") : "/here");
            return true;
        });
        TinyServer here = s;
        ClientSession session = open.keep(ClientSession.builder().build());
        ClientRequest away = ClientRequest.builder("GET", s.url("/away")).auth(Auth.bearer("secret")).build();
        String echoed = session.request(away).text();
        assertTrue(echoed.startsWith("GET /there"));
        assertFalse(echoed.contains("Authorization"), echoed);
        assertEquals("Bearer secret", here.requests.get(0).headers().get("Authorization"));
    }

    @Test
    void httpsToHttpRedirectsAreRefusedUnlessAllowed() throws Exception {
        TinyServer plain = server(ECHO);
        // The "https" server speaks plain HTTP through a faked TLS step: what is tested is the policy.
        TinyServer fakeTls = server((req, out) -> {
            respond(out, 302, "", "Location", plain.url("/downgraded"));
            return true;
        });
        String httpsUrl = "https://127.0.0.1:" + fakeTls.port() + "/secure";
        ClientSession strict = open.keep(ClientSession.builder().tlsUpgrade((c, o, insecure) -> c).build());
        InsecureRedirectException e = assertThrows(InsecureRedirectException.class, () -> strict.get(httpsUrl));
        assertTrue(e.getMessage().contains("https to http"));
        ClientSession lax = open.keep(ClientSession.builder().tlsUpgrade((c, o, insecure) -> c)
                .allowInsecureRedirects(true).build());
        assertTrue(lax.get(httpsUrl).text().startsWith("GET /downgraded"));
        ClientSession realTls = session();
        assertThrows(java.io.IOException.class, () -> realTls.get(httpsUrl),
                "real TLS against a plain-HTTP server fails, it does not hang");
    }

    @Test
    void cookiesAreStoredAndSentBackByPathAndExpiry() throws Exception {
        TinyServer s = server((req, out) -> {
            switch (req.target()) {
                case "/login" -> respond(out, 200, "ok", "Set-Cookie", "sid=abc; Path=/; HttpOnly",
                        "Set-Cookie", "pref=dark; Path=/app", "Set-Cookie", "gone=1; Max-Age=0");
                case "/logout" -> respond(out, 200, "bye", "Set-Cookie", "sid=; Path=/; Max-Age=0");
                default -> respond(out, 200, String.valueOf(req.headers().get("Cookie")));
            }
            return true;
        });
        ClientSession session = session();
        session.get(s.url("/login")).close();
        assertEquals("sid=abc", session.get(s.url("/")).text());
        assertEquals("pref=dark; sid=abc", session.get(s.url("/app/page")).text(), "longer path first");
        assertEquals("sid=abc", session.get(s.url("/application")).text(), "/app does not match /application");
        session.get(s.url("/logout")).close();
        assertEquals("null", session.get(s.url("/")).text());
        assertEquals(1, session.cookieJar().cookies().size());
    }

    @Test
    void charsetsFromTheHeaderTheBomAndMeta() throws Exception {
        String zh = "中文网页，简体字";
        String tw = "繁體中文網頁";
        String ja = "日本語のページ";
        Charset gbk = Charset.forName("GBK");
        Charset big5 = Charset.forName("Big5");
        Charset sjis = Charset.forName("Shift_JIS");
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        bodies.put("/gbk-header", zh.getBytes(gbk));
        bodies.put("/gb2312-meta", ("<html><head><meta charset=\"gb2312\"></head><body>" + zh + "</body></html>")
                .getBytes(gbk));
        bodies.put("/big5-meta", ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=big5\">"
                + "</head><body>" + tw + "</body></html>").getBytes(big5));
        bodies.put("/sjis-meta", ("<html><head><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html;"
                + " charset=Shift_JIS\"></head><body>" + ja + "</body></html>").getBytes(sjis));
        byte[] utf8 = ja.getBytes(StandardCharsets.UTF_8);
        byte[] bom = new byte[utf8.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(utf8, 0, bom, 3, utf8.length);
        bodies.put("/bom", bom);
        TinyServer s = server((req, out) -> {
            String ct = req.target().equals("/gbk-header") ? "text/html; charset=GBK"
                    : req.target().equals("/bom") ? "text/plain" : "text/html";
            respond(out, 200, bodies.get(req.target()), "Content-Type", ct);
            return true;
        });
        ClientSession session = session();
        assertEquals(zh, session.get(s.url("/gbk-header")).text());
        assertTrue(session.get(s.url("/gb2312-meta")).text().contains(zh));
        assertTrue(session.get(s.url("/big5-meta")).text().contains(tw));
        assertTrue(session.get(s.url("/sjis-meta")).text().contains(ja));
        assertEquals(ja, session.get(s.url("/bom")).text(), "the BOM decides and is not part of the text");
    }

    @Test
    void jsonAndRaiseForStatus() throws Exception {
        TinyServer s = server((req, out) -> {
            if (req.target().equals("/json")) {
                respond(out, 200, "{\"args\":{},\"form\":{\"age\":\"25\",\"name\":\"germey\"}}",
                        "Content-Type", "application/json");
            } else {
                respond(out, 404, "nope");
            }
            return true;
        });
        ClientSession session = session();
        try (ClientResponse r = session.get(s.url("/json"))) {
            JsonNode n = r.json();
            assertEquals("germey", n.get("form").get("name").asText());
            assertEquals(Map.of("age", "25", "name", "germey"), r.json(Map.class).get("form"));
        }
        ClientResponse missing = session.get(s.url("/missing"));
        ClientResponseException e = assertThrows(ClientResponseException.class, missing::raiseForStatus);
        assertEquals(404, e.status());
        assertEquals("Not Found", e.reason());
        ClientSession raising = open.keep(ClientSession.builder().raiseForStatus(true).build());
        assertThrows(ClientResponseException.class, () -> raising.get(s.url("/missing")));
    }

    @Test
    void thePerHostLimitCapsConcurrentConnections() throws Exception {
        Event go = new Event();
        Event twoInside = new Event();
        java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
        TinyServer s = server((req, out) -> {
            if (inside.incrementAndGet() == 2) {
                twoInside.set();
            }
            go.await();
            respond(out, 200, "done");
            return true;
        });
        ClientSession session = open.keep(ClientSession.builder().limitPerHost(2).build());
        List<Task<String>> tasks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tasks.add(Weft.spawn(() -> {
                try (ClientResponse r = session.get(s.url("/slow"))) {
                    return r.text();
                }
            }));
        }
        twoInside.await();
        assertEquals(2, session.pool().connectionsInUse());
        assertEquals(4, session.pool().waiting());
        go.set();
        assertEquals(List.of("done", "done", "done", "done", "done", "done"), Weft.gather(tasks));
        assertEquals(2, s.accepted());
        assertEquals(2, s.maxOpen.get());
    }

    @Test
    void waitingForAPoolSlotTimesOut() throws Exception {
        Event release = new Event();
        Event inside = new Event();
        TinyServer s = server((req, out) -> {
            inside.set();
            release.await();
            respond(out, 200, "late");
            return true;
        });
        ClientSession session = open.keep(ClientSession.builder().limit(1)
                .timeout(ClientTimeout.defaults().poolAcquire(Duration.ofMillis(50))).build());
        Task<String> first = Weft.spawn(() -> session.get(s.url("/1")).text());
        inside.await();
        ClientTimeoutException e = assertThrows(ClientTimeoutException.class, () -> session.get(s.url("/2")));
        assertEquals(ClientTimeoutException.Kind.POOL_ACQUIRE, e.kind());
        release.set();
        assertEquals("late", first.await());
        assertEquals(0, session.pool().waiting());
        assertEquals("late", session.get(s.url("/3")).text(), "the slot given up is not lost");
    }

    @Test
    void readAndTotalTimeouts() throws Exception {
        Event never = new Event();
        TinyServer s = server((req, out) -> {
            if (req.target().equals("/half")) {
                out.write(Http1Writer.responseHead(200, null, Headers.of("Content-Length", "10")));
                out.write("12345");
                out.drain();
            }
            never.await();
            return false;
        });
        ClientSession session = open.keep(ClientSession.builder()
                .timeout(ClientTimeout.defaults().sockRead(Duration.ofMillis(100))).build());
        ClientTimeoutException e = assertThrows(ClientTimeoutException.class, () -> session.get(s.url("/silent")));
        assertEquals(ClientTimeoutException.Kind.SOCK_READ, e.kind());
        assertInstanceOf(java.net.SocketTimeoutException.class, e);
        try (ClientResponse r = session.get(s.url("/half"))) {
            ClientTimeoutException body = assertThrows(ClientTimeoutException.class, r::bytes);
            assertEquals(ClientTimeoutException.Kind.SOCK_READ, body.kind());
        }
        ClientRequest total = ClientRequest.builder("GET", s.url("/silent"))
                .timeout(ClientTimeout.none().total(Duration.ofMillis(100))).build();
        ClientTimeoutException t = assertThrows(ClientTimeoutException.class, () -> session.request(total));
        assertEquals(ClientTimeoutException.Kind.TOTAL, t.kind());
    }

    @Test
    void connectionRefusedIsAClearException() throws Exception {
        int port;
        try (java.nio.channels.ServerSocketChannel ch = java.nio.channels.ServerSocketChannel.open()) {
            ch.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            port = ch.socket().getLocalPort();
        }
        ClientConnectionException e = assertThrows(ClientConnectionException.class,
                () -> session().get("http://127.0.0.1:" + port + "/"));
        assertInstanceOf(ConnectException.class, e.getCause());
        assertTrue(e.getMessage().startsWith("cannot connect to 127.0.0.1:" + port), e.getMessage());
    }

    @Test
    void aServerClosingMidBodyFailsCleanlyAndTheConnectionIsNotReused() throws Exception {
        TinyServer s = server((req, out) -> {
            if (req.target().equals("/cut")) {
                out.write(Http1Writer.responseHead(200, null, Headers.of("Content-Length", "100")));
                out.write("only ten..");
                return false;
            }
            respond(out, 200, "fine");
            return true;
        });
        ClientSession session = session();
        assertEquals("fine", session.get(s.url("/ok")).text());
        try (ClientResponse r = session.get(s.url("/cut"))) {
            ServerDisconnectedException e = assertThrows(ServerDisconnectedException.class, r::bytes);
            assertTrue(e.getMessage().contains("middle of the body"), e.getMessage());
        }
        assertEquals(0, session.pool().idleConnections());
        assertEquals("fine", session.get(s.url("/ok")).text());
        assertEquals(2, s.accepted());
    }

    @Test
    void aReusedConnectionDroppedByTheServerAsTheRequestGoesOutIsRetriedForIdempotentRequests() throws Exception {
        // Each connection answers its first request and drops the second one unanswered: a server
        // that closed the keep-alive connection just as the next request was sent.
        java.util.Map<Integer, Integer> seen = new java.util.concurrent.ConcurrentHashMap<>();
        TinyServer s = server((req, out) -> {
            if (seen.merge(req.connection(), 1, Integer::sum) > 1) {
                return false;
            }
            respond(out, 200, "n" + req.connection());
            return true;
        });
        ClientSession session = session();
        assertEquals("n1", session.get(s.url("/")).text());
        assertEquals("n2", session.get(s.url("/")).text(), "retried on a new connection");
        assertEquals(2, s.accepted());
        assertThrows(ServerDisconnectedException.class, () -> session.post(s.url("/"), Body.text("x")),
                "a POST is not retried");
    }

    @Test
    void aPooledConnectionClosedByTheServerWhileIdleIsNotReused() throws Exception {
        TinyServer s = server((req, out) -> {
            respond(out, 200, "n" + req.connection());
            return false; // closes after each response, without saying so
        });
        ClientSession session = session();
        assertEquals("n1", session.get(s.url("/")).text());
        assertEquals("n2", session.get(s.url("/")).text());
        assertEquals("n3", session.post(s.url("/"), Body.text("x")).text(), "even a POST: the close was seen first");
        assertEquals(3, s.accepted());
    }

    @Test
    void plainHttpThroughAProxy() throws Exception {
        TinyServer proxy = server((req, out) -> {
            respond(out, 200, req.target() + " " + req.headers().get("Proxy-Authorization") + " "
                    + req.headers().get("Host"));
            return true;
        });
        ClientSession session = open.keep(ClientSession.builder()
                .proxy("http://u:p@127.0.0.1:" + proxy.port()).build());
        assertEquals("http://example.invalid:8080/x?y=1 Basic dTpw example.invalid:8080",
                session.get("http://example.invalid:8080/x?y=1").text());
    }

    @Test
    void httpsThroughAProxyUsesAConnectTunnel() throws Exception {
        // The proxy answers CONNECT and then serves the tunnelled requests itself; TLS is faked.
        TinyServer proxy = server((req, out) -> {
            if (req.method().equals("CONNECT")) {
                out.write("HTTP/1.1 200 Connection established\r\n\r\n");
                return true;
            }
            respond(out, 200, "tunnelled " + req.method() + " " + req.target() + " host=" + req.headers().get("Host")
                    + " proxy-auth=" + req.headers().get("Proxy-Authorization"));
            return true;
        });
        List<String> tls = new ArrayList<>();
        ClientSession session = open.keep(ClientSession.builder().proxy("http://u:p@127.0.0.1:" + proxy.port())
                .insecure(true).tlsUpgrade((c, origin, insecure) -> {
                    tls.add(origin.authority() + " insecure=" + insecure);
                    return c;
                }).build());
        assertEquals("tunnelled GET /x host=secure.invalid proxy-auth=null",
                session.get("https://secure.invalid/x").text());
        assertEquals("tunnelled GET /y host=secure.invalid proxy-auth=null",
                session.get("https://secure.invalid/y").text());
        TinyServer.Req connect = proxy.requests.get(0);
        assertEquals("CONNECT secure.invalid:443", connect.method() + " " + connect.target());
        assertEquals("Basic dTpw", connect.headers().get("Proxy-Authorization"));
        assertEquals(List.of("secure.invalid:443 insecure=true"), tls, "one tunnel, reused");
    }

    @Test
    void aSessionBelongsToOneLoop() throws Exception {
        TinyServer s = server(ECHO);
        ClientSession session = session();
        assertEquals(200, session.get(s.url("/")).status());
        try (dev.weft.LoopGroup other = new dev.weft.LoopGroup(1)) {
            Task<Integer> elsewhere = other.spawn(() -> session.get(s.url("/")).status());
            Exception e = assertThrows(Exception.class, elsewhere::await);
            Throwable cause = e instanceof dev.weft.TaskFailedException ? e.getCause() : e;
            assertInstanceOf(IllegalStateException.class, cause);
            assertTrue(cause.getMessage().contains("BlockingClient"), cause.getMessage());
        }
    }

    @Test
    void traceEventsInOrder() throws Exception {
        TinyServer s = server((req, out) -> {
            if (req.target().equals("/start")) {
                respond(out, 302, "", "Location", "/end");
            } else {
                respond(out, 200, "end");
            }
            return true;
        });
        List<String> events = new ArrayList<>();
        TraceListener l = new TraceListener() {
            @Override
            public void requestStart(String method, URI url, Headers headers) {
                events.add("start " + url.getPath());
            }

            @Override
            public void connectionCreateStart(Origin origin) {
                events.add("create");
            }

            @Override
            public void dnsResolveStart(String host) {
                events.add("dns");
            }

            @Override
            public void connectionReused(Origin origin) {
                events.add("reused");
            }

            @Override
            public void requestHeadersSent(String method, URI url, Headers headers) {
                events.add("sent " + url.getPath());
            }

            @Override
            public void responseFirstByte(String method, URI url, int status) {
                events.add("first byte " + status);
            }

            @Override
            public void redirect(String method, URI from, URI to, int status) {
                events.add("redirect " + to.getPath());
            }

            @Override
            public void requestEnd(String method, URI url, int status) {
                events.add("end " + status);
            }

            @Override
            public void responseBodyEnd(String method, URI url, long bytes) {
                events.add("body " + bytes);
            }
        };
        ClientSession session = open.keep(ClientSession.builder().trace(l).build());
        assertEquals("end", session.get(s.url("/start")).text());
        assertEquals(List.of("start /start", "create", "dns", "sent /start", "first byte 302", "body 0",
                "redirect /end", "reused", "sent /end", "first byte 200", "end 200", "body 3"), events);
    }
}
