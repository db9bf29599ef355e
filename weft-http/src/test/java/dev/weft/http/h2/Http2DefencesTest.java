package dev.weft.http.h2;

import static dev.weft.http.h2.Http2ErrorCode.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.weft.CancelledException;
import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.http.Headers;
import dev.weft.testing.WeftTest;
import java.io.IOException;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * A server connection against a hand-driven hostile client: each attack of the last years is
 * refused with the right code after bounded work, and each misuse of stream ids, flow control
 * or header rules gets the error RFC 9113 gives it. On the virtual clock: time-based defences
 * fire without waiting.
 */
@WeftTest
class Http2DefencesTest {

    /** Every wait of a test is bounded: on the virtual clock a hang becomes a failure at once. */
    static final Duration LIMIT = Duration.ofMinutes(5);

    static final Http2StreamHandler OK = stream -> {
        stream.inputStream().readAllBytes();
        stream.writeHeaders(Http2Headers.response(200, Headers.of("x-path", stream.headers().path())), true);
    };

    /** A server under test and the raw client attacking it. */
    record Setup(Http2Connection[] server, Task<Void> serverTask, RawPeer peer, MemoryPipe pipe) {
        Http2Connection connection() {
            return server[0];
        }
    }

    static Setup serve(Http2Options options, Http2StreamHandler handler) throws IOException {
        MemoryPipe pipe = new MemoryPipe(64 * 1024);
        Http2Connection[] sc = new Http2Connection[1];
        Task<Void> t = Weft.spawn("server", () -> {
            sc[0] = Http2Connection.server(pipe.server, options, handler);
            sc[0].serve();
        });
        RawPeer peer = new RawPeer(pipe.client);
        peer.startAsClient(Http2Settings.empty());
        RawPeer.Frame settings = peer.next();
        assertEquals(FrameReader.SETTINGS, settings.type());
        peer.w.settingsAck();
        peer.flush();
        return new Setup(sc, t, peer, pipe);
    }

    /** Sleeps for an hour, except on {@code /still}, which it answers. */
    static final Http2StreamHandler STUCK = stream -> {
        if (!stream.headers().path().equals("/still")) {
            Weft.sleep(Duration.ofHours(1));
        }
        OK.handle(stream);
    };

    static Setup serve() throws IOException {
        return serve(Http2Options.defaults(), OK);
    }

    static void assertGoAway(Setup s, Http2ErrorCode code) throws IOException {
        RawPeer.Frame g = s.peer().goAway();
        assertEquals(code, Http2ErrorCode.of(g.code()), "GOAWAY: " + g);
        s.serverTask().await(LIMIT);
    }

    static void assertReset(Setup s, int stream, Http2ErrorCode code) throws IOException {
        RawPeer.Frame r = s.peer().expect(FrameReader.RST_STREAM);
        assertEquals(stream, r.stream(), r.toString());
        assertEquals(code, Http2ErrorCode.of(r.code()), r.toString());
    }

