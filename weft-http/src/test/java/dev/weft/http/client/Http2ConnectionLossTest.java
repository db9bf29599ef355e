package dev.weft.http.client;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.http.Headers;
import dev.weft.http.h2.Http2Connection;
import dev.weft.http.h2.Http2Headers;
import dev.weft.http.h2.Http2Io;
import dev.weft.http.h2.Http2Options;
import dev.weft.net.Server;
import dev.weft.net.Streams;
import dev.weft.testing.WeftTest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A shared HTTP/2 connection that dies with a request in flight and unanswered: an idempotent
 * request goes again on a new connection (as over a reused HTTP/1.1 connection the server had
 * closed); a POST fails with {@link ServerDisconnectedException}, as over HTTP/1.1, and is never sent
 * twice. The server is a raw HTTP/2 engine on a real socket whose first connection answers
 * {@code /ok}, drops the connection on {@code /drop} once it has read the request, and on
 * {@code /drop-unread} before reading its body; later connections answer everything.
 */
@WeftTest(virtualClock = false)
class Http2ConnectionLossTest {

    @RegisterExtension
    final OpenResources open = new OpenResources();

    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger dropsSeen = new AtomicInteger();

    private Server server() throws Exception {
        return open.keep(Streams.startServer((in, out) -> {
            int n = connections.incrementAndGet();
            Http2Connection c = Http2Connection.server(Http2Io.of(in, out), Http2Options.defaults(), stream -> {
                String path = stream.headers().path();
                if (n == 1 && path.equals("/drop-unread")) {
                    dropsSeen.incrementAndGet();
                    out.abort(); // the client is still sending the body
                    return;
                }
                stream.inputStream().readAllBytes();
                if (n == 1 && path.equals("/drop")) {
                    dropsSeen.incrementAndGet();
                    out.abort(); // the connection dies with the request unanswered
                    return;
                }
                byte[] body = ("connection " + n + " " + path).getBytes(StandardCharsets.UTF_8);
                stream.writeHeaders(Http2Headers.response(200, Headers.of("content-type", "text/plain")), false);
                stream.writeData(body, 0, body.length, true);
            });
            c.serve();
        }, "127.0.0.1", 0));
    }

    private String base() throws Exception {
        return "http://127.0.0.1:" + server().port();
    }

    private ClientSession session() {
        return open.keep(ClientSession.builder().http2PriorKnowledge(true).build());
    }

    /** A first request, answered on connection 1: later streams of it are not its first. */
    private static void answered(ClientSession s, String url) throws Exception {
        try (ClientResponse r = s.get(url)) {
            assertEquals("connection 1 " + java.net.URI.create(url).getPath(), r.text());
        }
    }

    @Test
    void aConnectionsFirstStreamIsNotSentAgainWhenTheConnectionDies() throws Exception {
        String base = base();
        ClientSession s = session();
        assertThrows(ServerDisconnectedException.class, () -> s.get(base + "/drop").close());
        assertEquals(1, dropsSeen.get());
        assertEquals(1, connections.get(), "a request that may be what kills the server is not sent again");
    }

    @Test
    void anIdempotentRequestInFlightWhenTheConnectionDiesGoesAgainOnANewOne() throws Exception {
        String base = base();
        ClientSession s = session();
        answered(s, base + "/ok");
        try (ClientResponse r = s.get(base + "/drop")) {
            assertEquals("connection 2 /drop", r.text());
        }
        assertEquals(1, dropsSeen.get());
        assertEquals(2, connections.get());
    }

    @Test
    void aPostInFlightWhenTheConnectionDiesFailsAndIsNeverSentTwice() throws Exception {
        String base = base();
        ClientSession s = session();
        answered(s, base + "/ok");
        ClientRequest post = ClientRequest.builder("POST", base + "/drop").body(Body.text("data")).build();
        ServerDisconnectedException e = assertThrows(ServerDisconnectedException.class, () -> s.request(post).close());
        assertTrue(e.getMessage().contains("POST " + base + "/drop"), e.getMessage());
        assertEquals(1, dropsSeen.get());
        assertEquals(1, connections.get(), "nothing was sent again");
    }

    @Test
    void aPostWhoseConnectionDiesWhileItsBodyGoesOutFailsAndIsNeverSentTwice() throws Exception {
        String base = base();
        ClientSession s = session();
        answered(s, base + "/ok");
        // larger than the stream's initial window: the body is still going out when the connection dies
        ClientRequest post = ClientRequest.builder("POST", base + "/drop-unread")
                .body(Body.bytes(new byte[1 << 20])).build();
        assertThrows(ServerDisconnectedException.class, () -> s.request(post).close());
        assertEquals(1, dropsSeen.get());
        assertEquals(1, connections.get(), "nothing was sent again");
    }

    @Test
    void aBodyWhoseOwnSourceFailsOverHttp2FailsAsItselfAndIsNotSentAgain() throws Exception {
        String base = base();
        ClientSession s = session();
        answered(s, base + "/ok");
        java.io.IOException own = new java.io.IOException("the disk is on fire");
        java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
        Body failing = new Body("application/octet-stream") {
            @Override
            public long contentLength() {
                return 10;
            }

            @Override
            public void writeTo(java.io.OutputStream out) throws java.io.IOException {
                writes.incrementAndGet();
                out.write(new byte[5]);
                throw own;
            }
        };
        ClientRequest put = ClientRequest.builder("PUT", base + "/ok").body(failing).build();
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> s.request(put).close());
        assertSame(own, e, "the caller's own failure, not a disconnection");
        assertEquals(1, writes.get(), "an idempotent request whose body failed is not sent again");
    }
}
