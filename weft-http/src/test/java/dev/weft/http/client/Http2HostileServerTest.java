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
 * HTTP/2 servers that misbehave, found by a hostile-server sweep, each played by our own server
 * engine on loopback: the request fails with an {@link java.io.IOException} that says what the
 * server did, is not sent again to a server that did answer, and the shared connection goes on
 * serving the requests after it.
 */
@WeftTest(virtualClock = false)
class Http2HostileServerTest {

    @RegisterExtension
    final OpenResources open = new OpenResources();

    /**
     * A server whose {@code SETTINGS_MAX_HEADER_LIST_SIZE} a request's head exceeds: a
     * {@link ClientException}, nothing sent (an {@code IllegalArgumentException} escaped
     * {@code session.get}, so a server's setting could crash a caller that handles I/O failures).
     */
    @Test
    void aRequestHeadOverTheServersHeaderListLimitIsAClientExceptionAndTheConnectionGoesOn() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        AtomicInteger streams = new AtomicInteger();
        Http2Options small = Http2Options.defaults().maxHeaderListSize(1000);
        Server server = open.keep(Streams.startServer((in, out) -> {
            connections.incrementAndGet();
            Http2Connection.server(Http2Io.of(in, out), small, stream -> {
                streams.incrementAndGet();
                byte[] body = stream.headers().path().getBytes(StandardCharsets.UTF_8);
                stream.writeHeaders(Http2Headers.response(200, new Headers()), false);
                stream.writeData(body, 0, body.length, true);
            }).serve();
        }, "127.0.0.1", 0));
        String base = "http://127.0.0.1:" + server.port();
        ClientSession s = open.keep(ClientSession.builder().http2PriorKnowledge(true).build());
        try (ClientResponse r = s.get(base + "/first")) { // fits: and the server's SETTINGS are in
            assertEquals("/first", r.text());
        }
        ClientRequest big = ClientRequest.builder("GET", base + "/big").header("x-big", "b".repeat(2000)).build();
        ClientException e = assertThrows(ClientException.class, () -> s.request(big).close());
        assertTrue(e.getMessage().contains("SETTINGS_MAX_HEADER_LIST_SIZE"), e.getMessage());
        try (ClientResponse r = s.get(base + "/after")) {
            assertEquals("/after", r.text());
        }
        assertEquals(2, streams.get(), "the oversized request was never sent");
        assertEquals(1, connections.get(), "one connection for all three");
        assertEquals(1, s.http2Connections());
    }

    /**
     * A malformed response head on a stream other than the connection's first (here a
     * {@code content-length} that is no number, which the connection answers with RST_STREAM
     * PROTOCOL_ERROR): an {@link dev.weft.http.HttpProtocolException}, as for a malformed HTTP/1.1
     * response, and the request is sent once. It was taken for a connection lost with the request
     * in flight: a GET was sent five times on the same live connection, then failed as "refused 5
     * times", hiding the cause.
     */
    @Test
    void aMalformedResponseHeadIsAProtocolErrorAndTheRequestIsNotSentAgain() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        AtomicInteger bad = new AtomicInteger();
        Server server = open.keep(Streams.startServer((in, out) -> {
            connections.incrementAndGet();
            Http2Connection.server(Http2Io.of(in, out), Http2Options.defaults(), stream -> {
                String path = stream.headers().path();
                Headers h = new Headers();
                if (path.equals("/bad")) {
                    bad.incrementAndGet();
                    h.add("content-length", "twelve");
                }
                byte[] body = path.getBytes(StandardCharsets.UTF_8);
                stream.writeHeaders(Http2Headers.response(200, h), false);
                stream.writeData(body, 0, body.length, true);
            }).serve();
        }, "127.0.0.1", 0));
        String base = "http://127.0.0.1:" + server.port();
        ClientSession s = open.keep(ClientSession.builder().http2PriorKnowledge(true).build());
        try (ClientResponse r = s.get(base + "/first")) {
            assertEquals("/first", r.text());
        }
        dev.weft.http.HttpProtocolException e = assertThrows(dev.weft.http.HttpProtocolException.class,
                () -> s.get(base + "/bad").close());
        assertTrue(e.getMessage().contains("content-length"), e.getMessage());
        assertEquals(1, bad.get(), "sent once");
        try (ClientResponse r = s.get(base + "/after")) {
            assertEquals("/after", r.text());
        }
        assertEquals(1, connections.get());
        assertEquals(1, s.http2Connections());
    }
}
