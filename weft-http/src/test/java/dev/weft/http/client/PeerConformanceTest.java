package dev.weft.http.client;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.testing.WeftTest;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.Charset;
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
 * The client against independent HTTP implementations started by the test: Python's
 * {@code http.server} and nginx (gzip on, keep-alive), each on a free loopback port, serving a
 * temporary directory.
 */
@WeftTest(virtualClock = false)
class PeerConformanceTest {

    private static final String ZH = "中文网页，简体字，编码测试";
    private static final Path NGINX = Path.of("/usr/sbin/nginx");

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

    private Path site() throws IOException {
        dir = Files.createTempDirectory("weft-http-peer");
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("hello.txt"), "hello from disk\n");
        Files.writeString(www.resolve("big.txt"), "line of compressible text\n".repeat(20_000));
        Files.write(www.resolve("gb.html"), ("<html><head><meta charset=\"gb2312\"><title>t</title></head><body>" + ZH
                + "</body></html>").getBytes(Charset.forName("GBK")));
        return www;
    }

    private static int freePort() throws IOException {
        try (ServerSocketChannel ch = ServerSocketChannel.open()) {
            ch.bind(new InetSocketAddress("127.0.0.1", 0));
            return ch.socket().getLocalPort();
        }
    }

    /** Starts a process and waits (off the loop) until a line of its output contains {@code ready}. */
    private void startAndWaitFor(ProcessBuilder pb, String ready) throws Exception {
        pb.redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            assumeTrue(false, pb.command().get(0) + " cannot be started here: " + e.getMessage());
            return;
        }
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
        assertTrue(up, "the peer did not start: " + seen);
        Thread.ofPlatform().daemon().start(() -> {
            try {
                out.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    @Test
    void pythonHttpServer() throws Exception {
        Path www = site();
        int port = freePort();
        startAndWaitFor(new ProcessBuilder("python3", "-u", "-m", "http.server", Integer.toString(port), "--bind",
                "127.0.0.1", "--directory", www.toString()), "Serving HTTP");
        String base = "http://127.0.0.1:" + port;
        try (ClientSession session = ClientSession.create()) {
            python(session, base, www);
        }
    }

    private void python(ClientSession session, String base, Path www) throws Exception {
        try (ClientResponse r = session.get(base + "/hello.txt")) {
            assertEquals(200, r.status());
            assertEquals("hello from disk\n", r.text());
            assertEquals("16", r.header("content-length"));
        }
        try (ClientResponse r = session.get(base + "/")) {
            String listing = r.text();
            assertTrue(listing.contains("hello.txt") && listing.contains("gb.html"), listing);
        }
        try (ClientResponse r = session.get(base + "/gb.html")) {
            assertTrue(r.text().contains(ZH), "GB2312 named in <meta>, served without a charset");
        }
        try (ClientResponse r = session.head(base + "/big.txt")) {
            assertEquals(Long.toString(Files.size(www.resolve("big.txt"))), r.header("Content-Length"));
            assertEquals("", r.text());
        }
        try (ClientResponse r = session.get(base + "/big.txt")) {
            assertEquals(Files.readString(www.resolve("big.txt")), r.text());
        }
        ClientResponse missing = session.get(base + "/nope");
        assertEquals(404, assertThrows(ClientResponseException.class, missing::raiseForStatus).status());
        try (ClientResponse r = session.get(base + "/gb.html?x=1")) {
            assertEquals(200, r.status());
        }
        assertEquals(0, session.pool().connectionsReused(), "HTTP/1.0 answers end their connections");
    }

    @Test
    void nginx() throws Exception {
        assumeTrue(Files.isExecutable(NGINX), "nginx is not installed (./weft test installs it with apt-get)");
        Path www = site();
        int port = freePort();
        for (String d : List.of("logs", "tmp")) {
            Files.createDirectories(dir.resolve(d));
        }
        String conf = """
                user root;
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log stderr notice;
                events { worker_connections 128; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    types { text/html html; text/plain txt; }
                    default_type application/octet-stream;
                    gzip on;
                    gzip_min_length 100;
                    gzip_types text/plain;
                    keepalive_timeout 60;
                    keepalive_requests 1000;
                    server {
                        listen 127.0.0.1:%2$d;
                        root %3$s;
                        location = /moved { return 301 /hello.txt; }
                        location = /see-other { return 303 /echo; }
                        location = /setcookie { add_header Set-Cookie "k=v; Path=/"; return 200 "set\\n"; }
                        location = /echo { return 200 "$request_method cookie=$http_cookie len=$content_length te=$http_transfer_encoding\\n"; }
                    }
                }
                """.formatted(dir, port, www);
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        startAndWaitFor(new ProcessBuilder(NGINX.toString(), "-p", dir.toString(), "-c", confFile.toString(),
                "-e", "stderr"), "start worker process");
        String base = "http://127.0.0.1:" + port;
        try (ClientSession session = ClientSession.builder().limitPerHost(3).build()) {
            nginx(session, base, www);
        }
    }

    private void nginx(ClientSession session, String base, Path www) throws Exception {
        for (int i = 0; i < 3; i++) {
            try (ClientResponse r = session.get(base + "/hello.txt")) {
                assertEquals("hello from disk\n", r.text());
            }
        }
        assertEquals(1, session.pool().connectionsOpened(), "nginx keeps the connection alive");
        String big = Files.readString(www.resolve("big.txt"));
        try (ClientResponse r = session.get(base + "/big.txt")) {
            assertEquals("gzip", r.header("Content-Encoding"));
            assertEquals("chunked", r.header("Transfer-Encoding"));
            assertEquals(big, r.text());
        }
        try (ClientResponse r = session.get(base + "/gb.html")) {
            assertTrue(r.text().contains(ZH));
        }
        try (ClientResponse r = session.get(base + "/moved")) {
            assertEquals("hello from disk\n", r.text());
            assertEquals(301, r.history().get(0).status());
            assertTrue(r.url().toString().endsWith("/hello.txt"));
        }
        session.get(base + "/setcookie").close();
        try (ClientResponse r = session.post(base + "/see-other", Body.text("payload"))) {
            assertEquals("GET cookie=k=v len= te=\n", r.text(), "303: POST becomes GET; the cookie is sent");
        }
        try (ClientResponse r = session.post(base + "/echo",
                Body.stream(new ByteArrayInputStream(new byte[100_000]), "application/octet-stream"))) {
            String echoed = r.text();
            assertTrue(echoed.startsWith("POST cookie=k=v ") && echoed.endsWith(" te=chunked\n"), echoed);
        }
        ClientResponse missing = session.get(base + "/missing");
        assertEquals(404, assertThrows(ClientResponseException.class, missing::raiseForStatus).status());
        long before = session.pool().connectionsOpened();
        List<Task<String>> tasks = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            tasks.add(Weft.spawn(() -> {
                try (ClientResponse r = session.get(base + "/big.txt")) {
                    return r.text();
                }
            }));
        }
        for (String s : Weft.gather(tasks)) {
            assertEquals(big, s);
        }
        long opened = session.pool().connectionsOpened() - before;
        assertTrue(opened <= 3, "at most 3 connections for 12 concurrent requests: opened " + opened);
    }
}
