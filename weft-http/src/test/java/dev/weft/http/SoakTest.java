package dev.weft.http;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.LoopGroup;
import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.http.client.ClientResponse;
import dev.weft.http.client.ClientSession;
import dev.weft.http.server.HttpServer;
import dev.weft.http.server.Response;
import dev.weft.http.server.Router;
import dev.weft.testing.WeftTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Weft's client against Weft's server: 100,000 requests over 1,000 keep-alive connections. */
@WeftTest(virtualClock = false)
class SoakTest {

    static long openDescriptors() throws Exception {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void aHundredThousandRequestsOverAThousandKeepAliveConnectionsAllAnsweredNoneLeaked() throws Exception {
        int connections = 1_000;
        int perConnection = 100;
        long before = openDescriptors();
        try (LoopGroup serverLoop = new LoopGroup(1)) {
            Router router = new Router().get("/n/{i}", req -> Response.text("n=" + req.pathParam("i")));
            HttpServer server = serverLoop.loop(0).spawn(() -> HttpServer.start(router, "127.0.0.1", 0)).await();
            try (ClientSession session = ClientSession.builder().limit(connections).build()) {
                List<Task<Integer>> workers = new ArrayList<>();
                for (int w = 0; w < connections; w++) {
                    int worker = w;
                    workers.add(Weft.spawn(() -> {
                        int ok = 0;
                        for (int k = 0; k < perConnection; k++) {
                            int i = worker * perConnection + k;
                            try (ClientResponse r = session.get("http://127.0.0.1:" + server.port() + "/n/" + i)) {
                                assertEquals(200, r.status());
                                assertEquals("n=" + i, r.text());
                                ok++;
                            }
                        }
                        return ok;
                    }));
                }
                int total = Weft.gather(workers).stream().mapToInt(Integer::intValue).sum();
                assertEquals(connections * perConnection, total);
            }
            assertTrue(server.acceptedConnections() <= connections,
                    "keep-alive: " + server.acceptedConnections() + " connections for 100,000 requests");
            serverLoop.loop(0).spawn(() -> {
                server.shutdown(java.time.Duration.ofSeconds(10));
                return null;
            }).await();
            assertEquals(0, server.activeConnections(), "every connection closed");
        }
        long after = openDescriptors();
        assertTrue(after <= before, "descriptors: " + before + " before, " + after + " after");
    }
}
