package dev.weft.http.h2;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.http.Headers;
import dev.weft.testing.WeftTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What goes on the wire for a head, and a client's limit on the response heads it accepts. */
@WeftTest
class Http2HeadersTest {

    static List<String> wire(Http2Headers h) {
        List<String> out = new ArrayList<>();
        h.forEachWireField((n, v) -> out.add(n + ": " + v));
        return out;
    }

    @Test
    void aRequestHeadGoesOutLowerCasedWithPseudoFieldsFirstAndWithoutHttp1OnlyFields() {
        Headers h = new Headers().add("Host", "example.com").add("Accept", "*/*").add("Connection", "keep-alive")
                .add("Keep-Alive", "timeout=5").add("Transfer-Encoding", "chunked").add("Upgrade", "h2c")
                .add("Proxy-Connection", "x").add("TE", "gzip").add("X-Mixed-Case", "v");
        assertEquals(List.of(":method: GET", ":scheme: https", ":authority: example.com", ":path: /a?b=c",
                "accept: */*", "x-mixed-case: v"), wire(Http2Headers.request("GET", "https", null, "/a?b=c", h)),
                "Host becomes :authority; connection-specific fields and a TE other than trailers are dropped");
        assertEquals(List.of(":method: POST", ":scheme: http", ":authority: a", ":path: /", "te: trailers"),
                wire(Http2Headers.request("POST", "http", "a", "/", Headers.of("TE", "Trailers"))));
        assertEquals(List.of(":status: 204", "x-a: 1"), wire(Http2Headers.response(204, Headers.of("X-A", "1"))));
        assertEquals(List.of("grpc-status: 0"), wire(Http2Headers.trailers(Headers.of("grpc-status", "0"))));
    }

    @Test
    void incompleteRequestHeadsAreRefusedOnTheWayOut() {
        assertThrows(IllegalArgumentException.class, () -> Http2Headers.request("GET", "http", "a", "", new Headers()));
        assertThrows(IllegalArgumentException.class, () -> Http2Headers.request("GET", null, "a", "/", new Headers()));
        assertThrows(IllegalArgumentException.class, () -> Http2Headers.request("CONNECT", "http", "a:1", "/",
                new Headers()));
        assertNotNull(Http2Headers.request("CONNECT", null, "a:443", null, new Headers()));
        assertThrows(IllegalArgumentException.class, () -> Http2Headers.response(42, new Headers()));
    }

    @Test
    void aResponseHeadLargerThanTheClientsLimitResetsOnlyItsStream() throws Exception {
        MemoryPipe pipe = new MemoryPipe(64 * 1024);
        Http2Connection client = Http2Connection.client(pipe.client, Http2Options.defaults().maxHeaderListSize(4096));
        RawPeer server = new RawPeer(pipe.server);
        assertTrue(server.reader().readPreface());
        server.w.settings(Http2Settings.empty());
        server.flush();
        Task<Http2Headers> big = Weft.spawn(() -> client.newStream(Http2ConnectionTest.get("/big"), true).awaitHeaders());
        Task<Http2Headers> small = Weft.spawn(() -> client.newStream(Http2ConnectionTest.get("/small"), true)
                .awaitHeaders());
        server.expect(FrameReader.HEADERS);
        server.expect(FrameReader.HEADERS);
        server.headers(1, true, ":status", "200", "x-big", "b".repeat(10_000));
        server.headers(3, true, ":status", "200", "x-small", "s");
        RawPeer.Frame rst = server.expect(FrameReader.RST_STREAM);
        assertEquals(1, rst.stream());
        assertEquals(Http2ErrorCode.PROTOCOL_ERROR, Http2ErrorCode.of(rst.code()));
        Http2Exception e = assertThrows(Http2Exception.class, () -> {
            try {
                big.await();
            } catch (dev.weft.TaskFailedException f) {
                throw f.getCause();
            }
        });
        assertTrue(e.getMessage().contains("exceeds 4096"), e.getMessage());
        assertEquals("s", small.await().headers().get("x-small"), "the other stream is answered");
        client.close();
    }
}
