package dev.weft.http.client;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.http.httpbin.HttpBin;
import dev.weft.http.server.HttpServer;
import dev.weft.http.server.HttpServerOptions;
import dev.weft.http.server.Response;
import dev.weft.http.server.Router;
import dev.weft.net.TlsOptions;
import dev.weft.sync.Event;
import dev.weft.testing.WeftTest;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ClientSession} over HTTP/2 against Weft's own {@link HttpServer} (which speaks both
 * versions on one port): ALPN {@code h2} over TLS and its fall-back to HTTP/1.1, h2c with prior
 * knowledge, many concurrent requests on one connection, a further connection only past the
 * server's {@code SETTINGS_MAX_CONCURRENT_STREAMS}, and the session's features (redirects,
 * cookies, decompression, {@code maxBodySize}, timeouts, tracing, cancellation, BlockingClient)
 * the same over both versions.
 */
@WeftTest(virtualClock = false)
class Http2ClientTest {

    @RegisterExtension
    final OpenResources open = new OpenResources();

    static Path tls(String name) throws Exception {
        return Path.of(Http2ClientTest.class.getResource("/tls/" + name).toURI());
    }

    private HttpServer https(Router app, HttpServerOptions options) throws Exception {
        return open.keep(HttpServer.start(app, "127.0.0.1", 0,
                options.tls(TlsOptions.server(tls("server-cert.pem"), tls("server-key.pem")))));
    }

    private HttpServer plain(Router app) throws Exception {
        return open.keep(HttpServer.start(app, "127.0.0.1", 0));
    }

    private ClientSession.Builder trusting() throws Exception {
        return ClientSession.builder().tls(TlsOptions.client().trustPem(tls("ca.pem")));
    }

    private static Router hello() {
        return new Router().get("/n/{n}", req -> Response.text("n=" + req.pathParam("n") + " " + req.version()));
    }

