package dev.weft.http.server;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.Weft;
import dev.weft.testing.WeftTest;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A request body trickled by a hostile client cannot hold its connection forever: on top of the
 * per-wait {@code bodyTimeout}, the whole body must keep up a minimum rate (Apache's
 * mod_reqtimeout). Real loopback sockets on real time (a virtual clock may jump while bytes are
 * on their way through the kernel); the pauses are the hostile client's pace, not waits for a
 * result.
 */
@WeftTest(virtualClock = false)
class BodyRateTest {

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private int start(HttpServerOptions o) throws Exception {
        server = HttpServer.start(new Router().post("/echo", req -> Response.bytes(req.bytes(), "text/plain")),
                "127.0.0.1", 0, o);
        return server.port();
    }

    /**
     * Sends a body of {@code length} bytes one byte every {@code pause}; returns how many bytes
     * went out before the server answered or hung up.
     */
    private static int trickle(Wire w, int length, Duration pause) throws IOException {
        w.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\n");
        var answered = Weft.spawn(() -> {
            try {
                w.conn.reader().awaitData(); // an answer, an end of stream or a reset
            } catch (IOException reset) {
                // hung up
            }
        });
        int sent = 0;
        while (sent < length && !answered.isDone()) {
            try {
                w.send("x");
            } catch (IOException reset) {
                break;
            }
            sent++;
            Weft.sleep(pause);
        }
        return sent;
    }

    @Test
    void aBodyOfOneBytePerPauseIsCutOffByTheMinimumRate() throws Exception {
        // each wait (300 ms) is far below the body timeout (1 s): only the rate can end it
        int port = start(HttpServerOptions.defaults().bodyTimeout(Duration.ofSeconds(1)));
        try (Wire w = new Wire(port)) {
            long began = System.nanoTime();
            int sent = trickle(w, 40, Duration.ofMillis(300));
            assertTrue(sent < 40, "the trickled body was cut off (the default minimum is 500 bytes a second)");
            assertTrue(System.nanoTime() - began < Duration.ofSeconds(10).toNanos(), "well before the trickle ends");
        }
    }

    @Test
    void aBodyThatKeepsUpTheRateIsServedHoweverLongItTakes() throws Exception {
        // about 100 bytes a second against a minimum of 10: 2 s for the body, twice the body timeout
        int port = start(HttpServerOptions.defaults().bodyTimeout(Duration.ofSeconds(1)).bodyMinRate(10));
        try (Wire w = new Wire(port)) {
            assertEquals(200, trickle(w, 200, Duration.ofMillis(10)));
            Wire.Resp r = w.read();
            assertEquals(200, r.status());
            assertEquals(200, r.body().length);
        }
    }

    @Test
    void theMinimumRateIsCountedFromTheStartOfEachBodyOnAKeptConnection() throws Exception {
        int port = start(HttpServerOptions.defaults().bodyTimeout(Duration.ofMillis(500)).bodyMinRate(100));
        try (Wire w = new Wire(port)) {
            for (int i = 0; i < 2; i++) {
                w.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
                assertEquals("abc", w.read().text());
                Weft.sleep(0.8); // idle between requests, longer than the body allowance: not body time
            }
        }
    }

    @Test
    void theMinimumRateHasADocumentedDefault() {
        assertEquals(500, HttpServerOptions.defaults().bodyMinRate());
    }
}
