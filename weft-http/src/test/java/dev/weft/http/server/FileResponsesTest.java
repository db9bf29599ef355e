package dev.weft.http.server;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.testing.WeftTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files served by {@link Router#staticFiles} and {@link Response#file}: validators, conditional
 * requests (304, 412) in RFC 9110's order, byte ranges (206, 416, If-Range), HEAD — over real
 * sockets, with exact bytes and with curl and Python's http.client as peers.
 */
@WeftTest(virtualClock = false)
class FileResponsesTest {

    /** The modification time of the test file: long past, with a fraction of a second. */
    static final Instant MODIFIED = Instant.parse("2024-05-01T10:00:00.123456789Z");
    static final String LAST_MODIFIED = "Wed, 01 May 2024 10:00:00 GMT";

    @TempDir
    Path tmp;

    byte[] data;
    Path file;
    HttpServer server;
    int port;

    /** Writes the files and starts the server; called by each test, in its task. */
    void serve() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("public"));
        data = new byte[200_000]; // several 64 KiB read chunks
        new Random(7).nextBytes(data);
        file = root.resolve("data.bin");
        Files.write(file, data);
        Files.setLastModifiedTime(file, FileTime.from(MODIFIED));
        Files.writeString(root.resolve("empty.txt"), "");
        Router r = new Router()
                .staticFiles("/static", root)
                .get("/download", req -> Response.file(file).setHeader("Cache-Control", "max-age=60"))
                .get("/no-ranges", req -> Response.file(file).setHeader("Accept-Ranges", "none"))
                .get("/own-tag", req -> Response.file(file).setHeader("ETag", "\"v1\""));
        server = HttpServer.start(r, "127.0.0.1", 0);
        port = server.port();
    }

    /** Runs after the test's loop is gone: only stop listening. */
    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A GET with extra header lines on {@code w}. */
    static Wire.Resp get(Wire w, String path, String... headers) throws Exception {
        return request(w, "GET", path, headers);
    }

    static Wire.Resp request(Wire w, String method, String path, String... headers) throws Exception {
        StringBuilder sb = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: x\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        return w.send(sb.append("\r\n").toString()).read(method);
    }

    byte[] slice(int from, int toInclusive) {
        return Arrays.copyOfRange(data, from, toInclusive + 1);
    }

    // ------------------------------------------------------------------ validators

    @Test
    void aFileCarriesItsValidatorsAndAcceptsRanges() throws Exception {
        serve();
        try (Wire w = new Wire(port)) {
            Wire.Resp r = get(w, "/static/data.bin");
            assertEquals(200, r.status());
            assertArrayEquals(data, r.body());
            assertEquals("200000", r.header("Content-Length"));
            assertEquals(LAST_MODIFIED, r.header("Last-Modified"));
            assertEquals("bytes", r.header("Accept-Ranges"));
            String etag = r.header("ETag");
            assertTrue(etag.matches("\"[0-9a-f]+-[0-9a-f]+\""), "a strong tag: " + etag);
            assertEquals(etag, get(w, "/static/data.bin").header("ETag"), "stable while the file is");
            assertEquals(etag, get(w, "/download").header("ETag"), "the same for Response.file");

            // same size, other time (a rewrite within the same second too): another tag
            Files.setLastModifiedTime(file, FileTime.from(MODIFIED.plusNanos(1000)));
            String changed = get(w, "/static/data.bin").header("ETag");
            assertNotEquals(etag, changed);
            assertEquals(LAST_MODIFIED, get(w, "/static/data.bin").header("Last-Modified"));
            assertEquals(200, get(w, "/static/data.bin", "If-None-Match: " + etag).status(),
                    "the old tag no longer matches");
        }
    }

    @Test
    void aLastModifiedInTheFutureIsSentAsNow() throws Exception {
        serve();
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plus(Duration.ofDays(365))));
        try (Wire w = new Wire(port)) {
            Wire.Resp r = get(w, "/static/data.bin");
            long sent = HttpDates.parse(r.header("Last-Modified"));
            long date = HttpDates.parse(r.header("Date"));
            assertTrue(sent <= date, "Last-Modified " + r.header("Last-Modified") + " vs Date " + r.header("Date"));
        }
    }

    // ------------------------------------------------------------------ 304

    @Test
    void ifNoneMatchAndIfModifiedSinceAnswer304() throws Exception {
        serve();
        try (Wire w = new Wire(port)) {
            String etag = get(w, "/download").header("ETag");
            String weak = "W/" + etag;

            Wire.Resp nm = get(w, "/download", "If-None-Match: " + etag);
            assertEquals(304, nm.status());
            assertEquals(0, nm.body().length);
            assertNull(nm.header("Content-Length"));
            assertNull(nm.header("Content-Type"));
            assertEquals(etag, nm.header("ETag"));
            assertEquals("max-age=60", nm.header("Cache-Control"), "the handler's caching headers stay");
            assertNotNull(nm.header("Date"));

            assertEquals(304, get(w, "/download", "If-None-Match: " + weak).status(), "weak comparison");
            assertEquals(304, get(w, "/download", "If-None-Match: \"a\", " + etag + ", \"b\"").status());
            assertEquals(304, get(w, "/download", "If-None-Match: \"a\"", "If-None-Match: " + etag).status(),
                    "a list split over two fields");
            assertEquals(304, get(w, "/download", "If-None-Match: *").status());
            assertEquals(200, get(w, "/download", "If-None-Match: \"a\", \"b\"").status());
            assertEquals(200, get(w, "/download", "If-None-Match: garbage").status(), "malformed: no match");

            assertEquals(304, get(w, "/download", "If-Modified-Since: " + LAST_MODIFIED).status());
            assertEquals(304, get(w, "/download", "If-Modified-Since: Thu, 02 May 2024 00:00:00 GMT").status());
            assertEquals(304, get(w, "/download", "If-Modified-Since: Wednesday, 01-May-24 10:00:00 GMT").status(),
                    "RFC 850 date");
            assertEquals(304, get(w, "/download", "If-Modified-Since: Wed May  1 10:00:00 2024").status(),
                    "asctime date");
            assertEquals(200, get(w, "/download", "If-Modified-Since: Wed, 01 May 2024 09:59:59 GMT").status());
            assertEquals(200, get(w, "/download", "If-Modified-Since: yesterday").status(), "invalid: ignored");
            assertEquals(200, get(w, "/download", "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT").status(),
                    "a date in the future is not one this server sent: ignored");

            // RFC 9110 13.2.2: If-None-Match is evaluated instead of If-Modified-Since
            assertEquals(200, get(w, "/download", "If-None-Match: \"other\"",
                    "If-Modified-Since: " + LAST_MODIFIED).status());
            assertEquals(304, get(w, "/download", "If-None-Match: " + etag,
                    "If-Modified-Since: Mon, 01 Jan 2024 00:00:00 GMT").status());

            Wire.Resp head = request(w, "HEAD", "/static/data.bin", "If-None-Match: " + etag);
            assertEquals(304, head.status());
            assertArrayEquals(data, get(w, "/static/data.bin").body(), "the connection is still in step");
        }
    }

    // ------------------------------------------------------------------ 412

    @Test
    void ifMatchAndIfUnmodifiedSinceAnswer412() throws Exception {
        serve();
        try (Wire w = new Wire(port)) {
            String etag = get(w, "/download").header("ETag");
            assertEquals(200, get(w, "/download", "If-Match: " + etag).status());
            assertEquals(200, get(w, "/download", "If-Match: \"a\", " + etag).status());
            assertEquals(200, get(w, "/download", "If-Match: *").status());
            assertEquals(412, get(w, "/download", "If-Match: \"a\"").status());
            assertEquals(412, get(w, "/download", "If-Match: W/" + etag).status(), "strong comparison");
            assertEquals(200, get(w, "/download", "If-Unmodified-Since: " + LAST_MODIFIED).status());
            assertEquals(412, get(w, "/download", "If-Unmodified-Since: Wed, 01 May 2024 09:59:59 GMT").status());
            assertEquals(200, get(w, "/download", "If-Unmodified-Since: nonsense").status(), "invalid: ignored");
            // If-Match is evaluated instead of If-Unmodified-Since, and before If-None-Match
            assertEquals(200, get(w, "/download", "If-Match: " + etag,
                    "If-Unmodified-Since: Wed, 01 May 2024 09:59:59 GMT").status());
            assertEquals(412, get(w, "/download", "If-Match: \"a\"", "If-None-Match: " + etag).status());
            Wire.Resp failed = get(w, "/download", "If-Match: \"a\"");
            assertEquals("412: Precondition Failed", failed.text());
            assertEquals(200, get(w, "/download").status(), "the connection goes on");
        }
    }

    // ------------------------------------------------------------------ ranges

    @Test
    void aSingleRangeIsAnsweredWith206() throws Exception {
        serve();
        try (Wire w = new Wire(port)) {
            Wire.Resp first = get(w, "/static/data.bin", "Range: bytes=0-9");
            assertEquals(206, first.status());
            assertEquals("bytes 0-9/200000", first.header("Content-Range"));
            assertEquals("10", first.header("Content-Length"));
            assertEquals("application/octet-stream", first.header("Content-Type"));
            assertNotNull(first.header("ETag"));
            assertArrayEquals(slice(0, 9), first.body());

            Wire.Resp middle = get(w, "/static/data.bin", "Range: bytes=70000-140000"); // crosses read chunks
            assertEquals("bytes 70000-140000/200000", middle.header("Content-Range"));
            assertArrayEquals(slice(70000, 140000), middle.body());

            Wire.Resp open = get(w, "/static/data.bin", "Range: bytes=199990-");
            assertEquals("bytes 199990-199999/200000", open.header("Content-Range"));
            assertArrayEquals(slice(199990, 199999), open.body());

            Wire.Resp suffix = get(w, "/static/data.bin", "Range: bytes=-5");
            assertEquals("bytes 199995-199999/200000", suffix.header("Content-Range"));
            assertArrayEquals(slice(199995, 199999), suffix.body());

            Wire.Resp bigSuffix = get(w, "/static/data.bin", "Range: bytes=-999999");
            assertEquals("bytes 0-199999/200000", bigSuffix.header("Content-Range"));
            assertArrayEquals(data, bigSuffix.body());

            Wire.Resp clamped = get(w, "/static/data.bin", "Range: bytes=199999-99999999999999999999999");
            assertEquals("bytes 199999-199999/200000", clamped.header("Content-Range"));
            assertArrayEquals(slice(199999, 199999), clamped.body());

            assertEquals(206, get(w, "/static/data.bin", "Range: BYTES = 1-2 ,").status(),
                    "case-insensitive unit, spaces and empty list elements");
            assertEquals(206, get(w, "/download", "Range: bytes=1-2").status(), "Response.file too");
        }
    }

    @Test
    void anUnsatisfiableRangeIsAnsweredWith416() throws Exception {
        serve();
        try (Wire w = new Wire(port)) {
            for (String range : List.of("bytes=200000-", "bytes=500000-600000", "bytes=-0")) {
                Wire.Resp r = get(w, "/static/data.bin", "Range: " + range);
                assertEquals(416, r.status(), range);
                assertEquals("bytes */200000", r.header("Content-Range"), range);
            }
            assertArrayEquals(data, get(w, "/static/data.bin").body(), "the connection is still in step");
        }
    }

    @Test
    void rangesThatAreIgnoredGetTheWholeFile() throws Exception {
        serve();
        try (Wire w = new Wire(port)) {
            for (String range : List.of(
                    "bytes=0-0,5-6", // several ranges: the whole file, no multipart/byteranges
                    "bytes=0-1,-1", "bytes=5-2", "bytes=a-b", "bytes=1-2-3", "bytes=-", "bytes=", "bytes 0-5",
                    "items=0-5", "bytes=- 5")) {
                Wire.Resp r = get(w, "/static/data.bin", "Range: " + range);
                assertEquals(200, r.status(), range);
                assertNull(r.header("Content-Range"), range);
                assertArrayEquals(data, r.body(), range);
            }
            assertEquals(200, get(w, "/static/data.bin", "Range: bytes=0-1", "Range: bytes=2-3").status(),
                    "two Range fields");
            Wire.Resp none = get(w, "/no-ranges", "Range: bytes=0-1");
            assertEquals(200, none.status(), "a handler may refuse ranges");
            assertEquals("none", none.header("Accept-Ranges"));
            for (String range : List.of("bytes=0-", "bytes=-5")) {
                Wire.Resp empty = get(w, "/static/empty.txt", "Range: " + range);
                assertEquals(200, empty.status(), "an empty file has no parts: sent whole, not 416");
                assertEquals("0", empty.header("Content-Length"));
            }
        }
    }

    @Test
    void ifRangeDecidesBetweenThePartAndTheWholeFile() throws Exception {
        serve();
        try (Wire w = new Wire(port)) {
            String etag = get(w, "/static/data.bin").header("ETag");
            Wire.Resp same = get(w, "/static/data.bin", "Range: bytes=0-3", "If-Range: " + etag);
            assertEquals(206, same.status());
            assertArrayEquals(slice(0, 3), same.body());
            assertEquals(200, get(w, "/static/data.bin", "Range: bytes=0-3", "If-Range: \"old\"").status());
            assertEquals(200, get(w, "/static/data.bin", "Range: bytes=0-3", "If-Range: W/" + etag).status(),
                    "a weak tag never matches");
            assertEquals(206, get(w, "/static/data.bin", "Range: bytes=0-3", "If-Range: " + LAST_MODIFIED).status());
            Wire.Resp older = get(w, "/static/data.bin", "Range: bytes=0-3",
                    "If-Range: Tue, 30 Apr 2024 10:00:00 GMT");
            assertEquals(200, older.status(), "the client's copy is outdated: the whole new file");
            assertArrayEquals(data, older.body());
            assertEquals(200, get(w, "/own-tag", "Range: bytes=0-3", "If-Range: " + etag).status(),
                    "a handler's own ETag is the one compared");
            assertEquals(206, get(w, "/own-tag", "Range: bytes=0-3", "If-Range: \"v1\"").status());

            // a file modified now: a date in the current second is no strong validator, so the range is
            // not trusted (the modification time is in the future, so Last-Modified is always "now")
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().plus(Duration.ofDays(1))));
            String now = get(w, "/static/data.bin").header("Last-Modified");
            assertEquals(200, get(w, "/static/data.bin", "Range: bytes=0-3", "If-Range: " + now).status());
        }
    }

    @Test
    void headGetsTheHeadersGetWouldGet() throws Exception {
        serve();
        try (Wire w = new Wire(port)) {
            // RFC 9110 14.2: ranges are defined for GET only; a HEAD with Range gets the whole file's headers.
            Wire.Resp ranged = request(w, "HEAD", "/static/data.bin", "Range: bytes=10-19");
            assertEquals(200, ranged.status());
            assertEquals("200000", ranged.header("Content-Length"));
            assertNull(ranged.header("Content-Range"));
            assertEquals(0, ranged.body().length);
            Wire.Resp whole = request(w, "HEAD", "/static/data.bin");
            assertEquals(200, whole.status());
            assertEquals("200000", whole.header("Content-Length"));
            assertEquals("bytes", whole.header("Accept-Ranges"));
            assertEquals(LAST_MODIFIED, whole.header("Last-Modified"));
            assertEquals(get(w, "/static/data.bin").header("ETag"), whole.header("ETag"));
            Wire.Resp bad = request(w, "HEAD", "/static/data.bin", "Range: bytes=300000-");
            assertEquals(200, bad.status(), "no 416 for a HEAD either");
            assertArrayEquals(slice(5, 6), get(w, "/static/data.bin", "Range: bytes=5-6").body(),
                    "the connection is still in step");
        }
    }

    // ------------------------------------------------------------------ independent peers

    @Test
    void curlResumesDownloadsAndRevalidates() throws Exception {
        assumeTrue(ConformanceTest.has("curl"), "curl is not installed");
        serve();
        String url = "http://127.0.0.1:" + port + "/static/data.bin";
        List<String> curl = List.of("curl", "-sS", "--max-time", "30");

        Path part = tmp.resolve("part.bin");
        Files.write(part, Arrays.copyOf(data, 123_456));
        ConformanceTest.Run resume = ConformanceTest.run(ConformanceTest.cat(curl, "-C", "-", "-o", part.toString(),
                "-w", "%{http_code}", url));
        assertEquals("206", resume.out(), resume.err());
        assertArrayEquals(data, Files.readAllBytes(part), "the resumed download is the file");

        ConformanceTest.Run range = ConformanceTest.run(ConformanceTest.cat(curl, "-r", "100-199", "-o",
                tmp.resolve("r.bin").toString(), "-w", "%{http_code} %{size_download}", url));
        assertEquals("206 100", range.out(), range.err());
        assertArrayEquals(slice(100, 199), Files.readAllBytes(tmp.resolve("r.bin")));

        Path copy = tmp.resolve("copy.bin");
        Files.write(copy, data);
        Files.setLastModifiedTime(copy, FileTime.from(MODIFIED.plusSeconds(1)));
        ConformanceTest.Run since = ConformanceTest.run(ConformanceTest.cat(curl, "-z", copy.toString(), "-o",
                "/dev/null", "-w", "%{http_code}", url));
        assertEquals("304", since.out(), "curl -z: not modified since the local copy");

        Path etags = tmp.resolve("etag.txt");
        ConformanceTest.Run save = ConformanceTest.run(ConformanceTest.cat(curl, "--etag-save", etags.toString(),
                "-o", "/dev/null", "-w", "%{http_code}", url));
        assertEquals("200", save.out(), save.err());
        ConformanceTest.Run compare = ConformanceTest.run(ConformanceTest.cat(curl, "--etag-compare",
                etags.toString(), "-o", "/dev/null", "-w", "%{http_code}", url));
        assertEquals("304", compare.out(), compare.err());

        ConformanceTest.Run past = ConformanceTest.run(ConformanceTest.cat(curl, "-r", "300000-", "-o", "/dev/null",
                "-w", "%{http_code}", url));
        assertEquals("416", past.out(), past.err());
    }

    @Test
    void pythonHttpClientGetsRangesAndRevalidatesOnOneConnection() throws Exception {
        assumeTrue(ConformanceTest.has("python3"), "python3 is not installed");
        serve();
        Path expected = tmp.resolve("expected.bin");
        Files.write(expected, data);
        String script = """
                import http.client, sys
                port, path = int(sys.argv[1]), sys.argv[2]
                data = open(path, 'rb').read()
                c = http.client.HTTPConnection('127.0.0.1', port)
                c.request('GET', '/static/data.bin')
                r = c.getresponse(); body = r.read()
                assert r.status == 200 and body == data
                etag, lm = r.getheader('ETag'), r.getheader('Last-Modified')
                sock = c.sock
                c.request('GET', '/static/data.bin', headers={'If-None-Match': etag})
                r = c.getresponse(); assert r.status == 304 and r.read() == b'', r.status
                c.request('GET', '/static/data.bin', headers={'If-Modified-Since': lm})
                r = c.getresponse(); assert r.status == 304 and r.read() == b'', r.status
                c.request('GET', '/static/data.bin', headers={'Range': 'bytes=1000-1999', 'If-Range': etag})
                r = c.getresponse(); part = r.read()
                assert r.status == 206 and part == data[1000:2000], r.status
                assert r.getheader('Content-Range') == 'bytes 1000-1999/%d' % len(data)
                c.request('GET', '/static/data.bin', headers={'Range': 'bytes=-100'})
                r = c.getresponse(); assert r.status == 206 and r.read() == data[-100:]
                c.request('GET', '/static/data.bin', headers={'Range': 'bytes=%d-' % len(data)})
                r = c.getresponse(); r.read()
                assert r.status == 416 and r.reason == 'Range Not Satisfiable', (r.status, r.reason)
                assert r.getheader('Content-Range') == 'bytes */%d' % len(data)
                c.request('HEAD', '/static/data.bin', headers={'Range': 'bytes=0-99'})
                r = c.getresponse(); assert r.status == 200 and r.read() == b''
                assert r.getheader('Content-Length') == str(len(data))
                assert c.sock is sock, 'keep-alive through 304, 206, 416 and HEAD'
                print('ok')
                """;
        ConformanceTest.Run r = ConformanceTest.run(List.of("python3", "-c", script, Integer.toString(port),
                expected.toString()));
        assertEquals("ok\n", r.out(), r.err());
    }

    @Test
    void aFileThatDisappearsIsA404AndBytesStayExact() throws Exception {
        serve();
        try (Wire w = new Wire(port)) {
            Files.delete(file);
            assertEquals(404, get(w, "/static/data.bin").status());
            Files.writeString(file, "new", StandardCharsets.UTF_8);
            Wire.Resp r = get(w, "/static/data.bin", "Range: bytes=1-");
            assertEquals(206, r.status());
            assertEquals("ew", r.text());
        }
    }
}
