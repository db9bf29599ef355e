package dev.weft.http.client;

import static dev.weft.http.client.TinyServer.respond;
import static org.junit.jupiter.api.Assertions.*;

import dev.weft.http.Headers;
import dev.weft.http.codec.Http1Writer;
import dev.weft.http.HttpProtocolException;
import dev.weft.testing.WeftTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code Content-Encoding: br} through a tiny server on loopback, with fixtures made by the
 * {@code brotli} command-line tool (src/test/resources/brotli): a text body, and a bomb of
 * 200 MB of zeros in 158 bytes.
 */
@WeftTest(virtualClock = false)
class CompressionTest {

    private static final byte[] TEXT = resource("text.txt");
    private static final byte[] TEXT_BR = resource("text.txt.br");
    private static final byte[] BOMB_BR = resource("zeros-200MB.br");

    @RegisterExtension
    final OpenResources open = new OpenResources();

    /** Read when the class loads, before any loop runs: no disk read inside a task. */
    private static byte[] resource(String name) {
        try (InputStream in = CompressionTest.class.getResourceAsStream("/brotli/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Serves the fixtures as {@code br}: {@code /text} and {@code /bomb} with Content-Length,
     * {@code /chunked/text} and {@code /chunked/bomb} chunked in pieces of 100 bytes.
     */
    private TinyServer brotliServer() throws Exception {
        return open.keep(TinyServer.start((req, out) -> {
            boolean chunked = req.target().startsWith("/chunked/");
            byte[] body = req.target().endsWith("/bomb") ? BOMB_BR : TEXT_BR;
            if (chunked) {
                out.write(Http1Writer.responseHead(200, null, Headers.of("Transfer-Encoding", "chunked",
                        "Content-Encoding", "br", "Content-Type", "text/plain; charset=utf-8")));
                for (int i = 0; i < body.length; i += 100) {
                    Http1Writer.writeChunk(out, body, i, Math.min(100, body.length - i));
                }
                Http1Writer.finishChunked(out);
            } else {
                respond(out, 200, body, "Content-Encoding", "br", "Content-Type", "text/plain; charset=utf-8");
            }
            return true;
        }));
    }

    @Test
    void brotliBodiesAreDecodedAndBrIsAdvertised() throws Exception {
        TinyServer s = brotliServer();
        String expected = new String(TEXT, StandardCharsets.UTF_8);
        ClientSession session = open.keep(ClientSession.create());
        try (ClientResponse r = session.get(s.url("/text"))) {
            assertEquals(expected, r.text());
            assertTrue(r.isReleased(), "the whole body was read: the connection is back in the pool");
        }
        try (ClientResponse r = session.get(s.url("/chunked/text"))) {
            List<String> lines = new ArrayList<>();
            r.lines().forEach(lines::add);
            assertEquals(Arrays.asList(expected.split("\n")), lines, "decoded as it streams in 100-byte chunks");
        }
        assertEquals(1, s.accepted(), "both bodies read to their end over one connection");
        String asked = s.requests.get(0).headers().get("Accept-Encoding");
        assertEquals("gzip, deflate, br", asked);
    }

    @Test
    void aBrotliBombIsRefusedByTheSameLimitsAsGzip() throws Exception {
        TinyServer s = brotliServer();
        ClientSession defaults = open.keep(ClientSession.create());
        try (ClientResponse r = defaults.get(s.url("/bomb"))) {
            DecompressionBombException e = assertThrows(DecompressionBombException.class, r::bytes);
            assertTrue(e.getMessage().contains("1000:1"), e.getMessage());
        }
        ClientSession byteCap = open.keep(ClientSession.builder()
                .decompressionLimits(DecompressionLimits.defaults().maxBytes(8L << 20).maxRatio(0)).build());
        try (ClientResponse r = byteCap.get(s.url("/chunked/bomb"))) {
            InputStream in = r.bodyStream();
            byte[] buf = new byte[64 * 1024];
            DecompressionBombException e = assertThrows(DecompressionBombException.class, () -> {
                while (in.read(buf) >= 0) {
                    // drain
                }
            });
            assertTrue(e.getMessage().contains("more than 8388608 bytes"), e.getMessage());
        }
        // The decoder had read the whole 158-byte body before the cap stopped it, so the
        // connection ended on a message boundary: the next request may use it.
        for (ClientSession session : List.of(defaults, byteCap)) {
            try (ClientResponse r = session.get(s.url("/text"))) {
                assertEquals(new String(TEXT, StandardCharsets.UTF_8), r.text());
            }
        }
        assertEquals(2, s.accepted(), "one connection per session");
    }

    /**
     * A body labelled gzip that is not gzip at all is corrupt data (a protocol error, not worth
     * asking again), not a broken connection: {@code GZIPInputStream} reads the header as it is
     * made, and its "Not in GZIP format" came out as a plain IOException, which the crawler
     * classed as a connection error and retried. An empty body labelled gzip is empty.
     */
    @Test
    void plainTextLabelledGzipIsAProtocolErrorAndAnEmptyGzipBodyIsEmpty() throws Exception {
        TinyServer s = open.keep(TinyServer.start((req, out) -> {
            byte[] body = req.target().equals("/empty") ? new byte[0]
                    : "<html>plain</html>".getBytes(StandardCharsets.UTF_8);
            respond(out, 200, body, "Content-Encoding", "gzip", "Content-Type", "text/html");
            return true;
        }));
        ClientSession session = open.keep(ClientSession.create());
        try (ClientResponse r = session.get(s.url("/plain"))) {
            HttpProtocolException e = assertThrows(HttpProtocolException.class, r::bytes);
            assertEquals(502, e.status());
            assertTrue(e.getMessage().contains("corrupt compressed body"), e.getMessage());
        }
        try (ClientResponse r = session.get(s.url("/empty"))) {
            assertEquals(0, r.bytes().length);
        }
    }

    @Test
    void brokenBrotliIsAProtocolErrorAndACutBodyADisconnect() throws Exception {
        byte[] truncated = Arrays.copyOf(TEXT_BR, 3000);
        TinyServer s = open.keep(TinyServer.start((req, out) -> {
            if (req.target().equals("/cut")) {
                out.write(Http1Writer.responseHead(200, null,
                        Headers.of("Content-Length", Integer.toString(TEXT_BR.length), "Content-Encoding", "br")));
                out.write(TEXT_BR, 0, 5000);
                return false; // closes in the middle of the body
            }
            respond(out, 200, truncated, "Content-Encoding", "br");
            return true;
        }));
        ClientSession session = open.keep(ClientSession.create());
        try (ClientResponse r = session.get(s.url("/truncated"))) {
            HttpProtocolException e = assertThrows(HttpProtocolException.class, r::bytes);
            assertEquals(502, e.status());
            assertTrue(e.getMessage().contains("corrupt brotli body"), e.getMessage());
        }
        try (ClientResponse r = session.get(s.url("/cut"))) {
            ServerDisconnectedException e = assertThrows(ServerDisconnectedException.class, r::bytes,
                    "the connection's failure comes out as itself, not as corrupt data");
            assertTrue(e.getMessage().contains("middle of the body"), e.getMessage());
        }
        assertEquals(0, session.pool().idleConnections());
    }

    @Test
    void withAutoDecompressOffBrotliIsNeitherAskedForNorUndone() throws Exception {
        TinyServer s = brotliServer();
        ClientSession session = open.keep(ClientSession.builder().autoDecompress(false).build());
        try (ClientResponse r = session.get(s.url("/text"))) {
            assertArrayEquals(TEXT_BR, r.bytes());
            assertEquals("br", r.header("Content-Encoding"));
        }
        assertNull(s.requests.get(0).headers().get("Accept-Encoding"));
    }
}
