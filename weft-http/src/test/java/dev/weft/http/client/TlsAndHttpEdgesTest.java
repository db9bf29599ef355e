package dev.weft.http.client;

import static dev.weft.http.client.TinyServer.respond;
import static org.junit.jupiter.api.Assertions.*;

import dev.weft.Weft;
import dev.weft.http.LogCapture;
import dev.weft.net.ConnectOptions;
import dev.weft.net.Connection;
import dev.weft.net.Server;
import dev.weft.net.ServerOptions;
import dev.weft.net.StreamReader;
import dev.weft.net.StreamWriter;
import dev.weft.net.Streams;
import dev.weft.net.TlsOptions;
import dev.weft.testing.WeftTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The client at the edges of TLS and HTTP/1.1: https through an https proxy, odd framing, misuse. */
@WeftTest(virtualClock = false)
class TlsAndHttpEdgesTest {

    @RegisterExtension
    final OpenResources open = new OpenResources();

    // ------------------------------------------------------------------ TLS over TLS

    /** An https proxy: TLS to the client, then a plain TCP tunnel to the CONNECT target. */
    private Server httpsProxy(List<String> seen) throws Exception {
        TlsOptions tls = TlsOptions.server(HttpsTest.tls("server-cert.pem"), HttpsTest.tls("server-key.pem"));
        return open.keep(Streams.startServer((in, out) -> {
            String line = in.readLine();
            seen.add(line);
            while (!in.readLine().isEmpty()) {
                // the rest of the head
            }
            String target = line.split(" ")[1];
            int colon = target.lastIndexOf(':');
            try (Connection up = Streams.openConnection(target.substring(0, colon),
                    Integer.parseInt(target.substring(colon + 1)))) {
                out.write("HTTP/1.1 200 Connection established\r\n\r\n");
                var downstream = Weft.spawn(() -> copy(up.reader(), out));
                copy(in, up.writer());
                downstream.await();
            }
        }, "127.0.0.1", 0, ServerOptions.defaults().tls(tls)));
    }

    private static void copy(StreamReader from, StreamWriter to) throws IOException {
        byte[] chunk;
        while ((chunk = from.read(65536)).length > 0) {
            to.write(chunk);
            to.drain();
        }
        to.writeEof();
    }

    @Test
    void httpsThroughAnHttpsProxyIsTlsInsideTls() throws Exception {
        TinyServer origin = open.keep(TinyServer.startTls((req, out) -> {
            respond(out, 200, "secret " + req.target() + " " + "x".repeat(100_000), "Content-Type", "text/plain");
            return true;
        }, TlsOptions.server(HttpsTest.tls("server-cert.pem"), HttpsTest.tls("server-key.pem"))));
        List<String> seen = new CopyOnWriteArrayList<>();
        Server proxy = httpsProxy(seen);
        ClientSession session = open.keep(ClientSession.builder()
                .tls(TlsOptions.client().trustPem(HttpsTest.tls("ca.pem")))
                .proxy("https://localhost:" + proxy.port()).build());
        for (int i = 0; i < 2; i++) {
            try (ClientResponse r = session.get(origin.httpsUrl("/page/" + i))) {
                assertTrue(r.text().startsWith("secret /page/" + i + " xxx"));
            }
        }
        assertEquals(List.of("CONNECT localhost:" + origin.port() + " HTTP/1.1"), seen, "one tunnel, reused");
    }

    // ------------------------------------------------------------------ framing

    @Test
    void aListOfEqualContentLengthsIsOneLength() throws Exception {
        TinyServer t = open.keep(TinyServer.start((req, out) -> {
            String cl = req.target().equals("/conflict") ? "5, 6" : "5, 5";
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + cl + "\r\n\r\nhello").getBytes(StandardCharsets.US_ASCII));
            return !req.target().equals("/conflict");
        }));
        ClientSession session = open.keep(ClientSession.create());
        assertEquals("hello", session.get(t.url("/list")).text(), "RFC 9110 8.6: identical values may be listed");
        assertThrows(dev.weft.http.HttpProtocolException.class, () -> session.get(t.url("/conflict")).close());
    }

    // ------------------------------------------------------------------ the caller's body

    @Test
    void aFailureOfTheCallersOwnBodyIsNotReportedAsTheServerDisconnecting() throws Exception {
        TinyServer t = open.keep(TinyServer.start((req, out) -> {
            respond(out, 200, "got " + req.body().length);
            return true;
        }));
        ClientSession session = open.keep(ClientSession.create());
        assertEquals("got 0", session.get(t.url("/warm")).text()); // the next request reuses the connection
        IOException disk = new IOException("disk read failed");
        InputStream failing = new InputStream() {
            private int n;

            @Override
            public int read() throws IOException {
                if (n++ > 1000) {
                    throw disk;
                }
                return 'a';
            }
        };
        IOException e = assertThrows(IOException.class,
                () -> session.post(t.url("/upload"), Body.stream(failing, "text/plain")).close());
        assertFalse(e instanceof ServerDisconnectedException, "reported as a disconnect: " + e);
        assertSame(disk, e, "the caller's own exception");
        assertEquals("got 0", session.get(t.url("/after")).text(), "the session goes on");
    }

    // ------------------------------------------------------------------ leaks

    @Test
    void aResponseNeverClosedIsReportedWithWhereItWasObtainedAndItsConnectionFreed() throws Exception {
        String before = System.setProperty(ClientResponse.LEAK_TRACES, "true");
        try {
            String text = forgetOneAndGetItsWarning();
            assertTrue(text.contains("forgetAResponse"), "the warning says where the response was obtained:\n" + text);
        } finally {
            if (before == null) {
                System.clearProperty(ClientResponse.LEAK_TRACES);
            } else {
                System.setProperty(ClientResponse.LEAK_TRACES, before);
            }
        }
    }

    @Test
    void byDefaultAResponseNeverClosedIsReportedWithHowToSeeWhereItWasObtained() throws Exception {
        assertNull(System.getProperty(ClientResponse.LEAK_TRACES), "this test is about the default");
        String text = forgetOneAndGetItsWarning();
        assertTrue(text.contains("-D" + ClientResponse.LEAK_TRACES + "=true"), "says how to see where:\n" + text);
        assertFalse(text.contains("forgetAResponse"), "no stack trace is taken by default:\n" + text);
    }

    /** Forgets a response; returns the warning once the collector freed its connection. */
    private String forgetOneAndGetItsWarning() throws Exception {
        byte[] body = new byte[200_000];
        TinyServer t = open.keep(TinyServer.start((req, out) -> {
            respond(out, 200, body);
            return true;
        }));
        ClientSession session = open.keep(ClientSession.builder().limit(1).build());
        String text;
        try (LogCapture log = LogCapture.start()) {
            forgetAResponse(session, t.url("/leak"));
            assertEquals(1, session.pool().connectionsInUse());
            long giveUp = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (session.pool().connectionsInUse() > 0 && System.nanoTime() < giveUp) {
                System.gc();
                Weft.sleep(0.01);
            }
            assertEquals(0, session.pool().connectionsInUse(), "the forgotten response's connection was freed");
            text = log.text();
            assertTrue(text.contains("never closed") && text.contains("/leak"), text);
        }
        try (ClientResponse r = session.get(t.url("/next"))) { // limit(1): waits forever if the slot leaked
            assertEquals(200, r.status());
        }
        return text;
    }

    private static void forgetAResponse(ClientSession session, String url) throws IOException {
        ClientResponse r = session.get(url);
        assertEquals(200, r.status()); // and never closed, nor read
    }
}
