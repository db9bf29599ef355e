package dev.weft.http.client;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.LoopGroup;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The blocking facade, called from plain threads and from a task of another loop. */
class BlockingClientTest {

    private LoopGroup serverLoop;
    private TinyServer server;

    @BeforeEach
    void startServer() throws Exception {
        serverLoop = new LoopGroup(1);
        server = serverLoop.spawn(() -> TinyServer.start((req, out) -> {
            TinyServer.respond(out, 200, req.method() + " " + req.target() + " " + req.text(),
                    "Content-Type", "text/plain; charset=utf-8");
            return true;
        })).await();
    }

    @AfterEach
    void stopServer() throws Exception {
        serverLoop.spawn(() -> {
            server.close();
            return null;
        }).await();
        serverLoop.close();
    }

    @Test
    void plainThreadsShareOneEngine() throws Exception {
        try (BlockingClient http = BlockingClient.of(ClientSession.builder().limitPerHost(2))) {
            ClientResponse r = http.get(server.url("/first"));
            assertEquals(200, r.status());
            assertEquals("GET /first ", r.text());
            assertTrue(r.isReleased(), "the body was read on the engine's loop");

            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                results.add(pool.submit(() -> http.post(server.url("/p/" + n), Body.text("b" + n)).text()));
            }
            for (int i = 0; i < 20; i++) {
                assertEquals("POST /p/" + i + " b" + i, results.get(i).get());
            }
            pool.shutdown();
            assertTrue(server.accepted() <= 2, "the per-host limit holds across threads: " + server.accepted());
            assertTrue(http.session().pool().connectionsReused() >= 19);
            String streamed = http.call(s -> {
                try (ClientResponse resp = s.get(server.url("/lines"))) {
                    return resp.lines().iterator().next();
                }
            });
            assertEquals("GET /lines ", streamed);
        }
    }

    @Test
    void usableFromATaskOfAnotherLoop() throws Exception {
        try (BlockingClient http = BlockingClient.create()) {
            String text = Weft.run(() -> http.get(server.url("/from-task")).text());
            assertEquals("GET /from-task ", text);
        }
    }

    @Test
    void errorsComeOutAsTheirOwnType() throws Exception {
        try (BlockingClient http = BlockingClient.create()) {
            assertThrows(ClientConnectionException.class, () -> http.get("http://127.0.0.1:1/"));
        }
    }
}
