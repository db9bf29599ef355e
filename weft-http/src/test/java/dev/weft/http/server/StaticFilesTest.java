package dev.weft.http.server;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.testing.WeftTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Static files: content, types, HEAD, and every way out of the root refused. */
@WeftTest(virtualClock = false)
class StaticFilesTest {

    @TempDir
    Path tmp;

    @Test
    void servesFilesAndRefusesEveryWayOutOfTheRoot() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("public"));
        Files.writeString(root.resolve("index.html"), "<h1>hi</h1>");
        Files.createDirectories(root.resolve("css"));
        Files.writeString(root.resolve("css/site.css"), "body{}");
        Files.writeString(root.resolve("a b.txt"), "spaced");
        byte[] big = new byte[200_000];
        new java.util.Random(1).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Files.writeString(tmp.resolve("secret.txt"), "top secret");
        Files.createSymbolicLink(root.resolve("escape.txt"), tmp.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("inside.txt"), root.resolve("index.html"));
        Files.createSymbolicLink(root.resolve("up"), tmp);

        HttpServer server = HttpServer.start(new Router().staticFiles("/static", root), "127.0.0.1", 0);
        int port = server.port();
        try (Wire w = new Wire(port)) {
            Wire.Resp r = w.get("/static/index.html");
            assertEquals(200, r.status());
            assertEquals("<h1>hi</h1>", r.text());
            assertEquals("text/html; charset=utf-8", r.header("Content-Type"));
            assertEquals("text/css; charset=utf-8", w.get("/static/css/site.css").header("Content-Type"));
            assertEquals("spaced", w.get("/static/a%20b.txt").text());
            Wire.Resp b = w.get("/static/big.bin");
            assertArrayEquals(big, b.body());
            assertEquals("application/octet-stream", b.header("Content-Type"));
            assertEquals("<h1>hi</h1>", w.get("/static/inside.txt").text(), "a link inside the root is fine");
            assertEquals("<h1>hi</h1>", w.get("/static/").text(), "a directory's index.html");
            assertEquals(404, w.get("/static/css/").status(), "a directory without index.html");
            Wire.Resp head = w.send("HEAD /static/big.bin HTTP/1.1\r\nHost: x\r\n\r\n").read("HEAD");
            assertEquals("200000", head.header("Content-Length"));
            assertEquals(0, head.body().length);
            assertEquals(405, w.send("POST /static/index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
                    .read().status());
            for (String bad : new String[] {
                "/static/../secret.txt", "/static/css/../../secret.txt", "/static/%2e%2e/secret.txt",
                "/static/%2E%2E/secret.txt", "/static/..%2fsecret.txt", "/static/..%2Fsecret.txt",
                "/static/%2e%2e%2fsecret.txt", "/static/..%5csecret.txt", "/static//etc/passwd",
                "/static/%2fetc%2fpasswd", "/static/./index.html", "/static/escape.txt", "/static/up/secret.txt",
                "/static/css", "/static/missing.txt", "/static/index.html%00.txt", "/static/C:%5cwindows"}) {
                Wire.Resp resp = w.get(bad);
                assertTrue(resp.status() == 404 || resp.status() == 400, bad + " -> " + resp.status());
                assertFalse(resp.text().contains("top secret"), bad);
            }
            // the connection survived every attempt
            assertEquals("<h1>hi</h1>", w.get("/static/index.html").text());
        }
        for (String bad : new String[] {"/etc/passwd", "../secret.txt", "/static/%zz"}) {
            Wire.Resp resp = Wire.exchange(port, "GET " + bad + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(resp.status() == 404 || resp.status() == 400, bad + " -> " + resp.status());
            assertFalse(new String(resp.body(), StandardCharsets.UTF_8).contains("top secret"));
        }
        server.shutdown(java.time.Duration.ofSeconds(5));
    }
}
