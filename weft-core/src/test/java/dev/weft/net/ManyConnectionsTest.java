package dev.weft.net;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.LoopGroup;
import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.sync.Event;
import dev.weft.testing.WeftTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Seed 004's "too many file descriptors in select()" must never happen in Weft. */
@WeftTest(virtualClock = false)
class ManyConnectionsTest {

    static final int CONNECTIONS = 8_000;

    static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /**
     * Fails if more descriptors are open than {@code before}. Fewer is fine: sockets left by
     * earlier tests in this JVM may be closed meanwhile (by their loops or by the GC's cleaner).
     */
    static void assertNoDescriptorLeft(long before, String what) throws IOException {
        long after = openDescriptors();
        assertTrue(after <= before, what + ": " + before + " descriptors open before, " + after + " after");
    }

    @Test
    void eightThousandConcurrentConnectionsThroughOneEchoServerLoseNothingAndLeakNoDescriptor() throws Exception {
        long limit = Long.parseLong(new String(new ProcessBuilder("sh", "-c", "ulimit -n").start()
                .getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim());
        assertTrue(limit >= 2L * CONNECTIONS + 500,
                "this test needs " + (2 * CONNECTIONS + 500) + " descriptors; the soft limit is " + limit
                        + " (run it through ./weft, which raises the limit to the hard one)");
        long before = openDescriptors();
        AtomicLong echoedByServer = new AtomicLong();
        try (LoopGroup group = new LoopGroup(2)) {
            Server server = Streams.startServer((r, w) -> {
                byte[] chunk;
                while ((chunk = r.read(8192)).length > 0) {
                    echoedByServer.addAndGet(chunk.length);
                    w.write(chunk);
                    w.drain();
                }
            }, "127.0.0.1", 0, ServerOptions.defaults().loops(group));

            AtomicInteger connected = new AtomicInteger();
            AtomicInteger peakOpen = new AtomicInteger();
            Event allConnected = new Event();
            List<Task<Integer>> clients = new ArrayList<>(CONNECTIONS);
            for (int i = 0; i < CONNECTIONS; i++) {
                int id = i;
                clients.add(Weft.spawn(() -> {
                    try (Connection c = Streams.openConnection("127.0.0.1", server.port())) {
                        int now = connected.incrementAndGet();
                        peakOpen.accumulateAndGet(now, Math::max);
                        if (now == CONNECTIONS) {
                            allConnected.set();
                        }
                        allConnected.await(); // every connection is open at the same time
                        String msg = "connection " + id + " says " + "x".repeat(id % 200);
                        c.writer().write(msg + "\n");
                        String back = c.reader().readLine();
                        assertEquals(msg, back);
                        c.writer().writeEof();
                        assertNull(c.reader().readLine(), "the server closes after our end of stream");
                        return msg.length() + 1;
                    }
                }));
            }
            long sent = 0;
            for (int n : Weft.gather(clients)) {
                sent += n;
            }
            assertEquals(CONNECTIONS, peakOpen.get());
            assertEquals(CONNECTIONS, server.acceptedConnections());
            server.close();
            server.waitClosed();
            assertEquals(0, server.activeConnections());
            assertEquals(sent, echoedByServer.get(), "every byte echoed");
        }
        assertNoDescriptorLeft(before, "descriptors left open");
    }
}
