package dev.weft.http.client;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.http.Headers;
import dev.weft.http.HttpLimits;
import dev.weft.http.codec.Http1Parser;
import dev.weft.http.h2.Http2Connection;
import dev.weft.http.h2.Http2Headers;
import dev.weft.http.h2.Http2Io;
import dev.weft.http.h2.Http2Options;
import dev.weft.net.Server;
import dev.weft.net.Streams;
import dev.weft.testing.WeftTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ClientResponse#trailers()}: the fields a server sends after the body, over a chunked
 * HTTP/1.1 body and over HTTP/2, from raw servers on real sockets; none before the body is read.
 */
@WeftTest(virtualClock = false)
class ResponseTrailersTest {

    @RegisterExtension
    final OpenResources open = new OpenResources();

    @Test
    void aChunkedHttp11BodysTrailerSectionIsThereOnceTheBodyIsRead() throws Exception {
        Server server = open.keep(Streams.startServer((in, out) -> {
            Http1Parser.readRequestHead(in, HttpLimits.defaults());
            out.write(("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
                    + "5\r\nhello\r\n0\r\nX-Checksum: abc123\r\nX-Count: 1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.drain();
        }, "127.0.0.1", 0));
        ClientSession s = open.keep(ClientSession.create());
        try (ClientResponse r = s.get("http://127.0.0.1:" + server.port() + "/")) {
            assertTrue(r.trailers().isEmpty(), "no trailers before the body is read");
            assertEquals("hello", r.text());
            assertEquals("abc123", r.trailers().get("x-checksum"));
            assertEquals("1", r.trailers().get("X-Count"));
        }
    }

    @Test
    void aFixedLengthBodyHasNoTrailers() throws Exception {
        Server server = open.keep(Streams.startServer((in, out) -> {
            Http1Parser.readRequestHead(in, HttpLimits.defaults());
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
            out.drain();
        }, "127.0.0.1", 0));
        ClientSession s = open.keep(ClientSession.create());
        try (ClientResponse r = s.get("http://127.0.0.1:" + server.port() + "/")) {
            assertEquals("ok", r.text());
            assertTrue(r.trailers().isEmpty());
        }
    }

    @Test
    void http2TrailersAreThereOnceTheBodyIsRead() throws Exception {
        Server server = open.keep(Streams.startServer((in, out) -> {
            Http2Connection c = Http2Connection.server(Http2Io.of(in, out), Http2Options.defaults(), stream -> {
                byte[] body = "hello over h2".getBytes(StandardCharsets.UTF_8);
                stream.writeHeaders(Http2Headers.response(200, Headers.of("content-type", "text/plain")), false);
                stream.writeData(body, 0, body.length, false);
                stream.writeTrailers(Headers.of("grpc-status", "0", "x-checksum", "abc123"));
            });
            c.serve();
        }, "127.0.0.1", 0));
        ClientSession s = open.keep(ClientSession.builder().http2PriorKnowledge(true).build());
        try (ClientResponse r = s.get("http://127.0.0.1:" + server.port() + "/")) {
            assertEquals("HTTP/2", r.version());
            assertEquals("hello over h2", r.text());
            assertEquals("0", r.trailers().get("grpc-status"));
            assertEquals("abc123", r.trailers().get("x-checksum"));
        }
    }
}
