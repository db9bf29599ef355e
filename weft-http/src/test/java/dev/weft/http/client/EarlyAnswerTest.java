package dev.weft.http.client;

import static dev.weft.http.client.TinyServer.respond;
import static org.junit.jupiter.api.Assertions.*;

import dev.weft.testing.WeftTest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server that answers an upload before reading it (a {@code 413} for a body over its limit) and
 * closes the connection: the client must return that answer, not the broken pipe its unfinished
 * upload ran into. Real loopback sockets; the bodies are far larger than the socket buffers, so the
 * upload cannot finish before the server's close resets it.
 */
@WeftTest(virtualClock = false)
class EarlyAnswerTest {

    private static final int BIG = 32 << 20;
    private static final ClientTimeout BOUNDED = ClientTimeout.defaults().total(Duration.ofMinutes(1));

    @RegisterExtension
    final OpenResources open = new OpenResources();

    /** Answers 413 from the head alone and closes with the body unread (the kernel resets the connection). */
    private TinyServer refusingServer() throws Exception {
        return open.keep(TinyServer.startRaw((head, in, out) -> {
            respond(out, 413, "at most 1 MiB, please", "Connection", "close", "Content-Type", "text/plain");
            return false;
        }));
    }

    @Test
    void anUploadRefusedBeforeItWasReadGetsTheServersAnswer() throws Exception {
        TinyServer s = refusingServer();
        ClientSession session = open.keep(ClientSession.builder().timeout(BOUNDED).build());
        String url = "http://127.0.0.1:" + s.server.port() + "/upload";
        try (ClientResponse r = session.post(url, Body.bytes(new byte[BIG]))) {
            assertEquals(413, r.status());
            assertEquals("at most 1 MiB, please", r.text());
        }
        // A chunked upload of unknown length, too.
        try (ClientResponse r = session.post(url, Body.stream(new Zeros(BIG), "application/octet-stream"))) {
            assertEquals(413, r.status());
            assertEquals("at most 1 MiB, please", r.text());
        }
        // The session goes on with new connections.
        try (ClientResponse r = session.post(url, Body.text("small"))) {
            assertEquals(413, r.status());
        }
    }

    @Test
    void aBodyWhoseSourceFailsStillFailsWithTheSourcesError() throws Exception {
        TinyServer s = open.keep(TinyServer.start((req, out) -> {
            respond(out, 200, "ok");
            return true;
        }));
        ClientSession session = open.keep(ClientSession.builder().timeout(BOUNDED).build());
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("the disk went away");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                throw new IOException("the disk went away");
            }
        };
        IOException e = assertThrows(IOException.class, () -> session.post(
                "http://127.0.0.1:" + s.server.port() + "/", Body.stream(broken, "application/octet-stream")));
        assertTrue(String.valueOf(e.getMessage()).contains("the disk went away"), e.toString());
    }

    @Test
    void aServerThatVanishesWithoutAnAnswerIsStillAnError() throws Exception {
        TinyServer s = open.keep(TinyServer.startRaw((head, in, out) -> false)); // closes, answers nothing
        ClientSession session = open.keep(ClientSession.builder().timeout(BOUNDED).build());
        IOException e = assertThrows(IOException.class, () -> session.post(
                "http://127.0.0.1:" + s.server.port() + "/", Body.bytes(new byte[BIG])));
        assertFalse(e instanceof ClientTimeoutException, e.toString());
    }

    /** {@code n} zero bytes, read in whatever pieces the caller asks for. */
    private static final class Zeros extends InputStream {
        private long left;

        Zeros(long n) {
            left = n;
        }

        @Override
        public int read() {
            if (left == 0) {
                return -1;
            }
            left--;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
        }
    }
}