    static void assertStillServes(Setup s, int stream) throws IOException {
        s.peer().get(stream, "/still");
        RawPeer.Frame h = s.peer().expect(FrameReader.HEADERS);
        assertEquals(stream, h.stream());
        assertTrue(h.fields().contains(":status: 200"), h.toString());
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    // ------------------------------------------------------------------ rapid reset (CVE-2023-44487)

    @Test
    void rapidResetEndsInEnhanceYourCalmAndNeverRunsMoreHandlersThanTheLimit() throws Exception {
        Setup s = serve(Http2Options.defaults(), stream -> Weft.sleep(Duration.ofHours(1)));
        for (int i = 0; i < 1000; i++) {
            int id = 2 * i + 1;
            byte[] b = s.peer().block(":method", "GET", ":scheme", "http", ":authority", "x", ":path", "/" + i);
            s.peer().w.headers(id, b, b.length, true, 16_384);
            s.peer().w.rstStream(id, CANCEL);
        }
        s.peer().flush();
        RawPeer.Frame g = s.peer().goAway();
        assertEquals(ENHANCE_YOUR_CALM, Http2ErrorCode.of(g.code()), g.toString());
        assertTrue(g.text().contains("rapid reset"), g.text());
        assertTrue(s.connection().maxConcurrentHandlersSeen() <= 100, "handlers at once: "
                + s.connection().maxConcurrentHandlersSeen());
        s.serverTask().await(LIMIT);
    }

    @Test
    void handlersOfResetStreamsStillCountSoResettingBuysNoConcurrency() throws Exception {
        // resets allowed without limit: the bound on handlers is what holds
        Http2Options o = Http2Options.defaults().maxConcurrentStreams(10).maxResetsPerWindow(1_000_000,
                Duration.ofSeconds(1));
        Setup s = serve(o, stream -> {
            if (stream.headers().path().startsWith("/slow")) {
                try {
                    Weft.sleep(Duration.ofHours(1));
                } catch (CancelledException e) {
                    Weft.sleep(Duration.ofSeconds(10)); // a handler slow to unwind
                    throw e;
                }
            }
            OK.handle(stream);
        });
        for (int i = 0; i < 10; i++) {
            s.peer().get(2 * i + 1, "/slow");
        }
        Weft.sleep(Duration.ofMillis(1)); // the ten handlers are running
        for (int i = 0; i < 10; i++) {
            s.peer().w.rstStream(2 * i + 1, CANCEL);
        }
        s.peer().flush();
        for (int i = 10; i < 20; i++) {
            s.peer().get(2 * i + 1, "/new");   // allowed by the protocol: the reset streams are closed
        }
        s.peer().get(41, "/one-too-many");
        assertReset(s, 41, REFUSED_STREAM);
        double before = dev.weft.EventLoop.running().time();
        for (int i = 10; i < 20; i++) {
            RawPeer.Frame h = s.peer().expect(FrameReader.HEADERS);
            assertTrue(h.fields().contains(":status: 200"), h.toString());
        }
        assertEquals(10, dev.weft.EventLoop.running().time() - before, 0.5,
                "the new streams waited for the reset streams' handlers to end");
        assertEquals(10, s.connection().maxConcurrentHandlersSeen(), "never more than ten handlers at once");
    }

    @Test
    void aFewResetsAreFine() throws Exception {
        Setup s = serve(Http2Options.defaults(), stream -> Weft.sleep(Duration.ofHours(1)));
        for (int i = 0; i < 50; i++) {
            s.peer().get(2 * i + 1, "/");
            s.peer().w.rstStream(2 * i + 1, CANCEL);
        }
        s.peer().w.ping(false, 99);
        s.peer().flush();
        RawPeer.Frame pong = s.peer().expect(FrameReader.PING);
        assertEquals(99, pong.code(), "the connection is alive");
    }

    // ------------------------------------------------------------------ CONTINUATION flood (2024)

    @Test
    void aContinuationFloodIsCutOffWithEnhanceYourCalmAfterReadingLittle() throws Exception {
        Setup s = serve();
        byte[] b = s.peer().block(":method", "GET", ":scheme", "http");
        s.peer().raw(FrameReader.HEADERS, 0, 1, b);
        for (int i = 0; i < 100_000; i++) {
            s.peer().w.raw(FrameReader.CONTINUATION, 0, 1, new byte[0]);
        }
        Task<RawPeer> flood = Weft.spawn(() -> s.peer().flush()); // 900 KB: more than the pipe holds
        assertGoAway(s, ENHANCE_YOUR_CALM);
        assertTrue(s.pipe().server.totalRead < 128 * 1024, "read " + s.pipe().server.totalRead + " bytes of 900 KB");
        flood.cancel();
    }

    @Test
    void aHugeHeaderBlockIsCutOffBeforeItIsDecoded() throws Exception {
        Setup s = serve();
        byte[] huge = s.peer().block(":method", "GET", ":scheme", "http", ":path", "/", "x-a", "a".repeat(300_000));
        s.peer().w.headers(1, huge, huge.length, true, 16_384);
        Task<RawPeer> send = Weft.spawn(() -> s.peer().flush());
        assertGoAway(s, ENHANCE_YOUR_CALM);
        send.cancel();
    }

    // ------------------------------------------------------------------ HPACK bombs

    @Test
    void aHeaderListBombGets431AndTheConnectionGoesOn() throws Exception {
        Setup s = serve();
        // one 4 KB field in the dynamic table, then referenced 1,000 times: 4 MB once expanded
        java.io.ByteArrayOutputStream block = new java.io.ByteArrayOutputStream();
        s.peer().encoder.beginBlock(block);
        for (String[] f : new String[][] {{":method", "GET"}, {":scheme", "http"}, {":authority", "x"}, {":path", "/"}}) {
            s.peer().encoder.encode(f[0], f[1], block);
        }
        for (int i = 0; i < 1000; i++) {
            s.peer().encoder.encode("x-bomb", "b".repeat(4000), block);
        }
        byte[] b = block.toByteArray();
        assertTrue(b.length < 10_000, "the block is small: " + b.length);
        s.peer().w.headers(1, b, b.length, true, 16_384);
        s.peer().flush();
        RawPeer.Frame h = s.peer().expect(FrameReader.HEADERS);
        assertTrue(h.fields().contains(":status: 431"), h.toString());
        assertTrue(h.endStream());
        assertStillServes(s, 3);
    }

    @Test
    void aTableSizeUpdateAboveOurLimitIsACompressionError() throws Exception {
        Setup s = serve();
        s.peer().raw(FrameReader.HEADERS, FrameReader.FLAG_END_HEADERS | FrameReader.FLAG_END_STREAM, 1,
                hex("3fe21f 82 86 84")); // size update to 4097 (limit 4096)
        assertGoAway(s, COMPRESSION_ERROR);
    }

    @Test
    void aBadHpackIndexIsACompressionError() throws Exception {
        Setup s = serve();
        s.peer().raw(FrameReader.HEADERS, FrameReader.FLAG_END_HEADERS | FrameReader.FLAG_END_STREAM, 1, hex("82 86 ff00"));
        assertGoAway(s, COMPRESSION_ERROR);
    }

    // ------------------------------------------------------------------ SETTINGS and PING floods

    @Test
    void aPingFloodFromAPeerThatDoesNotReadIsCutOff() throws Exception {
        Setup s = serve(Http2Options.defaults().maxQueuedControlFrames(1000), OK);
        for (int i = 0; i < 50_000; i++) {
            s.peer().w.ping(false, i);
        }
        Task<RawPeer> flood = Weft.spawn(() -> s.peer().flush());
        s.serverTask().await(LIMIT);
        Http2Exception e = (Http2Exception) s.connection().failure();
        assertEquals(ENHANCE_YOUR_CALM, e.errorCode(), e.getMessage());
        assertTrue(s.pipe().server.totalRead < 50_000 * 17, "the server stopped reading: " + s.pipe().server.totalRead);
        long answersReadable = 0;
        try {
            while (s.peer().next() != null) {
                answersReadable++;
            }
        } catch (java.io.EOFException cut) {
            // the server reset the connection: the last frame in flight may be cut
        }
        assertTrue(answersReadable < 64 * 1024 / 17 + 1100, "what the server buffered for us is bounded: "
                + answersReadable + " frames");
        flood.cancel();
    }

    @Test
    void aSettingsFloodFromAPeerThatDoesNotReadIsCutOff() throws Exception {
        Setup s = serve(Http2Options.defaults().maxQueuedControlFrames(1000), OK);
        for (int i = 0; i < 50_000; i++) {
            s.peer().w.settings(Http2Settings.empty().set(Http2Settings.INITIAL_WINDOW_SIZE, 1000 + i % 7));
        }
        Task<RawPeer> flood = Weft.spawn(() -> s.peer().flush());
        s.serverTask().await(LIMIT);
        assertEquals(ENHANCE_YOUR_CALM, ((Http2Exception) s.connection().failure()).errorCode());
        flood.cancel();
    }

    @Test
    void pingsFromAPeerThatReadsAreAnswered() throws Exception {
        Setup s = serve(Http2Options.defaults().maxQueuedControlFrames(10), OK);
        for (int i = 0; i < 100; i++) {
            s.peer().w.ping(false, i);
            s.peer().flush();
            assertEquals(i, s.peer().expect(FrameReader.PING).code());
        }
        assertStillServes(s, 1);
    }

    @Test
    void emptyDataFramesInARowAreCutOff() throws Exception {
        Setup s = serve(Http2Options.defaults(), stream -> Weft.sleep(Duration.ofHours(1)));
        s.peer().headers(1, false, ":method", "POST", ":scheme", "http", ":authority", "x", ":path", "/");
        for (int i = 0; i < 200; i++) {
            s.peer().w.data(1, new byte[0], 0, 0, false);
        }
        s.peer().flush();
        assertGoAway(s, ENHANCE_YOUR_CALM);
    }

    // ------------------------------------------------------------------ zero-window stall

    @Test
    void aPeerThatKeepsItsWindowShutGetsTheStreamResetAfterTheWriteTimeout() throws Exception {
        Task<?>[] handler = new Task<?>[1];
        Exception[] handlerFailure = new Exception[1];
        MemoryPipe pipe = new MemoryPipe(64 * 1024);
        Http2Connection[] sc = new Http2Connection[1];
        Task<Void> t = Weft.spawn(() -> {
            sc[0] = Http2Connection.server(pipe.server, Http2Options.defaults(), stream -> {
                handler[0] = Task.current();
                byte[] big = new byte[1 << 20];
                stream.writeHeaders(Http2Headers.response(200, new Headers()), false);
                try {
                    stream.writeData(big, 0, big.length, true);
                } catch (IOException e) {
                    handlerFailure[0] = e;
                    throw e;
                }
            });
            sc[0].serve();
        });
        RawPeer peer = new RawPeer(pipe.client);
        peer.startAsClient(Http2Settings.empty().set(Http2Settings.INITIAL_WINDOW_SIZE, 0));
        peer.expect(FrameReader.SETTINGS);
        peer.w.settingsAck();
        peer.get(1, "/big");
        double before = dev.weft.EventLoop.running().time();
        assertTrue(peer.expect(FrameReader.HEADERS).fields().contains(":status: 200"));
        RawPeer.Frame r = peer.expect(FrameReader.RST_STREAM);
        assertEquals(CANCEL, Http2ErrorCode.of(r.code()));
        double waited = dev.weft.EventLoop.running().time() - before;
        assertEquals(30, waited, 0.5, "reset after the 30 s write timeout");
        assertNotNull(handlerFailure[0]);
        assertTrue(handlerFailure[0].getMessage().contains("window"), handlerFailure[0].getMessage());
        handler[0].await(LIMIT);
        peer.get(3, "/big");
        assertTrue(peer.expect(FrameReader.HEADERS).fields().contains(":status: 200"), "the connection still serves");
        t.cancel();
    }

    // ------------------------------------------------------------------ stream ids

    @Test
    void anEvenStreamIdFromAClientIsAProtocolError() throws Exception {
        Setup s = serve();
        s.peer().get(2, "/");
        assertGoAway(s, PROTOCOL_ERROR);
    }

    @Test
    void aStreamIdLowerThanThePreviousIsAProtocolError() throws Exception {
        Setup s = serve();
        s.peer().get(5, "/");
        s.peer().expect(FrameReader.HEADERS);
        s.peer().get(3, "/");
        assertGoAway(s, PROTOCOL_ERROR);
    }

    @Test
    void framesOnIdleStreamsAreProtocolErrors() throws Exception {
        Setup a = serve();
        a.peer().data(1, "x", true);
        assertGoAway(a, PROTOCOL_ERROR);
        Setup b = serve();
        b.peer().w.windowUpdate(3, 100);
        b.peer().flush();
        assertGoAway(b, PROTOCOL_ERROR);
        Setup c = serve();
        c.peer().w.rstStream(5, CANCEL);
        c.peer().flush();
        assertGoAway(c, PROTOCOL_ERROR);
    }

    @Test
    void headersOnAClosedStreamIsStreamClosed() throws Exception {
        Setup s = serve();
        s.peer().get(1, "/");
        s.peer().expect(FrameReader.HEADERS);
        s.peer().get(1, "/");
        assertGoAway(s, STREAM_CLOSED);
    }

    @Test
    void dataAfterEndStreamIsAStreamErrorStreamClosed() throws Exception {
        Setup s = serve(Http2Options.defaults(), STUCK);
        s.peer().get(1, "/");
        s.peer().data(1, "late", false);
        assertReset(s, 1, STREAM_CLOSED);
        assertStillServes(s, 3);
    }

    @Test
    void streamsBeyondTheConcurrencyLimitAreRefused() throws Exception {
        Setup s = serve(Http2Options.defaults().maxConcurrentStreams(2), stream -> Weft.sleep(Duration.ofHours(1)));
        s.peer().get(1, "/");
        s.peer().get(3, "/");
        s.peer().get(5, "/");
        assertReset(s, 5, REFUSED_STREAM);
    }

    @Test
    void theFirstFrameMustBeSettings() throws Exception {
        MemoryPipe pipe = new MemoryPipe(64 * 1024);
        Task<Void> t = Weft.spawn(() -> Http2Connection.server(pipe.server, Http2Options.defaults(), OK).serve());
        RawPeer peer = new RawPeer(pipe.client);
        peer.w.preface();
        peer.w.ping(false, 1);
        peer.flush();
        assertEquals(PROTOCOL_ERROR, Http2ErrorCode.of(peer.goAway().code()));
        t.await(LIMIT);
    }

    @Test
    void somethingOtherThanThePrefaceIsAProtocolError() throws Exception {
        MemoryPipe pipe = new MemoryPipe(64 * 1024);
        Task<Void> t = Weft.spawn(() -> Http2Connection.server(pipe.server, Http2Options.defaults(), OK).serve());
        RawPeer peer = new RawPeer(pipe.client);
        pipe.client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(), 0, 27);
        assertEquals(PROTOCOL_ERROR, Http2ErrorCode.of(peer.goAway().code()));
        t.await(LIMIT);
    }

