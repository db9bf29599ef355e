package dev.weft.http.client;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.http.server.HttpServer;
import dev.weft.http.server.HttpServerOptions;
import dev.weft.http.server.Response;
import dev.weft.http.server.Router;
import dev.weft.net.IncompleteReadException;
import dev.weft.net.Server;
import dev.weft.net.StreamWriter;
import dev.weft.net.Streams;
import dev.weft.net.TlsOptions;
import dev.weft.testing.WeftTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A request body many times larger than the flow-control windows, sent over HTTP/2 by
 * {@link ClientSession}: it arrives whole and in order (Weft's own server over h2c and TLS h2),
 * and its DATA frames stay at most 64 KiB even when the server allows frames of 1 MiB and opens
 * its windows wide (a raw HTTP/2 peer on a real socket, measuring the frames).
 */
@WeftTest(virtualClock = false)
class Http2RequestBodyTest {

    private static final int FIVE_MIB = 5 << 20;

    @RegisterExtension
    final OpenResources open = new OpenResources();

    /** Bytes whose order matters: a seeded random sequence. */
    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** Answers each POST with the length and SHA-256 of the body it read. */
    private static Router digest() {
        return new Router().post("/digest", req -> {
            byte[] body = req.bytes();
            return Response.text(body.length + " " + sha256(body) + " " + req.version());
        });
    }

    @Test
    void fiveMibOverH2cAndTlsH2ArriveWholeAndInOrder() throws Exception {
        byte[] data = random(FIVE_MIB);
        String expected = FIVE_MIB + " " + sha256(data) + " HTTP/2";

        HttpServer plain = open.keep(HttpServer.start(digest(), "127.0.0.1", 0));
        ClientSession h2c = open.keep(ClientSession.builder().http2PriorKnowledge(true).build());
        try (ClientResponse r = h2c.post("http://127.0.0.1:" + plain.port() + "/digest",
                Body.bytes(data, "application/octet-stream"))) {
            assertEquals("HTTP/2", r.version());
            assertEquals(expected, r.text());
        }

        HttpServer tls = open.keep(HttpServer.start(digest(), "127.0.0.1", 0, HttpServerOptions.defaults()
                .tls(TlsOptions.server(Http2ClientTest.tls("server-cert.pem"), Http2ClientTest.tls("server-key.pem")))));
        ClientSession h2 = open.keep(ClientSession.builder().http2(true)
                .tls(TlsOptions.client().trustPem(Http2ClientTest.tls("ca.pem"))).build());
        try (ClientResponse r = h2.post("https://localhost:" + tls.port() + "/digest",
                Body.stream(new java.io.ByteArrayInputStream(data), "application/octet-stream"))) {
            assertEquals("HTTP/2", r.version());
            assertEquals(expected, r.text(), "a stream of unknown length, too");
        }
    }

    // ------------------------------------------------------------------ a raw HTTP/2 peer

    private static final int DATA = 0;
    private static final int HEADERS = 1;
    private static final int SETTINGS = 4;
    private static final int WINDOW_UPDATE = 8;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;

    /** What the raw server read of one request: its body, and its largest DATA frame. */
    private record Received(byte[] body, int largestFrame) {
    }

    private static void frame(StreamWriter out, int type, int flags, int stream, byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(9 + payload.length);
        b.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
        b.put((byte) type).put((byte) flags).putInt(stream).put(payload);
        out.write(b.array());
        out.drain();
    }

    /**
     * An HTTP/2 server that allows DATA frames of 1 MiB and opens the stream and connection windows
     * to their maximum, reads each request's DATA frames and answers {@code 200} once the stream ends.
     */
    private Server wideOpenPeer(BlockingQueue<Received> received) throws Exception {
        return open.keep(Streams.startServer((in, out) -> {
            in.readExactly(24); // the client preface
            ByteBuffer settings = ByteBuffer.allocate(12);
            settings.putShort((short) 0x5).putInt(1 << 20);           // SETTINGS_MAX_FRAME_SIZE: 1 MiB
            settings.putShort((short) 0x4).putInt(Integer.MAX_VALUE); // SETTINGS_INITIAL_WINDOW_SIZE
            frame(out, SETTINGS, 0, 0, settings.array());
            frame(out, WINDOW_UPDATE, 0, 0, ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE - 65_535).array());
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int largest = 0;
            while (true) {
                byte[] h;
                try {
                    h = in.readExactly(9);
                } catch (IncompleteReadException e) {
                    return; // the client closed the connection
                }
                int length = ((h[0] & 0xff) << 16) | ((h[1] & 0xff) << 8) | (h[2] & 0xff);
                int type = h[3];
                int flags = h[4];
                int stream = ByteBuffer.wrap(h, 5, 4).getInt() & 0x7fff_ffff;
                byte[] payload = in.readExactly(length);
                if (type == SETTINGS && (flags & 0x1) == 0) {
                    frame(out, SETTINGS, 0x1, 0, new byte[0]); // ACK
                } else if (type == DATA) {
                    body.write(payload);
                    largest = Math.max(largest, length);
                }
                if ((type == DATA || type == HEADERS) && (flags & END_STREAM) != 0) {
                    received.add(new Received(body.toByteArray(), largest));
                    body.reset();
                    largest = 0;
                    // :status 200 (HPACK static table entry 8), ending the stream
                    frame(out, HEADERS, END_HEADERS | END_STREAM, stream, new byte[] {(byte) 0x88});
                }
            }
        }, "127.0.0.1", 0));
    }

    @Test
    void dataFramesStayAt64KibWhenThePeerAllowsLargerOnes() throws Exception {
        BlockingQueue<Received> received = new ArrayBlockingQueue<>(4);
        Server peer = wideOpenPeer(received);
        ClientSession s = open.keep(ClientSession.builder().http2PriorKnowledge(true).build());
        byte[] data = random(FIVE_MIB);
        try (ClientResponse r = s.post("http://127.0.0.1:" + peer.port() + "/", Body.bytes(data, "application/octet-stream"))) {
            assertEquals(200, r.status());
        }
        Received got = received.take();
        assertArrayEquals(data, got.body(), "the whole body, in order");
        // The peer would take 1 MiB frames; the request body goes in frames of at most 64 KiB
        // (Http2Exchange.BodyOut), so the connection's frame buffer holds no more than that and
        // other streams' frames wait behind no more than that.
        assertEquals(64 * 1024, got.largestFrame(), "frames of 64 KiB, not of the 1 MiB the peer allows");
    }
}
