package dev.weft.http.codec;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.http.HttpLimits;
import dev.weft.http.HttpProtocolException;
import dev.weft.net.Connection;
import dev.weft.net.Server;
import dev.weft.net.StreamReader;
import dev.weft.net.Streams;
import dev.weft.testing.WeftTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP/1.1 head parser and body framing, fed through a real loopback socket. */
@WeftTest(virtualClock = false)
class Http1ParserTest {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** A reader that yields {@code wire} and then end of stream. */
    StreamReader feed(String wire) throws Exception {
        byte[] bytes = wire.getBytes(StandardCharsets.ISO_8859_1);
        Server server = Streams.startServer((r, w) -> w.write(bytes), "127.0.0.1", 0);
        Connection c = Streams.openConnection("127.0.0.1", server.port());
        open.add(server);
        open.add(c);
        return c.reader();
    }

    RequestHead request(String wire) throws Exception {
        return Http1Parser.readRequestHead(feed(wire), HttpLimits.defaults());
    }

    int rejected(String wire) throws Exception {
        StreamReader in = feed(wire);
        HttpProtocolException e = assertThrows(HttpProtocolException.class, () -> {
            RequestHead h = Http1Parser.readRequestHead(in, HttpLimits.defaults());
            BodyReader.of(in, BodyFraming.ofRequest(h), HttpLimits.defaults(), 1 << 20).readAll();
        });
        return e.status();
    }

    @Test
    void aPlainRequestHead() throws Exception {
        RequestHead h = request("GET /search?q=weft HTTP/1.1\r\nHost: example.com\r\nAccept:  text/html \r\n"
                + "accept: application/json\r\n\r\n");
        assertEquals("GET", h.method());
        assertEquals("/search?q=weft", h.target());
        assertEquals("HTTP/1.1", h.version());
        assertEquals("example.com", h.headers().get("host"));
        assertEquals(List.of("text/html", "application/json"), h.headers().getAll("ACCEPT"));
        assertTrue(h.keepAlive());
        assertEquals(BodyFraming.Kind.NONE, BodyFraming.ofRequest(h).kind());
    }

    @Test
    void bareLineFeedsAndLeadingEmptyLinesAreTolerated() throws Exception {
        RequestHead h = request("\r\nPOST /x HTTP/1.0\nContent-Length: 3\n\nabc");
        assertEquals("POST", h.method());
        assertFalse(h.keepAlive(), "HTTP/1.0 without keep-alive");
        assertEquals(3, BodyFraming.ofRequest(h).length());
    }

    @Test
    void aCleanEndBeforeAnyByteIsNotAnError() throws Exception {
        assertNull(request(""));
    }

    @Test
    void chunkedBodiesWithExtensionsAndTrailers() throws Exception {
        StreamReader in = feed("POST /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Checksum: 42\r\n\r\nGET /next HTTP/1.1\r\n\r\n");
        RequestHead h = Http1Parser.readRequestHead(in, HttpLimits.defaults());
        BodyReader body = BodyReader.of(in, BodyFraming.ofRequest(h), HttpLimits.defaults(), 1 << 20);
        assertEquals("hello world", new String(body.readAll(), StandardCharsets.US_ASCII));
        assertEquals("42", body.trailers().get("x-checksum"));
        assertEquals("/next", Http1Parser.readRequestHead(in, HttpLimits.defaults()).target(),
                "the next request starts right after the body");
    }