    @Test
    void unacknowledgedSettingsTimeOut() throws Exception {
        MemoryPipe pipe = new MemoryPipe(64 * 1024);
        Task<Void> t = Weft.spawn(() -> Http2Connection.server(pipe.server, Http2Options.defaults(), OK).serve());
        RawPeer peer = new RawPeer(pipe.client);
        peer.startAsClient(Http2Settings.empty()); // and never acknowledges the server's
        double before = dev.weft.EventLoop.running().time();
        assertEquals(SETTINGS_TIMEOUT, Http2ErrorCode.of(peer.goAway().code()));
        assertEquals(10, dev.weft.EventLoop.running().time() - before, 0.5);
        t.await(LIMIT);
    }

    // ------------------------------------------------------------------ flow control

    @Test
    void dataBeyondTheStreamWindowIsAStreamFlowControlError() throws Exception {
        Setup s = serve(Http2Options.defaults().initialWindowSize(65_535), STUCK);
        s.peer().headers(1, false, ":method", "POST", ":scheme", "http", ":authority", "x", ":path", "/");
        for (int i = 0; i < 5; i++) {
            s.peer().w.data(1, new byte[16_000], 0, 16_000, false); // 80,000 > 65,535, nobody reads
        }
        s.peer().flush();
        assertReset(s, 1, FLOW_CONTROL_ERROR);
        assertStillServes(s, 3);
    }

