package dev.weft.http.h2;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.CancelledException;
import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.http.Headers;
import dev.weft.testing.WeftTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine on both sides of an in-memory pipe: requests and responses with bodies and trailers,
 * many streams at once within the peer's concurrency limit, flow control driven by reading,
 * cancellation of one stream, GOAWAY with a graceful drain, PING, large header blocks.
 */
@WeftTest
class Http2ConnectionTest {

    static final Http2StreamHandler ECHO = stream -> {
        Http2Headers req = stream.headers();
        byte[] body = stream.inputStream().readAllBytes();
        Headers h = Headers.of("x-method", req.method(), "x-path", req.path(), "x-length", Integer.toString(body.length));
        Http2Headers trailers = stream.trailers();
        if (trailers != null) {
            h.add("x-trailer", trailers.headers().get("x-check"));
        }
        stream.writeHeaders(Http2Headers.response(200, h), false);
        stream.writeData(body, 0, body.length, false);
        stream.writeTrailers(Headers.of("x-done", "yes"));
    };

    /** Our client and our server on the two ends of a pipe. */
    record Pair(MemoryPipe pipe, Http2Connection client, Task<Void> server, Http2Connection[] serverConnection) {
    }

    static Pair pair(Http2Options options, Http2StreamHandler handler) throws IOException {
        MemoryPipe pipe = new MemoryPipe(64 * 1024);
        Http2Connection[] sc = new Http2Connection[1];
        Task<Void> server = Weft.spawn("server", () -> {
            sc[0] = Http2Connection.server(pipe.server, options, handler);
            sc[0].serve();
        });
        Http2Connection client = Http2Connection.client(pipe.client, options);
        return new Pair(pipe, client, server, sc);
    }

    static Http2Headers get(String path) {
        return Http2Headers.request("GET", "http", "localhost", path, new Headers());
    }

