package dev.weft.net;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.EventLoop;
import dev.weft.Weft;
import dev.weft.sync.Event;
import dev.weft.testing.WeftTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The edges of the transports: TLS inside TLS, the close-flush timer, and closing from another
 * thread once the loop has closed. Real loopback sockets; the test CA of src/test/resources/tls.
 */
class TransportEdgesTest {

    /** A safety net so that a broken transport fails the test instead of hanging it; never the thing tested. */
    private static final Duration SAFETY = Duration.ofSeconds(20);

    /** A TLS proxy that opens a plain TCP tunnel to the {@code CONNECT} target, as an https proxy does. */
    private static Server tlsConnectProxy() throws Exception {
        return Streams.startServer((in, out) -> {
            String line = in.readLine();
            String target = line.split(" ")[1];
            while (!in.readLine().isEmpty()) {
                // the rest of the head
            }
            int colon = target.lastIndexOf(':');
            try (Connection up = Streams.openConnection(target.substring(0, colon),
                    Integer.parseInt(target.substring(colon + 1)))) {
                out.write("HTTP/1.1 200 Connection established\r\n\r\n");
                var downstream = Weft.spawn(() -> copy(up.reader(), out));
                copy(in, up.writer());
                downstream.await();
            }
        }, "127.0.0.1", 0, ServerOptions.defaults().tls(TlsTest.serverTls("server")));
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
    @WeftTest(virtualClock = false)
    void tlsInsideTlsThroughAConnectTunnelToAnHttpsOrigin() throws Exception {
        try (Server origin = TlsTest.echoServer(TlsTest.serverTls("server")); Server proxy = tlsConnectProxy()) {
            Connection toProxy = Streams.openConnection("localhost", proxy.port(), TlsTest.tls(TlsTest.trustingTestCa()));
            toProxy.writer().write("CONNECT localhost:" + origin.port() + " HTTP/1.1\r\nHost: localhost:" + origin.port()
                    + "\r\n\r\n");
            assertTrue(toProxy.reader().readLine().startsWith("HTTP/1.1 200"));
            assertEquals("", toProxy.reader().readLine());
            try (Connection inner = Streams.startTls(toProxy, TlsTest.trustingTestCa(), "localhost")) {
                assertNotNull(inner.tlsSession());
                byte[] big = new byte[300_000]; // many records each way, in both layers at once
                new Random(7).nextBytes(big);
                inner.writer().write(big);
                inner.writer().drain();
                byte[] back = Weft.withTimeout(SAFETY, () -> inner.reader().readExactly(big.length));
                assertArrayEquals(big, back);
                inner.writer().write("hello\n");
                assertEquals("hello", Weft.withTimeout(SAFETY, () -> inner.reader().readLine()));
            }
        }
    }

    @Test
    @WeftTest(virtualClock = false)
    void theCloseFlushTimerIsCancelledOnceTheFlushCompletes() throws Exception {
        Event letRead = new Event();
        Event allRead = new Event();
        byte[] big = new byte[16 << 20]; // more than the kernel's buffers take at once
        try (Server s = Streams.startServer((in, out) -> {
            letRead.await();
            assertEquals(big.length, in.readAllBytes(Long.MAX_VALUE).length);
            allRead.set();
        }, "127.0.0.1", 0)) {
            Connection c = Streams.openConnection("127.0.0.1", s.port());
            SocketTransport t = (SocketTransport) c.writer().transport();
            c.writer().write(big);
            assertTrue(t.bufferedBytes() > 0, "the peer does not read yet: bytes are left to flush");
            c.close();
            assertTrue(t.closeFlushTimerArmed(), "close() with bytes buffered arms the 30 s flush limit");
            letRead.set();
            Weft.withTimeout(SAFETY, () -> c.writer().waitClosed());
            allRead.await();
            assertFalse(t.closeFlushTimerArmed(), "the flush completed: its limit is cancelled");
        }
    }

    // ------------------------------------------------------------------ closed off the loop, after the loop

    @Test
    void aSocketClosedOffTheLoopAfterTheLoopClosedIsClosedAtOnce() throws Exception {
        try (ServerSocket peer = new ServerSocket(0)) {
            EventLoop loop = EventLoop.create();
            Connection c = loop.runUntilComplete(() -> Streams.openConnection("127.0.0.1", peer.getLocalPort()));
            loop.close();
            SocketTransport t = (SocketTransport) c.writer().transport();
            c.close();
            assertFalse(t.channel().isOpen());
            assertTrue(t.isClosing());
            c.writer().abort(); // idempotent
        }
    }

    @Test
    void aTlsStreamClosedOffTheLoopAfterTheLoopClosedClosesItsSocketAtOnce() throws Exception {
        try (SSLServerSocket peer = (SSLServerSocket) TlsTest.jdkContext("server", false).getServerSocketFactory()
                .createServerSocket(0)) {
            Thread.ofPlatform().daemon().start(() -> {
                try (SSLSocket s = (SSLSocket) peer.accept()) {
                    s.startHandshake();
                    s.getInputStream().read(); // until the client goes away
                } catch (IOException ignored) {
                    // the client went away
                }
            });
            EventLoop loop = EventLoop.create();
            Connection c = loop.runUntilComplete(() -> Streams.openConnection("localhost", peer.getLocalPort(),
                    TlsTest.tls(TlsTest.trustingTestCa())));
            loop.close();
            TlsTransport tls = (TlsTransport) c.writer().transport();
            c.close(); // no close_notify can be sent: nothing runs on a closed loop; the socket is closed
            assertTrue(tls.isClosing());
            assertFalse(((SocketTransport) tls.lowerForTests()).channel().isOpen());
            c.writer().abort();
        }
    }

    @Test
    void aPipeClosedOffTheLoopAfterTheLoopClosedClosesItsStreams() throws Exception {
        CountDownLatch outClosed = new CountDownLatch(1);
        CountDownLatch inClosed = new CountDownLatch(1);
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
            }

            @Override
            public void close() {
                outClosed.countDown();
            }
        };
        PipedOutputStream feed = new PipedOutputStream();
        InputStream in = new PipedInputStream(feed) {
            @Override
            public void close() throws IOException {
                super.close();
                inClosed.countDown();
            }
        };
        EventLoop loop = EventLoop.create();
        PipeTransport[] t = new PipeTransport[2];
        loop.runUntilComplete(() -> {
            t[0] = PipeTransport.forOutput(loop, out, "out");
            t[1] = PipeTransport.forInput(loop, in, "in", 1 << 16);
            return null;
        });
        loop.close();
        t[0].close();
        t[1].close();
        assertTrue(t[0].isClosing() && t[1].isClosing());
        assertTrue(outClosed.await(SAFETY.toSeconds(), TimeUnit.SECONDS), "no pump was writing: closed at once");
        feed.write("x".getBytes(StandardCharsets.US_ASCII)); // the blocked read returns: its pump closes the stream
        feed.flush();
        assertTrue(inClosed.await(SAFETY.toSeconds(), TimeUnit.SECONDS), "the pump closed its stream");
    }
}
