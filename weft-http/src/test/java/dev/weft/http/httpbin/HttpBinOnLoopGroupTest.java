package dev.weft.http.httpbin;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.EventLoop;
import dev.weft.LoopGroup;
import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.http.client.Body;
import dev.weft.http.client.ClientResponse;
import dev.weft.http.client.ClientSession;
import dev.weft.http.server.HttpServer;
import dev.weft.http.server.HttpServerOptions;
import dev.weft.http.server.Response;
import dev.weft.http.server.Router;
import dev.weft.testing.WeftTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * httpbin as {@code ./weft serve httpbin} runs it, on a {@link LoopGroup}, asked by
 * {@link ClientSession}s on the test's loop: every loop of the group serves connections, and
 * concurrent requests of every kind come back whole. Real loopback sockets.
 */
@WeftTest(virtualClock = false)
class HttpBinOnLoopGroupTest {

    @Test
    void httpbinOnALoopGroupServesConcurrentClientsOnEveryLoop() throws Exception {
        try (LoopGroup group = new LoopGroup(2)) {
            // httpbin's routes, plus one that says which loop serves the connection
            Router r = HttpBin.router().get("/which-loop",
                    req -> Response.text(Integer.toString(System.identityHashCode(EventLoop.current()))));
            HttpServer s = HttpServer.start(r, "127.0.0.1", 0, HttpServerOptions.defaults().loops(group));
            String base = "http://127.0.0.1:" + s.port();
            try (ClientSession one = ClientSession.create(); ClientSession two = ClientSession.create()) {
                // One keep-alive connection each: the group hands them to its loops in turn.
                String loopOfOne = one.get(base + "/which-loop").text();
                String loopOfTwo = two.get(base + "/which-loop").text();
                assertNotEquals(loopOfOne, loopOfTwo, "the two connections are served by the two loops");

                List<Task<Void>> clients = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    int n = i;
                    ClientSession session = n % 2 == 0 ? one : two;
                    clients.add(Weft.spawn(() -> mixedRequests(session, base, n)));
                }
                Weft.withTimeout(Duration.ofSeconds(60), () -> Weft.gather(clients));
                assertEquals(loopOfOne, one.get(base + "/which-loop").text(), "the connection stayed on its loop");
            }
            assertEquals(0, s.shutdown(Duration.ofSeconds(5)), "no connection was left behind");
        }
    }

    /** A bit of everything httpbin does, checked. */
    private static void mixedRequests(ClientSession session, String base, int n) throws Exception {
        JsonNode get = session.get(base + "/get?n=" + n).json();
        assertEquals(Integer.toString(n), get.get("args").get("n").asText());

        JsonNode post = session.post(base + "/post", Body.json(Map.of("n", n))).json();
        assertEquals(n, post.get("json").get("n").asInt());

        try (ClientResponse redirected = session.get(base + "/redirect/2")) {
            assertEquals(200, redirected.status());
            assertEquals(2, redirected.history().size());
        }

        assertTrue(session.get(base + "/gzip").json().get("gzipped").asBoolean(), "decompressed");

        byte[] bytes = session.get(base + "/bytes/100000?seed=" + n).bytes();
        assertEquals(100_000, bytes.length);
        assertArrayEquals(bytes, session.get(base + "/bytes/100000?seed=" + n).bytes(), "seeded: the same bytes");

        int lines = 0;
        try (ClientResponse stream = session.get(base + "/stream/5")) {
            for (String line : stream.lines()) {
                assertEquals(lines, HttpBinTest.JSON.readTree(line).get("id").asInt());
                lines++;
            }
        }
        assertEquals(5, lines);

        JsonNode delayed = session.get(base + "/delay/0.05").json();
        assertNotNull(delayed.get("url"));
    }
}
