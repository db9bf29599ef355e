package dev.weft.http.h2;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.http.Headers;
import dev.weft.http.client.Body;
import dev.weft.http.client.ClientRequest;
import dev.weft.http.client.ClientResponse;
import dev.weft.http.client.ClientSession;
import dev.weft.net.TlsOptions;
import dev.weft.testing.WeftTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Http2ClientConnection} against independent servers started by the test on loopback:
 * nginx ({@code http2}, in clear text with prior knowledge and over TLS with ALPN) and nghttpd
 * (nghttp2's server, h2c and TLS). A thousand concurrent requests share one connection and every
 * answer is checked. A server that is not installed is skipped with a message.
 */
@WeftTest(virtualClock = false)
class Http2ClientInteropTest {

    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final Path NGHTTPD = Path.of("/usr/sbin/nghttpd");

    private final List<Process> processes = new ArrayList<>();
    private Path dir;

    @AfterEach
    void stop() throws Exception {
        for (Process p : processes) {
            p.destroy();
            p.waitFor();
        }
        if (dir != null) {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static Path tls(String name) throws Exception {
        return Path.of(Http2ClientInteropTest.class.getResource("/tls/" + name).toURI());
    }

    static int freePort() throws IOException {
        try (ServerSocketChannel ch = ServerSocketChannel.open()) {
            ch.bind(new InetSocketAddress("127.0.0.1", 0));
            return ch.socket().getLocalPort();
        }
    }

    /** A directory of files: f0 … f49 with distinct contents, and a 3 MB one. */
    private Path site() throws IOException {
        dir = Files.createTempDirectory("weft-h2-client");
        Path www = Files.createDirectories(dir.resolve("www"));
        for (int i = 0; i < 50; i++) {
            Files.writeString(www.resolve("f" + i), "file number " + i + "\n");
        }
        Files.write(www.resolve("big"), big());
        return www;
    }

    static byte[] big() {
        byte[] b = new byte[3 * 1024 * 1024];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 31 + (i >>> 12));
        }
        return b;
    }

    /** Starts a process and waits (off the loop) until its output has a line containing {@code ready}. */
    private void startAndWaitFor(ProcessBuilder pb, String ready) throws Exception {
        pb.redirectErrorStream(true);
        Process p = pb.start();
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        boolean up = Weft.toThread(() -> {
            String line;
            while ((line = out.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.contains(ready)) {
                    return true;
                }
            }
            return false;
        });
        assertTrue(up, "the server did not start: " + seen);
        Thread.ofPlatform().daemon().start(() -> {
            try {
                out.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    private int nginx(boolean tls) throws Exception {
        return nginx(tls, 100_000);
    }

    private int nginx(boolean tls, int keepaliveRequests) throws Exception {
        assumeTrue(Files.isExecutable(NGINX), "nginx is not installed (./weft test installs it with apt-get)");
        Path www = site();
        int port = freePort();
        for (String d : List.of("logs", "tmp")) {
            Files.createDirectories(dir.resolve(d));
        }
        String listen = tls ? "listen 127.0.0.1:%d ssl http2; ssl_certificate %s; ssl_certificate_key %s;"
                .formatted(port, tls("server-cert.pem"), tls("server-key.pem"))
                : "listen 127.0.0.1:%d http2;".formatted(port);
        String conf = """
                user root;
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log stderr notice;
                events { worker_connections 1024; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    default_type application/octet-stream;
                    http2_max_concurrent_streams 1000;
                    keepalive_requests %4$d;
                    server {
                        %2$s
                        root %3$s;
                        location ~ ^/n/(\\d+)$ { return 200 "n=$1 $http_x_request\\n"; }
                        location = /echo { return 200 "$request_method len=$content_length\\n"; }
                    }
                }
                """.formatted(dir, listen, www, keepaliveRequests);
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        startAndWaitFor(new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", confFile.toString(),
                "-e", "stderr"), "start worker process");
        return port;
    }

    private int nghttpd(boolean tls) throws Exception {
        assumeTrue(Files.isExecutable(NGHTTPD), "nghttpd is not installed (Debian package nghttp2-server)");
        Path www = site();
        int port = freePort();
        List<String> cmd = new ArrayList<>(List.of(NGHTTPD.toString(), "-d", www.toString(), "-a", "127.0.0.1"));
        if (tls) {
            cmd.addAll(List.of(Integer.toString(port), tls("server-key.pem").toString(), tls("server-cert.pem").toString()));
        } else {
            cmd.addAll(List.of("--no-tls", Integer.toString(port)));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        processes.add(p);
        // nghttpd prints nothing when ready: wait until the port answers
        for (int i = 0; i < 100; i++) {
            try (var s = new java.net.Socket()) {
                Weft.toThread(() -> {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return null;
                });
                return port;
            } catch (Exception e) {
                Weft.sleep(java.time.Duration.ofMillis(50));
            }
        }
        fail("nghttpd did not start");
        return -1;
    }

    static TlsOptions trust() throws Exception {
        return TlsOptions.client().trustPem(tls("ca.pem"));
    }

    /** A thousand concurrent GETs over one connection, each answer checked; returns the most streams seen at once. */
    static int thousandConcurrent(Http2ClientConnection c, boolean nginx) throws Exception {
        List<Task<Void>> tasks = new ArrayList<>();
        int[] maxActive = {0};
        for (int i = 0; i < 1000; i++) {
            int n = i;
            tasks.add(Weft.spawn(() -> {
                String path = nginx ? "/n/" + n : "/f" + (n % 50) + "?i=" + n;
                try (Http2Response r = c.send("GET", path, Headers.of("X-Request", "r" + n), (byte[]) null)) {
                    maxActive[0] = Math.max(maxActive[0], c.activeStreams());
                    assertEquals(200, r.status(), path);
                    String expected = nginx ? "n=" + n + " r" + n + "\n" : "file number " + (n % 50) + "\n";
                    assertEquals(expected, r.text(), path);
                }
                return null;
            }));
        }
        Weft.gather(tasks);
        return maxActive[0];
    }

    static void bigAndBodies(Http2ClientConnection c, boolean nginx) throws Exception {
        try (Http2Response r = c.send("GET", "/big", new Headers(), (byte[]) null)) {
            assertEquals(200, r.status());
            assertArrayEquals(big(), r.bytes(), "3 MB through the flow-control windows");
        }
        try (Http2Response r = c.send("GET", "/f7", new Headers(), (byte[]) null)) {
            assertEquals("file number 7\n", r.text());
        }
        try (Http2Response r = c.send("GET", "/missing", new Headers(), (byte[]) null)) {
            assertEquals(404, r.status());
        }
        // a response closed before its body is read resets its stream; the connection goes on
        Http2Response unread = c.send("GET", "/big", new Headers(), (byte[]) null);
        assertEquals(200, unread.status());
        unread.close();
        if (nginx) {
            try (Http2Response r = c.send("POST", "/echo", Headers.of("Content-Type", "text/plain"),
                    "x".repeat(100_000).getBytes(StandardCharsets.UTF_8))) {
                assertEquals("POST len=100000\n", r.text());
            }
        }
        try (Http2Response r = c.send("GET", "/f8", new Headers(), (byte[]) null)) {
            assertEquals("file number 8\n", r.text());
        }
    }

    @Test
    void nginxCleartextPriorKnowledge() throws Exception {
        int port = nginx(false);
        try (Http2ClientConnection c = Http2ClientConnection.open("127.0.0.1", port, null, Http2Options.defaults())) {
            int maxActive = thousandConcurrent(c, true);
            assertTrue(maxActive > 100, "nginx allows 1000 streams at once; seen " + maxActive);
            assertEquals(1000, c.connection().peerMaxConcurrentStreams());
            bigAndBodies(c, true);
            assertEquals(Http2Connection.State.OPEN, c.connection().state());
        }
    }

    @Test
    void aGoAwayMidLoadLosesNoRequestTheServerDidNotAccept() throws Exception {
        int port = nginx(false, 300); // nginx sends GOAWAY after 300 requests on a connection
        Http2ClientConnection first = Http2ClientConnection.open("127.0.0.1", port, null, Http2Options.defaults());
        List<Task<Object>> tasks = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int n = i;
            tasks.add(Weft.spawn(() -> {
                try (Http2Response r = first.send("GET", "/n/" + n, new Headers(), (byte[]) null)) {
                    return r.text();
                } catch (Http2Exception e) {
                    return e;
                }
            }));
        }
        int answered = 0;
        List<Integer> retry = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Object outcome = tasks.get(i).await();
            if (outcome instanceof Http2Exception e) {
                assertTrue(e.isRetryable(), "only requests the server never processed fail: " + e.getMessage());
                retry.add(i);
            } else {
                assertEquals("n=" + i + " \n", outcome);
                answered++;
            }
        }
        assertEquals(300, answered, "nginx served exactly its keepalive_requests");
        assertFalse(first.isAcceptingStreams());
        first.close();
        // the refused ones, sent again on fresh connections (as a pool does for retryable failures)
        while (!retry.isEmpty()) {
            try (Http2ClientConnection next = Http2ClientConnection.open("127.0.0.1", port, null,
                    Http2Options.defaults())) {
                List<Integer> again = new ArrayList<>();
                for (int i : retry) {
                    try (Http2Response r = next.send("GET", "/n/" + i, new Headers(), (byte[]) null)) {
                        assertEquals("n=" + i + " \n", r.text());
                    } catch (Http2Exception e) {
                        assertTrue(e.isRetryable(), e.getMessage());
                        again.add(i);
                    }
                }
                assertTrue(again.size() < retry.size(), "progress on every connection");
                retry = again;
            }
        }
    }

    @Test
    void nginxTlsWithAlpn() throws Exception {
        int port = nginx(true);
        try (Http2ClientConnection c = Http2ClientConnection.open("localhost", port, trust(), Http2Options.defaults())) {
            thousandConcurrent(c, true);
            bigAndBodies(c, true);
        }
    }

    @Test
    void nghttpdCleartextWithItsLimitOfAHundredStreams() throws Exception {
        int port = nghttpd(false);
        try (Http2ClientConnection c = Http2ClientConnection.open("127.0.0.1", port, null, Http2Options.defaults())) {
            int maxActive = thousandConcurrent(c, false);
            assertEquals(100, c.connection().peerMaxConcurrentStreams());
            assertTrue(maxActive <= 100, "never more than nghttpd's 100 streams at once: " + maxActive);
            bigAndBodies(c, false);
        }
    }

    @Test
    void nghttpdTlsWithAlpn() throws Exception {
        int port = nghttpd(true);
        try (Http2ClientConnection c = Http2ClientConnection.open("localhost", port, trust(), Http2Options.defaults())) {
            thousandConcurrent(c, false);
            bigAndBodies(c, false);
        }
    }

    @Test
    void aTlsServerThatDoesNotOfferH2IsReportedSoTheCallerCanFallBack() throws Exception {
        assumeTrue(Files.isExecutable(NGINX), "nginx is not installed");
        Path www = site();
        int port = freePort();
        for (String d : List.of("logs", "tmp")) {
            Files.createDirectories(dir.resolve(d));
        }
        String conf = """
                user root; daemon off; worker_processes 1; pid %1$s/nginx.pid; error_log stderr notice;
                events { worker_connections 64; }
                http { access_log off; client_body_temp_path %1$s/tmp/body; proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi; uwsgi_temp_path %1$s/tmp/uwsgi; scgi_temp_path %1$s/tmp/scgi;
                    server { listen 127.0.0.1:%2$d ssl; ssl_certificate %3$s; ssl_certificate_key %4$s; root %5$s; } }
                """.formatted(dir, port, tls("server-cert.pem"), tls("server-key.pem"), www);
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        startAndWaitFor(new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", confFile.toString(),
                "-e", "stderr"), "start worker process");
        IOException e = assertThrows(IOException.class,
                () -> Http2ClientConnection.open("localhost", port, trust(), Http2Options.defaults()));
        assertTrue(e.getMessage().contains("did not agree to h2"), e.getMessage());
        // a ClientSession with http2(true) falls back by itself
        try (ClientSession s = ClientSession.builder().tls(trust()).http2(true).build();
                ClientResponse r = s.get("https://localhost:" + port + "/f3")) {
            assertEquals("HTTP/1.1", r.version());
            assertEquals("file number 3\n", r.text());
        }
    }

    // ------------------------------------------------------------------ ClientSession over HTTP/2

    /** {@code n} concurrent GETs through the session, each answer checked. */
    static void sessionConcurrent(ClientSession s, String base, int n, boolean nginx) throws Exception {
        List<Task<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            tasks.add(Weft.spawn(() -> {
                String path = nginx ? "/n/" + k : "/f" + (k % 50) + "?i=" + k;
                try (ClientResponse r = s.request(ClientRequest.builder("GET", base + path)
                        .header("X-Request", "r" + k).build())) {
                    assertEquals(200, r.status(), path);
                    assertEquals("HTTP/2", r.version());
                    assertEquals(nginx ? "n=" + k + " r" + k + "\n" : "file number " + (k % 50) + "\n", r.text());
                }
            }));
        }
        Weft.gather(tasks);
    }

    @Test
    void sessionOverNginxTlsMultiplexesAThousandRequestsOnOneConnection() throws Exception {
        int port = nginx(true);
        String base = "https://localhost:" + port;
        try (ClientSession s = ClientSession.builder().tls(trust()).http2(true).build()) {
            sessionConcurrent(s, base, 1000, true);
            assertEquals(1, s.pool().connectionsOpened(), "nginx allows 1000 streams: one connection");
            try (ClientResponse r = s.get(base + "/big")) {
                assertArrayEquals(big(), r.bytes());
            }
            try (ClientResponse r = s.post(base + "/echo", Body.text("x".repeat(100_000)))) {
                assertEquals("POST len=100000\n", r.text());
            }
            assertEquals(1, s.pool().connectionsOpened());
        }
    }

    @Test
    void sessionSendsAgainWhatAGoAwayRefusedOnANewConnection() throws Exception {
        int port = nginx(false, 300); // GOAWAY after 300 requests on a connection
        try (ClientSession s = ClientSession.builder().http2PriorKnowledge(true).build()) {
            sessionConcurrent(s, "http://127.0.0.1:" + port, 1000, true);
            assertTrue(s.pool().connectionsOpened() >= 4, "300 requests a connection: " + s.pool().connectionsOpened());
        }
    }

    @Test
    void sessionOverNghttpdOpensAFurtherConnectionOnlyPastItsHundredStreams() throws Exception {
        int port = nghttpd(true);
        try (ClientSession s = ClientSession.builder().tls(trust()).http2(true).build()) {
            sessionConcurrent(s, "https://localhost:" + port, 1000, false);
            long opened = s.pool().connectionsOpened();
            assertTrue(opened >= 1 && opened <= 10, "1000 requests, 100 streams a connection: " + opened);
            sessionConcurrent(s, "https://localhost:" + port, 50, false);
            assertEquals(opened, s.pool().connectionsOpened(), "50 more fit on the connections open");
        }
    }
}