    @Test
    void dataBeyondTheConnectionWindowIsAConnectionFlowControlError() throws Exception {
        Setup s = serve(Http2Options.defaults().connectionWindowSize(65_535).initialWindowSize(1 << 20),
                stream -> Weft.sleep(Duration.ofHours(1)));
        s.peer().headers(1, false, ":method", "POST", ":scheme", "http", ":authority", "x", ":path", "/");
        for (int i = 0; i < 5; i++) {
            s.peer().w.data(1, new byte[16_000], 0, 16_000, false);
        }
        s.peer().flush();
        assertGoAway(s, FLOW_CONTROL_ERROR);
    }

    @Test
    void windowOverflowsAreFlowControlErrors() throws Exception {
        Setup a = serve();
        a.peer().w.windowUpdate(0, Integer.MAX_VALUE);
        a.peer().flush();
        assertGoAway(a, FLOW_CONTROL_ERROR);
        Setup b = serve(Http2Options.defaults(), stream -> Weft.sleep(Duration.ofHours(1)));
        b.peer().get(1, "/");
        b.peer().w.windowUpdate(1, Integer.MAX_VALUE);
        b.peer().flush();
        assertReset(b, 1, FLOW_CONTROL_ERROR);
        Setup c = serve(Http2Options.defaults(), stream -> Weft.sleep(Duration.ofHours(1)));
        c.peer().get(1, "/");
        c.peer().w.windowUpdate(1, 1000);
        c.peer().w.settings(Http2Settings.empty().set(Http2Settings.INITIAL_WINDOW_SIZE, Integer.MAX_VALUE));
        c.peer().flush();
        assertGoAway(c, FLOW_CONTROL_ERROR);
    }

