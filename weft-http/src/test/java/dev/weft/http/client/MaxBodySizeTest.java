package dev.weft.http.client;

import static dev.weft.http.client.TinyServer.respond;
import static org.junit.jupiter.api.Assertions.*;

import dev.weft.http.Headers;
import dev.weft.http.codec.Http1Writer;
import dev.weft.testing.WeftTest;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The cap on bodies kept in memory ({@code maxBodySize}), on loopback sockets. */
@WeftTest(virtualClock = false)
class MaxBodySizeTest {

    private static final int LIMIT = 1000;

    @RegisterExtension
    final OpenResources open = new OpenResources();

    /** A session that keeps at most LIMIT bytes, and fails rather than hangs if a test goes wrong. */
    private ClientSession session() {
        return open.keep(ClientSession.builder().maxBodySize(LIMIT)
                .timeout(ClientTimeout.defaults().total(Duration.ofMinutes(1))).build());
    }

    private static byte[] letters(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    /** Sends {@code n} letters as a chunked body, in chunks of 100. */
    private static void chunked(dev.weft.net.StreamWriter out, int n) throws Exception {
        out.write(Http1Writer.responseHead(200, null, Headers.of("Transfer-Encoding", "chunked")));
        byte[] all = letters(n);
        for (int i = 0; i < n; i += 100) {
            Http1Writer.writeChunk(out, all, i, Math.min(100, n - i));
        }
        Http1Writer.finishChunked(out);
    }

    @Test
    void aContentLengthOverTheLimitFailsBeforeAnyOfTheBodyIsRead() throws Exception {
        TinyServer s = open.keep(TinyServer.start((req, out) -> {
            if (req.target().equals("/huge")) {
                // Promises a megabyte, sends ten bytes, and then nothing: reading would wait forever.
                out.write(Http1Writer.responseHead(200, null, Headers.of("Content-Length", "1000000")));
                out.write("ten bytes.");
                return true;
            }
            respond(out, 200, "small");
            return true;
        }));
        ClientSession session = session();
        try (ClientResponse r = session.get(s.url("/huge"))) {
            BodyTooLargeException e = assertThrows(BodyTooLargeException.class, r::text);
            assertEquals(LIMIT, e.limit());
            assertEquals(URI.create(s.url("/huge")), e.url());
            assertTrue(e.getMessage().contains("1000000 bytes (Content-Length)"), e.getMessage());
            assertTrue(e.getMessage().contains("limit of 1000 bytes"), e.getMessage());
            assertTrue(e.getMessage().contains(s.url("/huge")), e.getMessage());
            assertTrue(e.getMessage().contains("maxBodySize"), e.getMessage());
            assertThrows(java.io.IOException.class, r::bytes, "the body stays refused");
        }
        assertEquals(0, session.pool().idleConnections(), "the half-read connection is not pooled");
        assertEquals("small", session.get(s.url("/small")).text());
        assertEquals(2, s.accepted());
    }

    @Test
    void aChunkedBodyIsCutOffAtTheLimitAndExactlyTheLimitIsFine() throws Exception {
        TinyServer s = open.keep(TinyServer.start((req, out) -> {
            chunked(out, Integer.parseInt(req.target().substring(1)));
            return true;
        }));
        ClientSession session = session();
        try (ClientResponse r = session.get(s.url("/" + LIMIT))) {
            assertArrayEquals(letters(LIMIT), r.bytes());
            assertTrue(r.isReleased());
        }
        assertEquals(1, session.pool().idleConnections(), "a body of exactly the limit is kept, keep-alive goes on");
        try (ClientResponse r = session.get(s.url("/" + (LIMIT + 1)))) {
            BodyTooLargeException e = assertThrows(BodyTooLargeException.class, r::json);
            assertTrue(e.getMessage().contains("larger than the limit of 1000 bytes"), e.getMessage());
        }
        assertEquals(0, session.pool().idleConnections(), "the connection with the rest of the body is closed");
        assertEquals(1, session.pool().connectionsReused());
        try (ClientResponse r = session.get(s.url("/50"))) {
            assertEquals(50, r.bytes().length);
        }
        assertEquals(2, s.accepted());
    }

    @Test
    void aContentLengthBodyOfExactlyTheLimitIsKeptWholeWhenItArrivesInPieces() throws Exception {
        TinyServer s = open.keep(TinyServer.start((req, out) -> {
            int n = Integer.parseInt(req.target().substring(1));
            out.write(Http1Writer.responseHead(200, null, Headers.of("Content-Length", Integer.toString(n))));
            byte[] all = letters(n);
            for (int i = 0; i < n; i += 300) { // several writes: the client's reads come in pieces
                out.write(Arrays.copyOfRange(all, i, Math.min(n, i + 300)));
                out.drain();
            }
            return true;
        }));
        ClientSession session = session();
        for (int n : new int[] {LIMIT, 0, 1, 301}) {
            try (ClientResponse r = session.get(s.url("/" + n))) {
                byte[] body = r.bytes();
                assertArrayEquals(letters(n), body);
                assertSame(body, r.bytes(), "kept");
                assertTrue(r.isReleased(), "read to its end: the connection went back");
            }
        }
        assertEquals(1, s.accepted(), "one keep-alive connection for all four");
    }

    @Test
    void theLimitCountsDecompressedBytes() throws Exception {
        byte[] plain = letters(LIMIT * 5);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
            g.write(plain);
        }
        assertTrue(gz.size() < LIMIT, "the wire size is under the limit: " + gz.size());
        TinyServer s = open.keep(TinyServer.start((req, out) -> {
            respond(out, 200, gz.toByteArray(), "Content-Encoding", "gzip");
            return true;
        }));
        ClientSession session = session();
        try (ClientResponse r = session.get(s.url("/gz"))) {
            BodyTooLargeException e = assertThrows(BodyTooLargeException.class, r::bytes);
            assertTrue(e.getMessage().contains("after decompression"), e.getMessage());
        }
        try (ClientResponse r = session.get(s.url("/gz"))) {
            assertArrayEquals(plain, r.bodyStream().readAllBytes(), "a stream is not capped");
        }
    }

    @Test
    void streamsAreNotCappedAndTheDefaultIs64MiB() throws Exception {
        int size = 3 << 20;
        TinyServer s = open.keep(TinyServer.start((req, out) -> {
            respond(out, 200, letters(size));
            return true;
        }));
        ClientSession session = session();
        try (ClientResponse r = session.get(s.url("/big"))) {
            InputStream in = r.bodyStream();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buf, 0, buf.length)) >= 0;) {
                total += n;
            }
            assertEquals(size, total);
        }
        assertEquals(1, session.pool().idleConnections(), "a stream read to its end returns the connection");
        assertEquals(64L << 20, ClientSession.DEFAULT_MAX_BODY_SIZE);
        try (ClientSession defaults = ClientSession.create(); ClientResponse r = defaults.get(s.url("/big"))) {
            byte[] body = r.bytes();
            assertEquals(size, body.length);
            assertEquals("abc", new String(Arrays.copyOf(body, 3), StandardCharsets.US_ASCII));
        }
        assertThrows(IllegalArgumentException.class, () -> ClientSession.builder().maxBodySize(-1));
    }
}