    @Test
    void requestSmugglingAttemptsAreRejectedWith400() throws Exception {
        assertEquals(400, rejected("POST / HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
        assertEquals(400, rejected("POST / HTTP/1.1\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde"));
        assertEquals(400, rejected("POST / HTTP/1.1\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nabcd"));
        assertEquals(400, rejected("POST / HTTP/1.1\r\nContent-Length: +4\r\n\r\nabcd"));
        assertEquals(400, rejected("POST / HTTP/1.1\r\nContent-Length: 4, 4\r\n\r\nabcd"));
        assertEquals(400, rejected("POST / HTTP/1.1\r\nContent-Length : 4\r\n\r\nabcd"));
        assertEquals(400, rejected("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, identity\r\n\r\n"));
        assertEquals(400, rejected("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertEquals(501, rejected("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"));
        assertEquals(400, rejected("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"));
        assertEquals(400, rejected("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n"));
        assertEquals(400, rejected("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\nx\r\n0\r\n\r\n"));
        assertEquals(400, rejected("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n"));
        assertEquals(400, rejected("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
    }

    @Test
    void malformedHeadsAreRejected() throws Exception {
        assertEquals(400, rejected("GET  / HTTP/1.1\r\n\r\n"));
        assertEquals(400, rejected("GET / HTTP/1.1 extra\r\n\r\n"));
        assertEquals(400, rejected("G(T / HTTP/1.1\r\n\r\n"));
        assertEquals(505, rejected("GET / HTTP/2.0\r\n\r\n"));
        assertEquals(400, rejected("GET / HTTX/1.1\r\n\r\n"));
        assertEquals(400, rejected("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n"));
        assertEquals(400, rejected("GET / HTTP/1.1\r\nNo colon here\r\n\r\n"));
        assertEquals(400, rejected("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n"));
        assertEquals(400, rejected("GET / HTTP/1.1\r\nX: a\u0000b\r\n\r\n"));
        assertEquals(400, rejected("GET / HTTP/1.1\r\nHost: a\r\n"), "ends in the middle of the head");
    }

    @Test
    void oversizedPartsGetTheirOwnStatus() throws Exception {
        assertEquals(414, rejected("GET /" + "a".repeat(9000) + " HTTP/1.1\r\n\r\n"));
        assertEquals(431, rejected("GET / HTTP/1.1\r\nX-Big: " + "b".repeat(70_000) + "\r\n\r\n"));
        StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\n");
        for (int i = 0; i < 101; i++) {
            many.append("X-").append(i).append(": v\r\n");
        }
        assertEquals(431, rejected(many + "\r\n"));
        assertEquals(413, rejected("POST / HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n"));
        assertEquals(413, rejected("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n100000\r\n"
                + "x".repeat(0x100000) + "\r\n100000\r\n" + "x".repeat(0x100000) + "\r\n0\r\n\r\n"));
    }

    @Test
    void responseHeadsAndTheirFraming() throws Exception {
        StreamReader in = feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1 204 No Content\r\n\r\n"
                + "HTTP/1.0 200\r\n\r\nuntil close");
        ResponseHead a = Http1Parser.readResponseHead(in, HttpLimits.defaults());
        assertEquals(200, a.status());
        assertEquals("OK", a.reason());
        assertEquals("hi", new String(BodyReader.of(in, BodyFraming.ofResponse("GET", a), HttpLimits.defaults(),
                Long.MAX_VALUE).readAll(), StandardCharsets.US_ASCII));
        ResponseHead b = Http1Parser.readResponseHead(in, HttpLimits.defaults());
        assertEquals(BodyFraming.Kind.NONE, BodyFraming.ofResponse("GET", b).kind());
        ResponseHead c = Http1Parser.readResponseHead(in, HttpLimits.defaults());
        assertEquals("", c.reason());
        assertFalse(c.keepAlive());
        assertEquals("until close", new String(BodyReader.of(in, BodyFraming.ofResponse("GET", c),
                HttpLimits.defaults(), Long.MAX_VALUE).readAll(), StandardCharsets.US_ASCII));
    }

    @Test
    void aHeadResponseHasNoBodyWhateverItsContentLength() throws Exception {
        StreamReader in = feed("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
        ResponseHead h = Http1Parser.readResponseHead(in, HttpLimits.defaults());
        assertEquals(BodyFraming.Kind.NONE, BodyFraming.ofResponse("HEAD", h).kind());
        assertEquals(1000, BodyFraming.ofResponse("GET", h).length());
    }

    @Test
    void writtenHeadsParseBack() throws Exception {
        var headers = dev.weft.http.Headers.of("Host", "example.com", "X-Many", "1", "X-Many", "2");
        String wire = new String(Http1Writer.requestHead("PUT", "/a?b=c", headers), StandardCharsets.ISO_8859_1);
        RequestHead h = request(wire);
        assertEquals("PUT", h.method());
        assertEquals(List.of("1", "2"), h.headers().getAll("x-many"));
        assertThrows(IllegalArgumentException.class, () -> dev.weft.http.Headers.of("X", "a\r\nEvil: 1"));
        assertThrows(IllegalArgumentException.class, () -> Http1Writer.requestHead("GET", "/a b", headers));
    }
}