    static String text(Http2Stream s) throws IOException {
        return new String(s.inputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aRequestWithABodyAndTrailersGetsItsResponseWithTrailers() throws Exception {
        Pair p = pair(Http2Options.defaults(), ECHO);
        Http2Stream s = p.client.newStream(Http2Headers.request("POST", "http", "localhost", "/echo",
                Headers.of("Content-Type", "text/plain")), false);
        byte[] body = "hello, h2".getBytes(StandardCharsets.UTF_8);
        s.writeData(body, 0, body.length, false);
        s.writeTrailers(Headers.of("X-Check", "42"));
        Http2Headers r = s.awaitHeaders();
        assertEquals(200, r.status());
        assertEquals("POST", r.headers().get("x-method"));
        assertEquals("/echo", r.headers().get("x-path"));
        assertEquals("9", r.headers().get("x-length"));
        assertEquals("42", r.headers().get("x-trailer"), "request trailers reach the handler");
        assertEquals("hello, h2", text(s));
        assertEquals("yes", s.trailers().headers().get("x-done"));
        assertEquals(Http2Stream.State.CLOSED, s.state());
        assertEquals(0, p.client.activeStreams());
        p.client.close();
        p.server.await();
        assertNull(p.serverConnection[0].failure(), "the server saw a clean close");
    }

    @Test
    void aThousandConcurrentRequestsShareOneConnectionWithinTheServersLimit() throws Exception {
        Http2Options options = Http2Options.defaults().maxConcurrentStreams(50);
        int[] running = {0, 0};
        Pair p = pair(options, stream -> {
            running[0]++;
            running[1] = Math.max(running[1], running[0]);
            try {
                Weft.sleep(Duration.ofMillis(10));
                byte[] b = ("answer to " + stream.headers().path()).getBytes(StandardCharsets.UTF_8);
                stream.writeHeaders(Http2Headers.response(200, new Headers()), false);
                stream.writeData(b, 0, b.length, true);
            } finally {
                running[0]--;
            }
        });
        List<Task<String>> tasks = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String path = "/r/" + i;
            tasks.add(Weft.spawn(() -> {
                Http2Stream s = p.client.newStream(get(path), true);
                assertEquals(200, s.awaitHeaders().status());
                return text(s);
            }));
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals("answer to /r/" + i, tasks.get(i).await());
        }
        assertEquals(50, running[1], "never more than SETTINGS_MAX_CONCURRENT_STREAMS at once, and that many");
        assertEquals(50, p.client.peerMaxConcurrentStreams());
        p.client.close();
    }

    @Test
    void cancellingTheTaskThatAwaitsAResponseResetsOnlyItsStream() throws Exception {
        dev.weft.Future<String> handlerOutcome = new dev.weft.Future<>();
        Pair p = pair(Http2Options.defaults(), stream -> {
            if (stream.headers().path().equals("/slow")) {
                try {
                    Weft.sleep(Duration.ofHours(1));
                } catch (CancelledException e) {
                    handlerOutcome.setResult("cancelled");
                    throw e;
                }
            }
            ECHO.handle(stream);
        });
        Task<Http2Headers> slow = Weft.spawn(() -> p.client.newStream(get("/slow"), true).awaitHeaders());
        Http2Stream other = p.client.newStream(get("/fast"), true);
        Weft.sleep(Duration.ofSeconds(1));
        slow.cancel();
        assertThrows(CancelledException.class, slow::await);
        assertEquals("cancelled", handlerOutcome.await(), "the server's handler of that stream was cancelled");
        assertEquals(200, other.awaitHeaders().status(), "the other stream is served");
        Http2Stream after = p.client.newStream(get("/after"), true);
        assertEquals(200, after.awaitHeaders().status(), "and the connection takes new ones");
        assertEquals(Http2Connection.State.OPEN, p.client.state());
        p.client.close();
    }

    @Test
    void aSlowReaderHoldsBackOnlyItsOwnStream() throws Exception {
        int big = 4 * 1024 * 1024;
        Http2Options options = Http2Options.defaults();
        Pair p = pair(options, stream -> {
            byte[] body = new byte[big];
            stream.writeHeaders(Http2Headers.response(200, new Headers()), false);
            stream.writeData(body, 0, body.length, true);
        });
        Http2Stream ignored = p.client.newStream(get("/never-read"), true);
        ignored.awaitHeaders();
        Http2Stream read = p.client.newStream(get("/read"), true);
        assertEquals(big, read.inputStream().readAllBytes().length, "4 MB through while the other stream is stuck");
        assertTrue(ignored.bufferedInbound() <= options.initialWindowSize(),
                "the unread stream buffers at most its window: " + ignored.bufferedInbound());
        assertEquals(big, ignored.inputStream().readAllBytes().length, "reading it releases the rest");
        p.client.close();
    }

    @Test
    void windowUpdatesFollowWhatTheApplicationReads() throws Exception {
        Http2Options options = Http2Options.defaults().initialWindowSize(65_535);
        Http2Stream[] serverStream = new Http2Stream[1];
        dev.weft.Future<Void> wrote = new dev.weft.Future<>();
        Pair p = pair(options, stream -> {
            serverStream[0] = stream;
            byte[] body = new byte[200_000];
            stream.writeHeaders(Http2Headers.response(200, new Headers()), false);
            stream.writeData(body, 0, body.length, true);
            wrote.setResult(null);
        });
        Http2Stream s = p.client.newStream(get("/"), true);
        s.awaitHeaders();
        Weft.sleep(Duration.ofSeconds(1)); // let everything that may flow, flow
        assertEquals(65_535, s.bufferedInbound(), "the client buffers exactly one window");
        assertEquals(0, serverStream[0].sendWindow(), "the server's writer waits for the client to read");
        assertFalse(wrote.isDone());
        byte[] chunk = new byte[40_000];
        assertEquals(40_000, s.read(chunk, 0, chunk.length));
        Weft.sleep(Duration.ofSeconds(1));
        assertEquals(65_535, s.bufferedInbound(), "reading 40 KB reopened the window by 40 KB");
        assertEquals(200_000 - 40_000, s.inputStream().readAllBytes().length);
        wrote.await();
        p.client.close();
    }

    @Test
    void aGracefulShutdownFinishesStreamsInFlightAndRefusesNewOnes() throws Exception {
        dev.weft.Future<Void> release = new dev.weft.Future<>();
        Pair p = pair(Http2Options.defaults(), stream -> {
            release.await();
            ECHO.handle(stream);
        });
        Http2Stream inFlight = p.client.newStream(get("/in-flight"), true);
        Weft.sleep(Duration.ofSeconds(1));
        Task<Void> shutdown = Weft.spawn(() -> p.serverConnection[0].shutdown(Duration.ofMinutes(1)));
        Weft.sleep(Duration.ofSeconds(1));
        assertFalse(p.client.isAcceptingStreams(), "the client saw GOAWAY");
        Http2Exception refused = assertThrows(Http2Exception.class, () -> p.client.newStream(get("/late"), true));
        assertTrue(refused.isRetryable());
        release.setResult(null);
        assertEquals(200, inFlight.awaitHeaders().status(), "the stream in flight was served");
        assertEquals("", text(inFlight));
        shutdown.await();
        p.server.await();
        p.client.awaitClosed();
        assertNull(p.client.failure(), "a clean end");
    }

    @Test
    void aGoAwayFailsStreamsAboveItsLastIdAsRetryable() throws Exception {
        MemoryPipe pipe = new MemoryPipe(64 * 1024);
        Http2Connection client = Http2Connection.client(pipe.client, Http2Options.defaults());
        RawPeer server = new RawPeer(pipe.server);
        assertTrue(server.reader().readPreface());
        server.w.settings(Http2Settings.empty());
        server.flush();
        List<Task<Http2Headers>> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tasks.add(Weft.spawn(() -> client.newStream(get("/"), true).awaitHeaders()));
        }
        Weft.sleep(Duration.ofSeconds(1));
        server.w.goAway(3, Http2ErrorCode.NO_ERROR, new byte[0]);
        server.headers(1, true, ":status", "200");
        server.headers(3, true, ":status", "204");
        for (int i = 0; i < 5; i++) {
            Task<Http2Headers> t = tasks.get(i);
            if (i < 2) {
                assertTrue(t.await().status() >= 200, "streams 1 and 3 were accepted and answered");
            } else {
                Http2Exception e = assertThrows(Http2Exception.class, () -> {
                    try {
                        t.await();
                    } catch (dev.weft.TaskFailedException f) {
                        throw f.getCause();
                    }
                });
                assertTrue(e.isRetryable(), "stream above the GOAWAY's last id: " + e.getMessage());
            }
        }
        client.awaitClosed();
    }

