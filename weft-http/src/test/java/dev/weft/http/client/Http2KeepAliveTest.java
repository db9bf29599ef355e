package dev.weft.http.client;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.Weft;
import dev.weft.http.server.HttpServer;
import dev.weft.http.server.Response;
import dev.weft.http.server.Router;
import dev.weft.testing.WeftTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An HTTP/2 connection of a session holds one pool slot while it is open, is closed after
 * {@code keepAliveTimeout} with no stream open (GOAWAY), and gives its slot back; the next request
 * opens a new one. (Real clock: on the virtual one, the idle loop would jump past the server's
 * header timeout while the sockets are busy.)
 */
@WeftTest(virtualClock = false)
class Http2KeepAliveTest {

    @RegisterExtension
    final OpenResources open = new OpenResources();

    @Test
    void anIdleHttp2ConnectionIsClosedAfterTheKeepAliveTimeoutAndGivesItsSlotBack() throws Exception {
        HttpServer server = open.keep(HttpServer.start(new Router().get("/", req -> Response.text("hi")),
                "127.0.0.1", 0));
        String url = "http://127.0.0.1:" + server.port() + "/";
        ClientSession s = open.keep(ClientSession.builder().http2PriorKnowledge(true)
                .keepAliveTimeout(Duration.ofMillis(200)).build());
        try (ClientResponse r = s.get(url)) {
            assertEquals("hi", r.text());
        }
        assertEquals(1, s.http2Connections());
        assertEquals(1, s.pool().connectionsInUse(), "an open HTTP/2 connection holds its slot");
        Weft.withTimeout(Duration.ofSeconds(30), () -> {
            while (s.http2Connections() > 0) { // the keep-alive timer closes it
                Weft.sleep(Duration.ofMillis(20));
            }
        });
        assertEquals(0, s.pool().connectionsInUse(), "its slot was given back");
        try (ClientResponse r = s.get(url)) {
            assertEquals("HTTP/2", r.version());
        }
        assertEquals(2, s.pool().connectionsOpened());
    }
}
