package dev.weft.net;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.CancelledException;
import dev.weft.Future;
import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.testing.WeftLogs;
import dev.weft.testing.WeftTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URISyntaxException;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** TLS streams over real loopback sockets, with the test material of src/test/resources/tls (see its README). */
@WeftTest(virtualClock = false)
class TlsTest {

    private static final char[] PASSWORD = "changeit".toCharArray();

    // ------------------------------------------------------------------ material

    static Path resource(String name) {
        try {
            return Path.of(TlsTest.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyStore keyStore(String name) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = TlsTest.class.getResourceAsStream("/tls/" + name + ".p12")) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    static TlsOptions serverTls(String name) throws Exception {
        return TlsOptions.server(keyStore(name), PASSWORD);
    }

    static TlsOptions trustingTestCa() throws IOException {
        return TlsOptions.client().trustPem(resource("ca.pem"));
    }

    static ConnectOptions tls(TlsOptions tls) {
        return ConnectOptions.defaults().tls(tls);
    }

    static Server echoServer(TlsOptions tls) throws IOException {
        return Streams.startServer((r, w) -> {
            byte[] chunk;
            while ((chunk = r.read(65536)).length > 0) {
                w.write(chunk);
                w.drain();
            }
        }, "127.0.0.1", 0, ServerOptions.defaults().tls(tls));
    }

    /** A JDK context (independent of TlsOptions) with the given key store and/or the test CA as trust. */
    static SSLContext jdkContext(String keyStoreName, boolean trustTestCa) throws Exception {
        KeyManagerFactory kmf = null;
        if (keyStoreName != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore(keyStoreName), PASSWORD);
        }
        TrustManagerFactory tmf = null;
        if (trustTestCa) {
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(keyStore("ca"));
        }
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        return c;
    }

    /** Runs blocking JDK code on its own platform thread; the task awaits the result. */
    static <T> Future<T> onPlatformThread(Callable<T> body) {
        CompletableFuture<T> cf = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("jdk-peer").start(() -> {
            try {
                cf.complete(body.call());
            } catch (Throwable e) {
                cf.completeExceptionally(e);
            }
        });
        return Future.of(cf);
    }

    // ------------------------------------------------------------------ basics

    @Test
    void echoRoundTripWithTheTestCaTrusted() throws Exception {
        try (Server server = echoServer(serverTls("server"));
                Connection c = Streams.openConnection("localhost", server.port(), tls(trustingTestCa()))) {
            assertEquals("TLSv1.3", c.tlsSession().getProtocol());
            assertNull(c.alpnProtocol());
            c.writer().write("hello\nworld\r\n");
            assertEquals("hello", c.reader().readLine());
            assertEquals("world", c.reader().readLine());
            c.writer().writeEof(); // close_notify: the echo handler sees end of stream, returns, closes
            assertNull(c.reader().readLine());
            assertTrue(c.reader().atEof());
        }
    }

    @Test
    void serverFromPemFilesAndClientToAnIpLiteral() throws Exception {
        TlsOptions pem = TlsOptions.server(resource("server-cert.pem"), resource("server-key.pem"));
        try (Server server = echoServer(pem);
                Connection c = Streams.openConnection("127.0.0.1", server.port(), tls(trustingTestCa()))) {
            c.writer().write("over an IP SAN\n");
            assertEquals("over an IP SAN", c.reader().readLine());
        }
    }

    @Test
    void eightMebibytesBothWaysArriveIntact() throws Exception {
        byte[] data = new byte[8 << 20];
        new Random(42).nextBytes(data);
        try (Server server = echoServer(serverTls("server"));
                Connection c = Streams.openConnection("localhost", server.port(), tls(trustingTestCa()))) {
            Task<Void> sender = Weft.spawn(() -> {
                for (int off = 0; off < data.length; off += 50_000) {
                    c.writer().write(data, off, Math.min(50_000, data.length - off));
                    c.writer().drain();
                }
                c.writer().writeEof();
            });
            byte[] back = c.reader().readExactly(data.length);
            sender.await();
            assertTrue(Arrays.equals(data, back), "echoed bytes differ");
            assertNull(c.reader().readLine());
        }
    }

    // ------------------------------------------------------------------ verification

    @Test
    void defaultOptionsRejectAServerFromAnUnknownCa() throws Exception {
        try (Server server = echoServer(serverTls("server"))) {
            SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                    () -> Streams.openConnection("localhost", server.port(), tls(TlsOptions.client())));
            assertTrue(e.getMessage().contains("localhost:" + server.port()), e.getMessage());
            assertTrue(e.getMessage().contains("not trusted"), e.getMessage());
        }
    }

