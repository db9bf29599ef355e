package dev.weft.http.server;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.http.client.ClientResponse;
import dev.weft.http.client.ClientSession;
import dev.weft.sync.Event;
import dev.weft.testing.WeftTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpServer#shutdown} with HTTP/2 connections: a GOAWAY, the streams in flight finish, the
 * connection then closes by itself, so nothing is left to cancel when the grace period ends.
 */
@WeftTest(virtualClock = false)
class Http2GracefulShutdownTest {

    @Test
    void aStreamInFlightFinishesAndTheConnectionClosesWithoutBeingCancelled() throws Exception {
        Event arrived = new Event();
        Event release = new Event();
        Router app = new Router()
                .get("/slow", req -> {
                    arrived.set();
                    release.await();
                    return Response.text("finished " + req.version());
                })
                .get("/fast", req -> Response.text("fast"));
        HttpServer server = HttpServer.start(app, "127.0.0.1", 0);
        String base = "http://127.0.0.1:" + server.port();
        try (ClientSession s = ClientSession.builder().http2PriorKnowledge(true).build()) {
            try (ClientResponse r = s.get(base + "/fast")) {
                assertEquals("HTTP/2", r.version());
            }
            Task<String> slow = Weft.spawn(() -> {
                try (ClientResponse r = s.get(base + "/slow")) {
                    return r.status() + " " + r.text();
                }
            });
            arrived.await();
            Task<Integer> shutdown = Weft.spawn(() -> server.shutdown(Duration.ofSeconds(60)));
            release.set();
            assertEquals("200 finished HTTP/2", slow.await());
            assertEquals(0, shutdown.await(), "the HTTP/2 connection drained and closed; nothing was cancelled");
            assertEquals(0, server.activeConnections());
        }
    }
}
