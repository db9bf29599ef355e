package dev.weft.http.server;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.Weft;
import dev.weft.http.httpbin.HttpBin;
import dev.weft.testing.WeftTest;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server driven by independent HTTP clients: curl and Python's http.client / urllib. */
@WeftTest(virtualClock = false)
class ConformanceTest {

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    static boolean has(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command off the loop (a blocking process wait) and collects its output. */
    static Run run(List<String> cmd) {
        return Weft.toThread(() -> {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            p.getOutputStream().close();
            var err = new java.io.ByteArrayOutputStream();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    p.getErrorStream().transferTo(err);
                } catch (java.io.IOException ignored) {
                    // process gone
                }
            });
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            t.join();
            return new Run(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
        });
    }

    HttpServer start() throws Exception {
        Router r = HttpBin.router()
                .post("/upload-size", req -> {
                    long n = 0;
                    try (var in = req.bodyStream()) {
                        byte[] buf = new byte[65536];
                        int k;
                        while ((k = in.read(buf)) >= 0) {
                            n += k;
                        }
                    }
                    return Response.text(n + " " + (req.contentLength() < 0 ? "chunked" : "fixed"));
                });
        return HttpServer.start(r, "127.0.0.1", 0);
    }

    @Test
    void curl() throws Exception {
        assumeTrue(has("curl"), "curl is not installed");
        HttpServer s = start();
        String base = "http://127.0.0.1:" + s.port();
        List<String> curl = List.of("curl", "-sS", "--max-time", "30");

        Run get = run(cat(curl, base + "/get?x=1"));
        assertEquals(0, get.exit(), get.err());
        assertTrue(get.out().contains("\"x\" : \"1\"") || get.out().contains("\"x\": \"1\""), get.out());

        Run form = run(cat(curl, "-d", "name=germey&age=25", base + "/post"));
        assertTrue(form.out().contains("germey"), form.out());

        Path file = tmp.resolve("up.bin");
        Files.write(file, new byte[123_456]);
        Run chunked = run(cat(curl, "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file,
                base + "/upload-size"));
        assertEquals("123456 chunked", chunked.out(), chunked.err());

        Path large = tmp.resolve("large.bin");
        Files.write(large, new byte[2_000_000]);
        Run expect = run(cat(curl, "-v", "--data-binary", "@" + large, base + "/upload-size"));
        assertEquals("2000000 fixed", expect.out(), expect.err());
        assertTrue(expect.err().contains("Expect: 100-continue"), "curl asked for 100-continue");
        assertTrue(expect.err().contains("HTTP/1.1 100 Continue"), expect.err());

        Run reuse = run(cat(curl, "-v", base + "/status/204", base + "/headers"));
        assertTrue(reuse.err().contains("Re-using existing connection") || reuse.err().contains("Reusing existing"),
                reuse.err());

        Run head = run(cat(curl, "-I", base + "/html"));
        assertTrue(head.out().startsWith("HTTP/1.1 200 OK"), head.out());
        assertTrue(head.out().toLowerCase().contains("content-length:"), head.out());

        Run gzip = run(cat(curl, "--compressed", base + "/gzip"));
        assertTrue(gzip.out().contains("gzipped"), gzip.out());

        Run redirects = run(cat(curl, "-L", "-o", "/dev/null", "-w", "%{http_code} %{num_redirects}", base
                + "/redirect/3"));
        assertEquals("200 3", redirects.out());
        s.shutdown(java.time.Duration.ofSeconds(5));
        assertEquals(0, s.activeConnections());
    }

    @Test
    void pythonHttpClientAndUrllib() throws Exception {
        assumeTrue(has("python3"), "python3 is not installed");
        HttpServer s = start();
        String script = """
                import http.client, json, sys, urllib.request, urllib.parse
                port = int(sys.argv[1])
                c = http.client.HTTPConnection('127.0.0.1', port)
                c.request('GET', '/get?a=1')
                r = c.getresponse(); body = json.loads(r.read())
                assert r.status == 200 and body['args'] == {'a': '1'}, body
                sock = c.sock
                c.request('POST', '/post', body=urllib.parse.urlencode({'name': 'germey', 'age': 25}),
                          headers={'Content-Type': 'application/x-www-form-urlencoded'})
                r = c.getresponse(); body = json.loads(r.read())
                assert body['form'] == {'name': 'germey', 'age': '25'}, body
                assert c.sock is sock, 'keep-alive: same socket'
                def gen():
                    for i in range(10):
                        yield b'x' * 1000
                c.request('POST', '/upload-size', body=gen(), encode_chunked=True)
                r = c.getresponse(); text = r.read().decode()
                assert text == '10000 chunked', text
                c.request('HEAD', '/html')
                r = c.getresponse(); assert r.status == 200 and r.read() == b'' and int(r.getheader('Content-Length')) > 0
                c.request('POST', '/post', body=json.dumps({'k': [1, 2]}), headers={'Content-Type': 'application/json'})
                r = c.getresponse(); body = json.loads(r.read()); assert body['json'] == {'k': [1, 2]}, body
                c.request('GET', '/stream/4')
                r = c.getresponse(); lines = r.read().decode().splitlines()
                assert len(lines) == 4 and json.loads(lines[3])['id'] == 3, lines
                assert c.sock is sock
                c.close()
                with urllib.request.urlopen('http://127.0.0.1:%d/redirect/2' % port) as u:
                    assert u.status == 200 and u.geturl().endswith('/get')
                try:
                    urllib.request.urlopen('http://127.0.0.1:%d/status/418' % port)
                    raise SystemExit('no error')
                except urllib.error.HTTPError as e:
                    assert e.code == 418
                raw = urllib.request.urlopen('http://127.0.0.1:%d/encoding/gbk' % port)
                assert raw.headers.get_content_charset() == 'gbk'
                text = raw.read().decode('gbk')
                assert '异步' in text, text
                print('ok')
                """;
        Run r = run(List.of("python3", "-c", script, Integer.toString(s.port())));
        assertEquals("ok\n", r.out(), r.err());
        s.shutdown(java.time.Duration.ofSeconds(5));
    }

    static List<String> cat(List<String> head, String... rest) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(rest));
        return all;
    }

    @Test
    void theServeCommandStartsHttpbinOnTheGivenPort() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "dev.weft.http.httpbin.Serve", "httpbin", "--port", "0")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String first = Weft.toThread(() -> new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine());
            assertNotNull(first, "the server printed nothing");
            assertTrue(first.startsWith("serving httpbin on http://127.0.0.1:"), first);
            int port = Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
            Wire.Resp r = Wire.exchange(port, "GET /get?from=serve HTTP/1.1\r\nHost: x\r\n\r\n");
            assertEquals(200, r.status());
            assertTrue(r.text().contains("\"from\": \"serve\""), r.text());
        } finally {
            p.destroy();
            Weft.toThread(() -> p.waitFor());
        }
    }
}