    @Test
    void aSelfSignedServerIsRejected() throws Exception {
        try (Server server = echoServer(serverTls("selfsigned"))) {
            SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                    () -> Streams.openConnection("localhost", server.port(), tls(trustingTestCa())));
            assertTrue(e.getMessage().contains("not trusted"), e.getMessage());
            // and the server goes on serving
            try (WeftLogs logs = WeftLogs.capture();
                    Connection ok = Streams.openConnection("localhost", server.port(), tls(TlsOptions.insecure()))) {
                ok.writer().write("still here\n");
                assertEquals("still here", ok.reader().readLine());
                assertOnlyTheInsecureWarning(logs);
            }
        }
    }

    @Test
    void aHostNameMismatchIsRejected() throws Exception {
        try (Server server = echoServer(serverTls("otherhost"))) {
            SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                    () -> Streams.openConnection("localhost", server.port(), tls(trustingTestCa())));
            assertTrue(e.getMessage().contains("localhost"), e.getMessage());
            assertTrue(e.getMessage().contains("host name mismatch"), e.getMessage());
            // the check can be turned off alone: the chain is still verified and trusted
            try (Connection c = Streams.openConnection("localhost", server.port(),
                    tls(trustingTestCa().hostnameVerification(false)))) {
                assertNotNull(c.tlsSession());
            }
        }
    }

    @Test
    void anExpiredCertificateIsRejected() throws Exception {
        try (Server server = echoServer(serverTls("expired"))) {
            SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                    () -> Streams.openConnection("127.0.0.1", server.port(), tls(trustingTestCa())));
            assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
            assertTrue(e.getMessage().contains("expired"), e.getMessage());
        }
    }

    @Test
    void insecureAcceptsWhatVerificationRejects() throws Exception {
        for (String name : new String[] {"selfsigned", "otherhost", "expired"}) {
            try (WeftLogs logs = WeftLogs.capture();
                    Server server = echoServer(serverTls(name));
                    Connection c = Streams.openConnection("localhost", server.port(), tls(TlsOptions.insecure()))) {
                c.writer().write(name + "\n");
                assertEquals(name, c.reader().readLine());
                assertOnlyTheInsecureWarning(logs);
            }
        }
    }

    /** The first insecure engine of the JVM logs a warning (once); nothing else is logged. */
    private static void assertOnlyTheInsecureWarning(WeftLogs logs) {
        for (WeftLogs.Entry e : logs.entries()) {
            assertTrue(e.matches(System.Logger.Level.WARNING, "TLS certificate and host name verification are OFF"),
                    e.toString());
        }
    }

    @Test
    void clientCertificateRequiredByTheServer() throws Exception {
        TlsOptions srv = serverTls("server").clientAuth(TlsOptions.ClientAuth.NEED).trustPem(resource("ca.pem"));
        Server server = Streams.startServer((r, w) -> {
            w.write(w.tlsSession().getPeerPrincipal().getName() + "\n");
        }, "127.0.0.1", 0, ServerOptions.defaults().tls(srv));
        try (server; Connection c = Streams.openConnection("localhost", server.port(),
                tls(trustingTestCa().clientCertificate(keyStore("client"), PASSWORD)))) {
            assertEquals("CN=weft-test-client", c.reader().readLine());
        }
    }

    // ------------------------------------------------------------------ ALPN

    @Test
    void alpnNegotiatesHttp11WhenBothOfferIt() throws Exception {
        Server server = Streams.startServer((r, w) -> w.write(w.alpnProtocol() + "\n"), "127.0.0.1", 0,
                ServerOptions.defaults().tls(serverTls("server").alpn("http/1.1", "h2")));
        try (server) {
            try (Connection c = Streams.openConnection("localhost", server.port(),
                    tls(trustingTestCa().alpn("http/1.1")))) {
                assertEquals("http/1.1", c.alpnProtocol());
                assertEquals("http/1.1", c.reader().readLine());
            }
            // the server's order of preference wins over the client's
            try (Connection c = Streams.openConnection("localhost", server.port(),
                    tls(trustingTestCa().alpn("h2", "http/1.1")))) {
                assertEquals("http/1.1", c.alpnProtocol());
            }
            // no overlap: no ALPN, but the connection works
            try (Connection c = Streams.openConnection("localhost", server.port(),
                    tls(trustingTestCa().alpn("spdy/3")))) {
                assertNull(c.alpnProtocol());
                assertEquals("null", c.reader().readLine());
            }
        }
    }

    // ------------------------------------------------------------------ closing

    @Test
    void serverCloseSendsCloseNotifyAndTheClientReadsEndOfStream() throws Exception {
        Server server = Streams.startServer((r, w) -> w.write("bye\n"), "127.0.0.1", 0,
                ServerOptions.defaults().tls(serverTls("server")));
        try (server; Connection c = Streams.openConnection("localhost", server.port(), tls(trustingTestCa()))) {
            assertEquals("bye", c.reader().readLine());
            assertNull(c.reader().readLine());
            assertArrayEquals(new byte[0], c.reader().read(10));
        }
    }

    @Test
    void tcpEndWithoutCloseNotifyIsReportedAsTruncation() throws Exception {
        SSLContext ctx = jdkContext("server", false);
        try (ServerSocket listener = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Future<String> peer = onPlatformThread(() -> {
                try (Socket raw = listener.accept()) {
                    SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(raw, null, false);
                    ssl.startHandshake();
                    ssl.getOutputStream().write("partial\n".getBytes(StandardCharsets.US_ASCII));
                    ssl.getOutputStream().flush();
                    raw.shutdownOutput(); // FIN, no close_notify
                    raw.getInputStream().transferTo(OutputStream.nullOutputStream()); // until the client closes
                }
                return "done";
            });
            try (Connection c = Streams.openConnection("localhost", listener.getLocalPort(), tls(trustingTestCa()))) {
                assertEquals("partial", c.reader().readLine());
                SSLException e = assertThrows(SSLException.class, () -> c.reader().readLine());
                assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            }
            assertEquals("done", peer.await());
        }
    }

    // ------------------------------------------------------------------ wrong peers

    @Test
    void aPlaintextClientIsTurnedAwayAndTheServerKeepsServing() throws Exception {
        try (Server server = echoServer(serverTls("server"))) {
            try (Connection plain = Streams.openConnection("127.0.0.1", server.port())) {
                plain.writer().write("hello, are you there?\n");
                try {
                    byte[] answer = plain.reader().readAllBytes(1 << 20); // an alert at most, then end of stream
                    assertFalse(new String(answer, StandardCharsets.ISO_8859_1).contains("hello"));
                } catch (IOException reset) {
                    // a reset is a fine answer too
                }
            }
            try (Connection c = Streams.openConnection("localhost", server.port(), tls(trustingTestCa()))) {
                c.writer().write("next\n");
                assertEquals("next", c.reader().readLine());
            }
        }
    }

    @Test
    void aServerTalkingPlaintextFailsTheHandshake() throws Exception {
        Server server = Streams.startServer((r, w) -> w.write("HTTP/1.1 400 Bad Request\r\n\r\n"), "127.0.0.1", 0);
        try (server) {
            assertThrows(SSLException.class,
                    () -> Streams.openConnection("localhost", server.port(), tls(trustingTestCa())));
        }
    }

    @Test
    void aServerThatNeverSpeaksTimesTheHandshakeOut() throws Exception {
        try (ServerSocketChannel mute = ServerSocketChannel.open()) {
            mute.bind(new InetSocketAddress("127.0.0.1", 0)); // the kernel accepts; nobody ever answers
            int port = ((InetSocketAddress) mute.getLocalAddress()).getPort();
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                    () -> Streams.openConnection("localhost", port,
                            tls(trustingTestCa().handshakeTimeout(Duration.ofMillis(200)))));
            assertTrue(e.getMessage().contains("TLS handshake"), e.getMessage());
        }
    }

    // ------------------------------------------------------------------ cancellation, startTls

    @Test
    void cancellingATaskBlockedInATlsReadReleasesTheSocket() throws Exception {
        Server server = Streams.startServer((r, w) -> {
            for (String line : r.lines()) {
                w.write(line.toUpperCase() + "\n");
            }
        }, "127.0.0.1", 0, ServerOptions.defaults().tls(serverTls("server")));
        try (server; Connection c = Streams.openConnection("localhost", server.port(), tls(trustingTestCa()))) {
            Task<String> reader = Weft.spawn(() -> c.reader().readLine());
            Weft.yieldNow(); // the reader parks waiting for data
            assertFalse(reader.isDone());
            reader.cancel();
            assertThrows(CancelledException.class, reader::await);
            // the wait was released: another task reads the same connection
            c.writer().write("ping\n");
            assertEquals("PING", c.reader().readLine());
        }
    }

    @Test
    void startTlsUpgradesAPlainConnection() throws Exception {
        TlsOptions srvTls = serverTls("server");
        Server server = Streams.startServer((r, w) -> {
            assertEquals("STARTTLS", r.readLine());
            w.write("OK\n");
            try (Connection secure = Streams.startTls(r, w, srvTls, null)) {
                String line = secure.reader().readLine();
                secure.writer().write("secret was " + line + "\n");
            }
        }, "127.0.0.1", 0);
        try (server; Connection plain = Streams.openConnection("127.0.0.1", server.port())) {
            assertNull(plain.tlsSession());
            plain.writer().write("STARTTLS\n");
            assertEquals("OK", plain.reader().readLine());
            try (Connection secure = Streams.startTls(plain, trustingTestCa(), "localhost")) {
                assertNotNull(secure.tlsSession());
                secure.writer().write("xyzzy\n");
                assertEquals("secret was xyzzy", secure.reader().readLine());
                assertNull(secure.reader().readLine());
            }
        }
    }

    // ------------------------------------------------------------------ interop with the JDK's own TLS sockets

    @Test
    void weftClientTalksToAJdkSslServerSocket() throws Exception {
        SSLContext ctx = jdkContext("server", false);
        try (SSLServerSocket listener = (SSLServerSocket) ctx.getServerSocketFactory()
                .createServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            SSLParameters p = listener.getSSLParameters();
            p.setApplicationProtocols(new String[] {"http/1.1"});
            listener.setSSLParameters(p);
            Future<String> peer = onPlatformThread(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.UTF_8));
                    String line = in.readLine();
                    s.getOutputStream().write((line.toUpperCase() + "\n").getBytes(StandardCharsets.UTF_8));
                    s.getOutputStream().flush();
                    return line;
                } // close(): close_notify
            });
            try (Connection c = Streams.openConnection("localhost", listener.getLocalPort(),
                    tls(trustingTestCa().alpn("h2", "http/1.1")))) {
                assertEquals("http/1.1", c.alpnProtocol());
                c.writer().write("hello jdk\n");
                assertEquals("HELLO JDK", c.reader().readLine());
                assertNull(c.reader().readLine());
            }
            assertEquals("hello jdk", peer.await());
        }
    }

    /**
     * A JDK server that calls {@code startHandshake()} again mid-connection: with TLS 1.3 that
     * sends a KeyUpdate asking for ours, with TLS 1.2 it starts a renegotiation. The Weft client
     * answers inside its reads and keeps talking.
     */
    @Test
    void jdkServerRekeysOrRenegotiatesMidConnection() throws Exception {
        for (String version : new String[] {"TLSv1.3", "TLSv1.2"}) {
            SSLContext ctx = jdkContext("server", false);
            try (SSLServerSocket listener = (SSLServerSocket) ctx.getServerSocketFactory()
                    .createServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                listener.setEnabledProtocols(new String[] {version});
                Future<String> peer = onPlatformThread(() -> {
                    try (SSLSocket s = (SSLSocket) listener.accept()) {
                        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                                StandardCharsets.UTF_8));
                        OutputStream out = s.getOutputStream();
                        String first = in.readLine();
                        s.startHandshake(); // KeyUpdate (1.3) or renegotiation (1.2)
                        out.write((first + " 1\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        String second = in.readLine();
                        out.write((second + " 2\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        return first + second;
                    }
                });
                try (Connection c = Streams.openConnection("localhost", listener.getLocalPort(),
                        tls(trustingTestCa()))) {
                    assertEquals(version, c.tlsSession().getProtocol());
                    c.writer().write("a\n");
                    assertEquals("a 1", c.reader().readLine(), version);
                    c.writer().write("b\n");
                    assertEquals("b 2", c.reader().readLine(), version);
                    assertNull(c.reader().readLine());
                }
                assertEquals("ab", peer.await());
            }
        }
    }

    @Test
    void tls12EchoWithHalfClose() throws Exception {
        try (Server server = echoServer(serverTls("server").protocols("TLSv1.2"));
                Connection c = Streams.openConnection("localhost", server.port(), tls(trustingTestCa()))) {
            assertEquals("TLSv1.2", c.tlsSession().getProtocol());
            c.writer().write("twelve\n");
            assertEquals("twelve", c.reader().readLine());
            c.writer().writeEof();
            assertNull(c.reader().readLine());
        }
    }

    @Test
    void errorMessagesNameTheHostAndTheReason() throws Exception {
        for (String name : new String[] {"server", "selfsigned", "otherhost", "expired"}) {
            try (Server server = echoServer(serverTls(name))) {
                TlsOptions client = name.equals("server") ? TlsOptions.client() : trustingTestCa();
                SSLHandshakeException e = assertThrows(SSLHandshakeException.class,
                        () -> Streams.openConnection("localhost", server.port(), tls(client)));
                assertTrue(e.getMessage().startsWith("TLS handshake with localhost:" + server.port() + " failed: "),
                        e.getMessage());
                assertTrue(e.getMessage().matches(".*(not trusted|host name mismatch|certificate expired).*"),
                        e.getMessage());
            }
        }
    }

    @Test
    void aJdkSslSocketTalksToAWeftServer() throws Exception {
        SSLContext ctx = jdkContext(null, true);
        try (Server server = echoServer(serverTls("server"))) {
            int port = server.port();
            Future<String> peer = onPlatformThread(() -> {
                try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("localhost", port)) {
                    SSLParameters p = s.getSSLParameters();
                    p.setEndpointIdentificationAlgorithm("HTTPS");
                    s.setSSLParameters(p);
                    byte[] big = new byte[300_000];
                    Arrays.fill(big, (byte) 'x');
                    big[big.length - 1] = '\n';
                    s.getOutputStream().write(big);
                    s.getOutputStream().write("from the jdk\n".getBytes(StandardCharsets.UTF_8));
                    s.getOutputStream().flush();
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.UTF_8));
                    String first = in.readLine();
                    if (first.length() != big.length - 1) {
                        return "bad length " + first.length();
                    }
                    String line = in.readLine();
                    s.shutdownOutput(); // TLS 1.3 half-close: close_notify
                    return line + "|" + in.readLine();
                }
            });
            assertEquals("from the jdk|null", peer.await());
        }
    }
}
