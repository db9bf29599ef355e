package dev.weft.http.client;

import static dev.weft.http.client.TinyServer.respond;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.testing.WeftTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ClientSession#preconnect}: connections opened ahead of their requests wait idle in the
 * pool and carry the requests that follow; the server is the witness (connections accepted,
 * requests seen).
 */
@WeftTest(virtualClock = false)
class PreconnectTest {

    @RegisterExtension
    final OpenResources open = new OpenResources();

    @Test
    void preconnectedConnectionsWaitIdleAndCarryTheRequestsThatFollow() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        TinyServer server = open.keep(TinyServer.start((req, out) -> {
            requests.incrementAndGet();
            respond(out, 200, "ok " + req.target());
            return true;
        }));
        ClientSession s = open.keep(ClientSession.create());
        List<Task<Boolean>> opening = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            opening.add(Weft.spawn(() -> s.preconnect(server.url("/ignored/path"))));
        }
        for (Task<Boolean> t : opening) {
            assertTrue(t.await());
        }
        assertEquals(3, s.pool().idleConnections());
        assertEquals(3, s.pool().connectionsOpened());
        assertEquals(0, requests.get(), "a preconnected connection sends nothing");

        List<Task<String>> gets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String path = "/" + i;
            gets.add(Weft.spawn(() -> {
                try (ClientResponse r = s.get(server.url(path))) {
                    return r.text();
                }
            }));
        }
        for (int i = 0; i < 3; i++) {
            assertEquals("ok /" + i, gets.get(i).await());
        }
        assertEquals(3, s.pool().connectionsOpened(), "the three requests went on the three open connections");
        assertEquals(3, server.accepted());
        assertEquals(3, requests.get());
    }

    @Test
    void nothingIsOpenedForAnOriginReachedOverHttp2() throws Exception {
        TinyServer server = open.keep(TinyServer.start((req, out) -> {
            respond(out, 200, "ok");
            return true;
        }));
        ClientSession h2c = open.keep(ClientSession.builder().http2PriorKnowledge(true).build());
        assertFalse(h2c.preconnect(server.url("/")), "one HTTP/2 connection carries every request: the first opens it");
        assertEquals(0, h2c.pool().connectionsOpened());
        assertEquals(0, server.accepted());
    }

    @Test
    void anUnreachableOriginFailsAsARequestWouldAndLeavesNothingInThePool() throws Exception {
        int port;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        ClientSession s = open.keep(ClientSession.create());
        assertThrows(ClientConnectionException.class, () -> s.preconnect("http://127.0.0.1:" + port + "/"));
        assertEquals(0, s.pool().idleConnections());
        assertEquals(0, s.pool().connectionsInUse(), "the slot was given back");
    }
}