    /** {@code n} concurrent GETs of /n/i, each answer checked; returns the versions seen. */
    private static List<String> concurrent(ClientSession s, String base, int n) throws Exception {
        List<Task<String>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            tasks.add(Weft.spawn(() -> {
                try (ClientResponse r = s.get(base + "/n/" + k)) {
                    assertEquals(200, r.status());
                    assertEquals("n=" + k + " " + r.version(), r.text());
                    return r.version();
                }
            }));
        }
        List<String> versions = new ArrayList<>();
        for (Task<String> t : tasks) {
            versions.add(t.await());
        }
        return versions;
    }

    @Test
    void alpnH2SharesOneConnectionForAThousandConcurrentRequests() throws Exception {
        HttpServer server = https(hello(), HttpServerOptions.defaults());
        ClientSession s = open.keep(trusting().http2(true).build());
        // the server allows 100 streams at once: 100 concurrent requests on one connection
        List<String> versions = concurrent(s, "https://localhost:" + server.port(), 100);
        assertTrue(versions.stream().allMatch("HTTP/2"::equals), versions.toString());
        assertEquals(1, s.pool().connectionsOpened(), "one connection carried all of them");
        assertEquals(1, s.http2Connections());
        // and 1,000 more later reuse it, multiplexed
        versions = concurrent(s, "https://localhost:" + server.port(), 1000);
        assertTrue(versions.stream().allMatch("HTTP/2"::equals));
        assertTrue(s.pool().connectionsOpened() <= 1 + 1000 / 100, "a further connection only past 100 streams: "
                + s.pool().connectionsOpened());
    }

    @Test
    void theTargetGoesOutAsOverHttp11PercentEncodedWhereNotAscii() throws Exception {
        dev.weft.http.server.Handler echo = req -> Response.text(req.rawTarget());
        Router app = new Router().get("/", echo).get("/{x}", echo).get("/{x}/{y}", echo);
        HttpServer server = https(app, HttpServerOptions.defaults());
        ClientSession h2 = open.keep(trusting().http2(true).build());
        ClientSession h1 = open.keep(trusting().build());
        String base = "https://localhost:" + server.port();
        for (String target : List.of("/a/b?q=1&r=%20x", "/", "/caf\u00e9/%C3%A9?q=\u00fc", "/x?")) {
            try (ClientResponse over2 = h2.get(base + target); ClientResponse over1 = h1.get(base + target)) {
                assertEquals("HTTP/2", over2.version());
                assertEquals("HTTP/1.1", over1.version());
                assertEquals(over1.text(), over2.text(), target);
                assertTrue(over2.text().chars().allMatch(c -> c < 0x80), over2.text());
            }
        }
    }

    @Test
    void aFurtherConnectionOnlyPastTheServersConcurrencyLimit() throws Exception {
        Event release = new Event();
        Router app = new Router().get("/wait", req -> {
            release.await();
            return Response.text("done");
        });
        HttpServer server = https(app, HttpServerOptions.defaults());
        ClientSession s = open.keep(trusting().http2(true).build());
        String url = "https://localhost:" + server.port() + "/wait";
        List<Task<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            tasks.add(Weft.spawn(() -> {
                try (ClientResponse r = s.get(url)) {
                    assertEquals("done", r.text());
                    return r.status();
                }
            }));
        }
        while (server.activeConnections() < 3 || s.http2Connections() < 3) {
            Weft.sleep(Duration.ofMillis(5));
        }
        release.set();
        for (Task<Integer> t : tasks) {
            assertEquals(200, t.await());
        }
        assertEquals(3, s.pool().connectionsOpened(), "250 streams at most 100 a connection: three connections");
    }

    @Test
    void fallsBackToHttp11WhenTheServerDoesNotPickH2() throws Exception {
        HttpServer server = https(hello(), HttpServerOptions.defaults().http2(false));
        ClientSession s = open.keep(trusting().http2(true).limitPerHost(4).build());
        List<String> versions = concurrent(s, "https://localhost:" + server.port(), 20);
        assertTrue(versions.stream().allMatch("HTTP/1.1"::equals), versions.toString());
        assertEquals(0, s.http2Connections());
        assertTrue(s.pool().connectionsOpened() <= 4);
    }

    @Test
    void http2IsOffByDefaultAndPerRequest() throws Exception {
        HttpServer server = https(hello(), HttpServerOptions.defaults());
        String url = "https://localhost:" + server.port() + "/n/1";
        ClientSession plainSession = open.keep(trusting().build());
        try (ClientResponse r = plainSession.get(url)) {
            assertEquals("HTTP/1.1", r.version());
            assertEquals("n=1 HTTP/1.1", r.text());
        }
        try (ClientResponse r = plainSession.request(ClientRequest.builder("GET", url).http2(true).build())) {
            assertEquals("HTTP/2", r.version());
            assertEquals("n=1 HTTP/2", r.text());
        }
        ClientSession h2Session = open.keep(trusting().http2(true).build());
        try (ClientResponse r = h2Session.request(ClientRequest.builder("GET", url).http2(false).build())) {
            assertEquals("HTTP/1.1", r.version());
        }
    }

    @Test
    void theServerSaysHttpsInRequestUrlOverTlsAndHttpInTheClearWithEitherVersion() throws Exception {
        Router app = new Router().get("/where", req -> Response.text(req.url() + " " + req.scheme()));
        HttpServer secure = https(app, HttpServerOptions.defaults());
        String url = "https://localhost:" + secure.port() + "/where";
        ClientSession s = open.keep(trusting().build());
        for (boolean h2 : new boolean[] {false, true}) {
            try (ClientResponse r = s.request(ClientRequest.builder("GET", url).http2(h2).build())) {
                assertEquals(h2 ? "HTTP/2" : "HTTP/1.1", r.version());
                assertEquals(url + " https", r.text());
            }
        }
        HttpServer clear = plain(app);
        String plainUrl = "http://127.0.0.1:" + clear.port() + "/where";
        try (ClientResponse r = s.get(plainUrl)) {
            assertEquals(plainUrl + " http", r.text());
        }
        ClientSession h2c = open.keep(ClientSession.builder().http2PriorKnowledge(true).build());
        try (ClientResponse r = h2c.get(plainUrl)) {
            assertEquals("HTTP/2", r.version());
            assertEquals(plainUrl + " http", r.text());
        }
    }

    @Test
    void priorKnowledgeH2cAndTheSessionsFeaturesWorkTheSame() throws Exception {
        HttpServer server = plain(HttpBin.router());
        String base = "http://127.0.0.1:" + server.port();
        List<String> traced = new ArrayList<>();
        ClientSession s = open.keep(ClientSession.builder().http2PriorKnowledge(true).trace(new TraceListener() {
            @Override
            public void connectionCreateStart(Origin origin) {
                traced.add("create");
            }

            @Override
            public void connectionReused(Origin origin) {
                traced.add("reused");
            }
        }).build());
        // redirects and cookies
        try (ClientResponse r = s.get(base + "/cookies/set?flavour=h2")) {
            assertEquals("HTTP/2", r.version());
            assertEquals(1, r.history().size(), "followed the redirect to /cookies");
            assertEquals("h2", r.json().path("cookies").path("flavour").asText());
        }
        assertEquals("flavour=h2", s.cookieJar().header(URI.create(base + "/")));
        // decompression
        try (ClientResponse r = s.get(base + "/gzip")) {
            assertTrue(r.json().path("gzipped").asBoolean());
        }
        // a body up and back
        byte[] upload = new byte[300_000];
        new java.util.Random(3).nextBytes(upload);
        try (ClientResponse r = s.post(base + "/post", Body.bytes(upload, "application/octet-stream"))) {
            JsonNode echo = r.json();
            assertEquals(Integer.toString(upload.length), echo.path("headers").path("Content-Length").asText());
        }
        // maxBodySize
        ClientSession small = open.keep(ClientSession.builder().http2PriorKnowledge(true).maxBodySize(1000).build());
        try (ClientResponse r = small.get(base + "/bytes/5000")) {
            assertThrows(BodyTooLargeException.class, r::bytes);
        }
        try (ClientResponse r = small.get(base + "/bytes/500")) {
            assertEquals(500, r.bytes().length);
        }
        assertEquals(1, s.pool().connectionsOpened(), "one h2c connection for all of it");
        assertEquals(1, traced.stream().filter("create"::equals).count(), traced.toString());
        assertTrue(traced.contains("reused"));
    }

    @Test
    void cancellingTheTaskAwaitingAResponseResetsOnlyItsStream() throws Exception {
        Event never = new Event();
        Event arrived = new Event();
        Router app = hello().get("/hang", req -> {
            arrived.set();
            never.await();
            return Response.text("late");
        });
        HttpServer server = plain(app);
        String base = "http://127.0.0.1:" + server.port();
        ClientSession s = open.keep(ClientSession.builder().http2PriorKnowledge(true).build());
        concurrent(s, base, 5);
        Task<Integer> hanging = Weft.spawn(() -> {
            try (ClientResponse r = s.get(base + "/hang")) {
                return r.status();
            }
        });
        arrived.await(); // the server is handling it: the task awaits the response
        hanging.cancel("no longer needed");
        assertThrows(dev.weft.CancelledException.class, hanging::await);
        assertEquals(List.of("HTTP/2", "HTTP/2", "HTTP/2"), concurrent(s, base, 3));
        assertEquals(1, s.pool().connectionsOpened(), "the connection survived the reset of one stream");
    }

    @Test
    void waitingForAFreeStreamIsBoundedByThePoolAcquireTimeout() throws Exception {
        Event release = new Event();
        java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();
        Event allHeld = new Event();
        Router app = hello().get("/hold", req -> {
            if (held.incrementAndGet() == 100) {
                allHeld.set();
            }
            release.await();
            return Response.text("released");
        });
        HttpServer server = plain(app);
        String base = "http://127.0.0.1:" + server.port();
        // one connection at most, whose server takes 100 streams at a time: all 100 are held
        ClientSession s = open.keep(ClientSession.builder().http2PriorKnowledge(true).limitPerHost(1)
                .timeout(ClientTimeout.defaults().poolAcquire(Duration.ofMillis(200))).build());
        List<Task<String>> holders = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            holders.add(Weft.spawn(() -> {
                try (ClientResponse r = s.get(base + "/hold")) {
                    return r.text();
                }
            }));
        }
        allHeld.await();
        ClientTimeoutException e = assertThrows(ClientTimeoutException.class, () -> s.get(base + "/n/1").close());
        assertEquals(ClientTimeoutException.Kind.POOL_ACQUIRE, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("came free within 200 ms"), e.getMessage());
        release.set();
        for (Task<String> h : holders) {
            assertEquals("released", h.await());
        }
        try (ClientResponse r = s.get(base + "/n/2")) {
            assertEquals("n=2 HTTP/2", r.text(), "the connection serves on after the timed-out wait");
        }
        assertEquals(1, s.pool().connectionsOpened());
    }

    @Test
    void readAndTotalTimeoutsResetTheStreamAndTheConnectionGoesOn() throws Exception {
        Event never = new Event();
        Router app = hello().get("/hang", req -> {
            never.await();
            return Response.text("late");
        });
        HttpServer server = plain(app);
        String base = "http://127.0.0.1:" + server.port();
        ClientSession s = open.keep(ClientSession.builder().http2PriorKnowledge(true).build());
        ClientRequest read = ClientRequest.builder("GET", base + "/hang")
                .timeout(ClientTimeout.defaults().sockRead(Duration.ofMillis(100))).build();
        ClientTimeoutException e = assertThrows(ClientTimeoutException.class, () -> s.request(read));
        assertEquals(ClientTimeoutException.Kind.SOCK_READ, e.kind());
        ClientRequest total = ClientRequest.builder("GET", base + "/hang")
                .timeout(ClientTimeout.defaults().total(Duration.ofMillis(100))).build();
        e = assertThrows(ClientTimeoutException.class, () -> s.request(total));
        assertEquals(ClientTimeoutException.Kind.TOTAL, e.kind());
        assertEquals(List.of("HTTP/2"), concurrent(s, base, 1));
        assertEquals(1, s.pool().connectionsOpened());
    }

    @Test
    void blockingClientOverHttp2() throws Exception {
        HttpServer server = plain(hello());
        int port = server.port();
        String version = Weft.toThread(() -> {
            try (BlockingClient c = BlockingClient.of(ClientSession.builder().http2PriorKnowledge(true))) {
                try (ClientResponse r = c.get("http://127.0.0.1:" + port + "/n/7")) {
                    assertEquals("n=7 HTTP/2", r.text());
                    return r.version();
                }
            }
        });
        assertEquals("HTTP/2", version);
    }
}