    // ------------------------------------------------------------------ malformed messages

    @Test
    void malformedRequestsAreResetAndTheConnectionGoesOn() throws Exception {
        Setup s = serve();
        String[][] bad = {
            {":method", "GET", ":scheme", "http", ":authority", "x", ":path", "/", "X-Upper", "1"},
            {":method", "GET", ":scheme", "http", ":authority", "x", ":path", "/", "connection", "keep-alive"},
            {":method", "GET", ":scheme", "http", ":authority", "x"},
            {":method", "GET", ":scheme", "http", "accept", "*/*", ":path", "/"},
            {":method", "GET", ":scheme", "http", ":path", "/", ":status", "200"},
            {":method", "GET", ":scheme", "http", ":path", "/", ":path", "/again"},
            {":method", "GET", ":scheme", "http", ":path", "/", "te", "gzip"},
            {":method", "GET", ":scheme", "http", ":path", "/", "x-a", " padded"},
            {":method", "GET", ":scheme", "http", ":path", "/", ":authority", "a", "host", "b"},
            {":method", "GET", ":scheme", "http", ":path", "/", "content-length", "5"},
        };
        int id = 1;
        for (String[] fields : bad) {
            s.peer().headers(id, true, fields);
            assertReset(s, id, PROTOCOL_ERROR);
            id += 2;
        }
        assertStillServes(s, id);
    }

