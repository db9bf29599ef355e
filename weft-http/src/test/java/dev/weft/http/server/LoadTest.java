package dev.weft.http.server;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.testing.WeftTest;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Many concurrent keep-alive clients; every answer right, no connection or descriptor leaked. */
@WeftTest(virtualClock = false)
class LoadTest {

    static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    @Test
    void thousandKeepAliveClientsTimesTwentyRequests() throws Exception {
        int clients = 1000;
        int requests = 20;
        Router app = new Router().get("/n/{i}/{j}", req -> Response.text(req.pathParam("i") + "." + req.pathParam("j")))
                .post("/sum", req -> Response.text(Integer.toString(req.json().get("a").asInt() + 1)));
        int fdsBefore = openFds();
        HttpServer server = HttpServer.start(app, "127.0.0.1", 0);
        int port = server.port();
        List<Task<Integer>> tasks = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            tasks.add(Weft.spawn(() -> {
                int ok = 0;
                try (Wire w = new Wire(port)) {
                    for (int j = 0; j < requests; j++) {
                        Wire.Resp r;
                        if (j % 5 == 4) {
                            String body = "{\"a\":" + j + "}";
                            r = w.send("POST /sum HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).read();
                            if (r.text().equals(Integer.toString(j + 1))) {
                                ok++;
                            }
                        } else {
                            r = w.get("/n/" + id + "/" + j);
                            if (r.status() == 200 && r.text().equals(id + "." + j)) {
                                ok++;
                            }
                        }
                    }
                }
                return ok;
            }));
        }
        int total = 0;
        for (Task<Integer> t : tasks) {
            total += t.await();
        }
        assertEquals(clients * requests, total);
        assertEquals(clients, server.acceptedConnections(), "one connection per client: keep-alive held");
        // the clients closed; the server notices each end of stream and lets go of the connection
        Weft.withTimeout(Wire.SAFETY, () -> server.awaitConnectionsAtMost(0));
        assertEquals(0, server.activeConnections());
        server.shutdown(Duration.ofSeconds(5));
        int fdsAfter = openFds();
        assertTrue(fdsAfter <= fdsBefore, "descriptors back to where they were: " + fdsBefore + " -> " + fdsAfter);
    }
}
