package dev.weft.http.server;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.EventLoop;
import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.http.Headers;
import dev.weft.http.h2.Http2ClientConnection;
import dev.weft.http.h2.Http2Headers;
import dev.weft.http.h2.Http2Options;
import dev.weft.http.h2.Http2Stream;
import dev.weft.http.h2.Http2Response;
import dev.weft.net.Streams;
import dev.weft.testing.WeftTest;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's timeouts over HTTP/2, found by a hostile-client sweep. An h2c connection (HTTP/2
 * with prior knowledge, handed over by the HTTP/1.1 reader once it has read the preface) is timed
 * by HTTP/2's rules, not by the header timeout of the HTTP/1.1 head it began as (it was reset 10 s
 * after the client's last frame, a slow response or an idle connection alike). A request body
 * trickled over HTTP/2 is held to {@code bodyMinRate} as over HTTP/1.1 (only each wait was
 * bounded: a byte every few seconds held a handler forever). In memory on the virtual clock, so
 * the timeouts fire without waiting; the server is started only for the state a connection asks
 * of it.
 */
@WeftTest
class Http2ServerTimeoutsTest {

    private static final Duration LIMIT = Duration.ofMinutes(10);

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Serves one connection of {@code app} over memory; returns the client's end of it. */
    private dev.weft.net.Connection connect(Router app, HttpServerOptions options, Task<?>[] task) throws Exception {
        server = HttpServer.start(app, "127.0.0.1", 0, options);
        Streams.MemoryPair pair = Streams.memoryPair(64 * 1024);
        task[0] = Weft.spawn(() -> {
            new HttpConnection(server, app, options, pair.b().reader(), pair.b().writer()).serve();
            return null;
        });
        return pair.a();
    }

    @Test
    void aSlowResponseOnH2cIsNotCutOffByTheHeaderTimeout() throws Exception {
        // header timeout 10 s; the handler takes a minute while the client, waiting, sends nothing
        Router app = new Router().get("/slow", req -> {
            Weft.sleep(Duration.ofSeconds(60));
            return Response.text("done");
        });
        Task<?>[] task = new Task<?>[1];
        Http2ClientConnection client = Http2ClientConnection.over(connect(app, HttpServerOptions.defaults(), task),
                "http", "example.test", Http2Options.defaults());
        try (Http2Response r = client.send("GET", "/slow", new Headers())) {
            assertEquals(200, r.status());
            assertEquals("done", r.text());
        }
        client.close();
        task[0].await(LIMIT);
    }

    @Test
    void anIdleH2cConnectionIsClosedByTheKeepAliveTimeoutWithAGoAway() throws Exception {
        Router app = new Router().get("/", req -> Response.text("hi"));
        Task<?>[] task = new Task<?>[1];
        HttpServerOptions o = HttpServerOptions.defaults().headerTimeout(Duration.ofSeconds(10))
                .keepAliveTimeout(Duration.ofSeconds(40));
        Http2ClientConnection client = Http2ClientConnection.over(connect(app, o, task), "http", "example.test",
                Http2Options.defaults());
        try (Http2Response r = client.send("GET", "/", new Headers())) {
            assertEquals("hi", r.text());
        }
        double idleFrom = EventLoop.running().time();
        task[0].await(LIMIT);
        assertEquals(40, EventLoop.running().time() - idleFrom, 1, "closed after the keep-alive timeout");
        assertFalse(client.isAcceptingStreams(), "the server said GOAWAY before it closed");
        client.close();
    }

    @Test
    void aBodyTrickledOverHttp2IsCutOffByTheMinimumRate() throws Exception {
        // one byte every 5 s: each wait is half the body timeout, only the rate (500 B/s) can end it
        Router app = new Router().post("/echo", req -> Response.bytes(req.bytes(), "text/plain"));
        Http2ServerConnectionTest.Served s = Http2ServerConnectionTest.serve(app,
                HttpServerOptions.defaults().bodyTimeout(Duration.ofSeconds(10)));
        Http2Stream r = s.client().newStream(Http2Headers.request("POST", "http", "x", "/echo", new Headers()), false);
        double began = EventLoop.running().time();
        Task<Void> answered = Weft.spawn(() -> {
            try {
                r.awaitHeaders();
            } catch (java.io.IOException reset) {
                // the stream was reset: what the server does with a body that came too slowly
            }
        });
        int sent = 0;
        while (sent < 100 && !answered.isDone()) {
            r.writeData(new byte[] {'x'}, 0, 1, false);
            sent++;
            Weft.sleep(Duration.ofSeconds(5));
        }
        answered.await(LIMIT);
        assertTrue(sent < 100, "the trickle was cut off before its 100 bytes (500 s)");
        assertNull(r.headers(), "reset, never answered");
        assertEquals(10, EventLoop.running().time() - began, 5, "cut off once the body timeout had passed");
        s.client().close();
    }

    @Test
    void aSlowButSteadyBodyOverHttp2IsServed() throws Exception {
        // 100 bytes a second against a minimum of 10: 30 s for the body, three times the body timeout
        Router app = new Router().post("/echo", req -> Response.text(Integer.toString(req.bytes().length)));
        Http2ServerConnectionTest.Served s = Http2ServerConnectionTest.serve(app,
                HttpServerOptions.defaults().bodyTimeout(Duration.ofSeconds(10)).bodyMinRate(10));
        Http2Stream r = s.client().newStream(Http2Headers.request("POST", "http", "x", "/echo", new Headers()), false);
        for (int i = 0; i < 30; i++) {
            r.writeData(new byte[100], 0, 100, i == 29);
            Weft.sleep(Duration.ofSeconds(1));
        }
        r.awaitHeaders();
        assertEquals(200, r.headers().status());
        assertEquals("3000", new String(r.inputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        s.client().close();
    }
}