    @Test
    void pingMeasuresARoundTrip() throws Exception {
        Pair p = pair(Http2Options.defaults(), ECHO);
        assertNotNull(p.client.ping());
        p.client.close();
    }

    @Test
    void largeHeaderBlocksTravelInContinuationFrames() throws Exception {
        Pair p = pair(Http2Options.defaults(), stream -> {
            String cookie = stream.headers().headers().get("cookie");
            stream.writeHeaders(Http2Headers.response(200, Headers.of("x-cookie-length",
                    Integer.toString(cookie.length()), "x-big", "b".repeat(30_000))), true);
        });
        String cookie = "c=" + "a".repeat(40_000);
        Http2Stream s = p.client.newStream(Http2Headers.request("GET", "http", "localhost", "/",
                Headers.of("Cookie", cookie)), true);
        Http2Headers r = s.awaitHeaders();
        assertEquals(Integer.toString(cookie.length()), r.headers().get("x-cookie-length"));
        assertEquals(30_000, r.headers().get("x-big").length());
        p.client.close();
    }

    @Test
    void anIdleConnectionIsClosedGracefullyAfterTheIdleTimeoutButNotWhileAStreamIsOpen() throws Exception {
        Http2Options options = Http2Options.defaults().idleTimeout(Duration.ofMinutes(1));
        Pair p = pair(options, stream -> {
            Weft.sleep(Duration.ofMinutes(5)); // a long request keeps the connection busy
            ECHO.handle(stream);
        });
        double start = dev.weft.EventLoop.running().time();
        Http2Stream s = p.client.newStream(get("/long"), true);
        assertEquals(200, s.awaitHeaders().status());
        text(s);
        assertEquals(Http2Connection.State.OPEN, p.client.state(), "busy for five minutes, yet open");
        p.server.await();
        p.client.awaitClosed();
        double closedAt = dev.weft.EventLoop.running().time() - start;
        assertEquals(6, closedAt / 60, 0.05, "closed a minute after the last stream ended");
        assertNull(p.serverConnection[0].failure(), "a graceful close");
        assertFalse(p.client.isAcceptingStreams());
    }
}