    @Test
    void aBodyThatDoesNotMatchItsContentLengthIsMalformed() throws Exception {
        Setup s = serve();
        s.peer().headers(1, false, ":method", "POST", ":scheme", "http", ":authority", "x", ":path", "/",
                "content-length", "10");
        s.peer().data(1, "short", true);
        assertReset(s, 1, PROTOCOL_ERROR);
        assertStillServes(s, 3);
    }

    @Test
    void priorityFramesAreAcceptedAndIgnored() throws Exception {
        Setup s = serve();
        s.peer().raw(FrameReader.PRIORITY, 0, 1, hex("00000000 10"));
        s.peer().raw(FrameReader.PRIORITY, 0, 9, hex("80000001 ff")); // on an idle stream too
        s.peer().raw(FrameReader.HEADERS, FrameReader.FLAG_END_HEADERS | FrameReader.FLAG_END_STREAM
                | FrameReader.FLAG_PRIORITY, 1, concat(hex("00000000 10"),
                s.peer().block(":method", "GET", ":scheme", "http", ":authority", "x", ":path", "/p")));
        RawPeer.Frame h = s.peer().expect(FrameReader.HEADERS);
        assertTrue(h.fields().contains("x-path: /p"), h.toString());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void emptyWritesSendNoEmptyDataFramesThatAPeerWouldCountAsAFlood() throws Exception {
        Setup s = serve(Http2Options.defaults(), stream -> {
            stream.writeHeaders(Http2Headers.response(200, new Headers()), false);
            for (int i = 0; i < 200; i++) {
                stream.writeData(new byte[0], 0, 0, false);
                stream.outputStream().write(new byte[0]);
            }
            stream.writeData(new byte[] {'x'}, 0, 1, true);
        });
        s.peer().get(1, "/");
        assertEquals(FrameReader.HEADERS, s.peer().expect(FrameReader.HEADERS).type());
        RawPeer.Frame data = s.peer().expect(FrameReader.DATA);
        assertEquals("x", data.text(), "the first DATA frame is the byte, not an empty one");
        assertTrue(data.endStream());
    }

    @Test
    void aClientThatSendsNothingIsClosedByTheSettingsTimeout() throws Exception {
        MemoryPipe pipe = new MemoryPipe(64 * 1024);
        Task<Void> t = Weft.spawn(() -> Http2Connection.server(pipe.server, Http2Options.defaults(), OK).serve());
        double before = dev.weft.EventLoop.running().time();
        t.await(LIMIT);
        assertEquals(10, dev.weft.EventLoop.running().time() - before, 0.5, "closed after 10 s of silence");
        assertTrue(pipe.client.sawEof() || pipe.server.isClosed());
    }
}
