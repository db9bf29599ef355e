package dev.weft.net;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.CancelledException;
import dev.weft.Future;
import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.sync.Event;
import dev.weft.testing.WeftTest;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Every way a connection can go wrong gives the task using it a clear exception, and nothing else breaks. */
@WeftTest(virtualClock = false)
class StreamFailuresTest {

    static int freePort() throws IOException {
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return ((InetSocketAddress) s.getLocalAddress()).getPort();
        }
    }

    @Test
    void connectRefusedNamesTheAddressAndLeavesNoDescriptor() throws Exception {
        int port = freePort();
        long before = ManyConnectionsTest.openDescriptors();
        ConnectException e = assertThrows(ConnectException.class, () -> Streams.openConnection("127.0.0.1", port));
        assertTrue(e.getMessage().contains("127.0.0.1") && e.getMessage().contains(String.valueOf(port)), e.getMessage());
        ManyConnectionsTest.assertNoDescriptorLeft(before, "a refused connect");
    }

    @Test
    void anUnknownHostFailsWithUnknownHostException() {
        assertThrows(java.net.UnknownHostException.class,
                () -> Streams.openConnection("no-such-host.invalid", 80));
    }

    /** A listener that never accepts: once its backlog is full the kernel drops further SYNs. */
    @Test
    void connectTimeoutAgainstAListenerWhoseBacklogIsFull() throws Exception {
        try (ServerSocketChannel stalled = ServerSocketChannel.open()) {
            stalled.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            int port = ((InetSocketAddress) stalled.getLocalAddress()).getPort();
            ConnectOptions opts = ConnectOptions.defaults().connectTimeout(Duration.ofMillis(300));
            List<Task<Connection>> attempts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                attempts.add(Weft.spawn(() -> Streams.openConnection("127.0.0.1", port, opts)));
            }
            int timedOut = 0;
            for (Task<Connection> t : attempts) {
                try {
                    t.await().close();
                } catch (dev.weft.TaskFailedException e) {
                    assertInstanceOf(SocketTimeoutException.class, e.getCause());
                    assertTrue(e.getCause().getMessage().contains("timed out"), e.getCause().getMessage());
                    timedOut++;
                }
            }
            assertTrue(timedOut > 0, "a full backlog must make some connects time out");
        }
    }

    @Test
    void aCancelledConnectClosesItsSocket() throws Exception {
        try (ServerSocketChannel stalled = ServerSocketChannel.open()) {
            stalled.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            int port = ((InetSocketAddress) stalled.getLocalAddress()).getPort();
            List<Task<Connection>> attempts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                attempts.add(Weft.spawn(() -> Streams.openConnection("127.0.0.1", port)));
            }
            for (int i = 0; i < 3; i++) {
                Weft.yieldNow();
            }
            long open = ManyConnectionsTest.openDescriptors();
            int cancelled = 0;
            for (Task<Connection> t : attempts) {
                if (!t.isDone()) {
                    t.cancel();
                    cancelled++;
                }
            }
            assertTrue(cancelled > 0);
            for (Task<Connection> t : attempts) {
                try {
                    t.await().close();
                } catch (CancelledException expected) {
                    // the pending connect was abandoned
                }
            }
            ManyConnectionsTest.assertNoDescriptorLeft(open - cancelled, "each cancelled connect closes its socket");
        }
    }

    @Test
    void aResetByThePeerReachesTheReader() throws Exception {
        Event gotRequest = new Event();
        try (Server server = Streams.startServer((r, w) -> {
            r.readLine();
            gotRequest.set();
            w.abort(); // SO_LINGER 0: the client sees a reset
        }, "127.0.0.1", 0); Connection c = Streams.openConnection("127.0.0.1", server.port())) {
            c.writer().write("hello\n");
            gotRequest.await();
            IOException e = assertThrows(IOException.class, () -> c.reader().readLine());
            assertTrue(e.getMessage().toLowerCase().contains("reset"), e.getMessage());
        }
    }

    /**
     * The peer answers and closes without reading what we send (an HTTP server refusing an upload):
     * our writes fail, but its answer, already in our socket, is still read.
     */
    @Test
    void whatThePeerSaidBeforeOurWriteFailedStaysReadable() throws Exception {
        writeToAPeerThatAnswersAndCloses(); // the first one also loads what a first connection loads
        long before = ManyConnectionsTest.openDescriptors();
        writeToAPeerThatAnswersAndCloses();
        ManyConnectionsTest.assertNoDescriptorLeft(before, "a failed write");
    }

    private static void writeToAPeerThatAnswersAndCloses() throws Exception {
        try (Server server = Streams.startServer((r, w) -> {
            r.readLine();
            w.write("no thanks\n"); // then closes with our data unread: the kernel resets the connection
        }, "127.0.0.1", 0); Connection c = Streams.openConnection("127.0.0.1", server.port())) {
            c.writer().write("hello\n");
            byte[] lots = new byte[1 << 20];
            IOException e = assertThrows(IOException.class, () -> {
                for (int i = 0; i < 256; i++) { // far more than any socket buffers hold
                    c.writer().write(lots);
                    c.writer().drain();
                }
            });
            assertTrue(c.writer().isClosing(), "a failed write closes the stream: " + e);
            assertEquals("no thanks", c.reader().readLine());
            // Then the end: an end of stream if the salvage saw the peer's, else the error (a reset
            // may have cut off more): never a cut stream passed off as a whole one.
            try {
                assertNull(c.reader().readLine());
            } catch (IOException end) {
                assertSame(e, end, "the write's own error");
            }
        }
    }

    @Test
    void halfCloseLetsThePeerAnswerAfterOurEndOfStream() throws Exception {
        try (Server server = Streams.startServer((r, w) -> {
            byte[] all = r.readAllBytes(1 << 20);
            w.write("got " + all.length + " bytes\n");
        }, "127.0.0.1", 0); Connection c = Streams.openConnection("127.0.0.1", server.port())) {
            c.writer().write(new byte[100_000]);
            c.writer().writeEof();
            assertEquals("got 100000 bytes", c.reader().readLine());
            assertNull(c.reader().readLine());
        }
    }

    @Test
    void aHugeLineWithoutNewlineFailsCleanlyAndTheServerGoesOnServing() throws Exception {
        List<Throwable> handlerErrors = new ArrayList<>();
        try (Server server = Streams.startServer((r, w) -> {
            try {
                String line = r.readLine();
                w.write("echo " + line + "\n");
            } catch (LimitOverrunException e) {
                handlerErrors.add(e);
                w.write("line too long\n");
            }
        }, "127.0.0.1", 0)) {
            try (Connection c = Streams.openConnection("127.0.0.1", server.port())) {
                byte[] garbage = new byte[10 * 1024 * 1024];
                java.util.Arrays.fill(garbage, (byte) 'x');
                c.writer().write(garbage);
                assertEquals("line too long", c.reader().readLine());
            }
            assertEquals(1, handlerErrors.size());
            assertTrue(((LimitOverrunException) handlerErrors.get(0)).consumed() <= StreamReader.DEFAULT_LIMIT + 65536);
            try (Connection c = Streams.openConnection("127.0.0.1", server.port())) {
                c.writer().write("next\n");
                assertEquals("echo next", c.reader().readLine());
            }
        }
    }

    @Test
    void aWriterThatDrainsIsHeldBackByAPeerThatDoesNotRead() throws Exception {
        int chunk = 64 * 1024;
        long total = 32L * 1024 * 1024;
        AtomicLong maxBuffered = new AtomicLong();
        Event drainHeldUsBack = new Event();
        try (Server server = Streams.startServer((r, w) -> {
            byte[] block = new byte[chunk];
            for (long sent = 0; sent < total; sent += chunk) {
                w.write(block);
                maxBuffered.accumulateAndGet(w.bufferedAmount(), Math::max);
                if (w.bufferedAmount() > StreamWriter.DEFAULT_HIGH_WATER) {
                    drainHeldUsBack.set();
                }
                w.drain();
            }
        }, "127.0.0.1", 0); Connection c = Streams.openConnection("127.0.0.1", server.port())) {
            drainHeldUsBack.await(); // we have not read a byte: the server had to wait in drain()
            long received = 0;
            byte[] buf = new byte[chunk];
            int n;
            while ((n = c.reader().read(buf, 0, buf.length)) > 0) {
                received += n;
            }
            assertEquals(total, received);
            assertTrue(maxBuffered.get() <= StreamWriter.DEFAULT_HIGH_WATER + chunk,
                    "the server buffered " + maxBuffered.get() + " bytes");
        }
    }

    @Test
    void cancellingATaskBlockedInReadOrDrainLetsItCloseTheConnection() throws Exception {
        Future<Void> serverSawEof = new Future<>();
        try (Server server = Streams.startServer((r, w) -> {
            assertNull(r.readLine());
            serverSawEof.setResult(null);
        }, "127.0.0.1", 0)) {
            Task<Void> reader = Weft.spawn(() -> {
                try (Connection c = Streams.openConnection("127.0.0.1", server.port())) {
                    c.reader().readLine(); // the server never writes
                }
            });
            while (server.activeConnections() == 0) {
                Weft.yieldNow();
            }
            Weft.yieldNow();
            reader.cancel();
            assertThrows(CancelledException.class, reader::await);
            serverSawEof.await(Duration.ofSeconds(30));
        }
        Event stuck = new Event();
        Future<Void> secondSawEof = new Future<>();
        try (Server server = Streams.startServer((r, w) -> {
            assertNull(r.readLine()); // never reads until the end
            secondSawEof.setResult(null);
        }, "127.0.0.1", 0)) {
            Task<Void> writer = Weft.spawn(() -> {
                try (Connection c = Streams.openConnection("127.0.0.1", server.port())) {
                    c.writer().setWriteBufferLimits(1024, 0);
                    byte[] block = new byte[1 << 20];
                    while (true) {
                        c.writer().write(block);
                        if (c.writer().bufferedAmount() > 1024) {
                            stuck.set();
                        }
                        c.writer().drain();
                    }
                }
            });
            stuck.await();
            writer.cancel();
            assertThrows(CancelledException.class, writer::await);
        }
    }

    @Test
    void closingAServerWakesItsAcceptorAndReleasesTheListener() throws Exception {
        long before = ManyConnectionsTest.openDescriptors();
        Server server = Streams.startServer((r, w) -> { }, "127.0.0.1", 0);
        Weft.yieldNow(); // the acceptor is parked in accept
        server.close();
        server.waitClosed();
        assertFalse(server.isServing());
        ManyConnectionsTest.assertNoDescriptorLeft(before, "a closed server");
        assertThrows(ConnectException.class, () -> Streams.openConnection("127.0.0.1", server.port()));
    }
}
