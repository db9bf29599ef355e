package dev.weft.http.server;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.CancelledException;
import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.sync.Event;
import dev.weft.testing.WeftTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown in process: cancelling {@code serveForever} lets requests in flight finish
 * within the grace period, answers a head that has begun, closes idle connections, then stops.
 * (The same through SIGTERM and SIGINT on {@code ./weft serve httpbin}: {@link ServeSignalsTest}.)
 */
@WeftTest(virtualClock = false)
class GracefulShutdownTest {

    @Test
    void cancellingServeForeverFinishesTheRequestsInFlightBeforeItEnds() throws Exception {
        Event entered = new Event();
        Event release = new Event();
        Router r = new Router().get("/", req -> Response.text("home")).get("/slow", req -> {
            entered.set();
            release.await();
            return Response.text("done");
        });
        HttpServer s = HttpServer.start(r, "127.0.0.1", 0);
        Task<Void> serving = Weft.spawn(s::serveForever);
        try (Wire idle = new Wire(s.port()); Wire busy = new Wire(s.port())) {
            assertEquals("home", idle.get("/").text());
            busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            entered.await();
            serving.cancel();
            assertTrue(idle.closedByServer(), "the shutdown began: idle connections are closed at once");
            assertFalse(serving.isDone(), "serveForever waits for the request in flight");
            release.set();
            Wire.Resp done = busy.read();
            assertEquals("done", done.text());
            assertEquals("close", done.header("Connection"));
            assertTrue(busy.closedByServer());
            assertThrows(CancelledException.class, () -> Weft.withTimeout(Wire.SAFETY, () -> serving.await()));
            assertEquals(0, s.activeConnections());
        }
    }

    @Test
    void aHeadThatHasBegunWhenTheShutdownStartsIsAnswered() throws Exception {
        HttpServer s = HttpServer.start(new Router().get("/", req -> Response.text("home")), "127.0.0.1", 0);
        try (Wire w = new Wire(s.port()); Wire fresh = new Wire(s.port())) {
            assertEquals("home", w.get("/").text());
            w.send("GET / HTTP/1.1\r\n"); // the next head begins on a kept connection...
            fresh.send("GET / HTT"); // ...and the first head of a new one
            var shutdown = Weft.spawn(() -> s.shutdown(Duration.ofSeconds(10)));
            w.send("Host: x\r\n\r\n");
            fresh.send("P/1.1\r\nHost: x\r\n\r\n");
            Wire.Resp late = w.read();
            assertEquals("home", late.text());
            assertEquals("close", late.header("Connection"));
            assertEquals("home", fresh.read().text());
            assertTrue(w.closedByServer());
            assertEquals(0, (int) Weft.withTimeout(Wire.SAFETY, () -> shutdown.await()));
        }
    }

    @Test
    void aSecondCancellationEndsTheGracePeriod() throws Exception {
        Event entered = new Event();
        Router r = new Router().get("/forever", req -> {
            entered.set();
            new Event().await();
            return Response.text("never");
        });
        HttpServer s = HttpServer.start(r, "127.0.0.1", 0, HttpServerOptions.defaults());
        Task<Void> serving = Weft.spawn(s::serveForever);
        try (Wire busy = new Wire(s.port()); Wire idle = new Wire(s.port())) {
            assertEquals(404, idle.get("/").status());
            busy.send("GET /forever HTTP/1.1\r\nHost: x\r\n\r\n");
            entered.await();
            serving.cancel();
            assertTrue(idle.closedByServer(), "the first cancellation began the shutdown");
            assertFalse(serving.isDone(), "the grace period runs");
            serving.cancel(); // as a second Ctrl-C: stop now
            assertThrows(CancelledException.class, () -> Weft.withTimeout(Wire.SAFETY, () -> serving.await()));
            assertTrue(busy.closedByServer());
        }
    }
}
