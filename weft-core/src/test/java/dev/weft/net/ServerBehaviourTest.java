package dev.weft.net;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.CancelledException;
import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.sync.Event;
import dev.weft.testing.WeftTest;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WeftTest(virtualClock = false)
class ServerBehaviourTest {

    @Test
    void unixDomainSocketsCarryStreamsToo(@TempDir Path dir) throws Exception {
        Path sock = dir.resolve("echo.sock");
        try (Server server = Streams.startUnixServer((r, w) -> {
            String line;
            while ((line = r.readLine()) != null) {
                w.write(line.toUpperCase() + "\n");
            }
        }, sock); Connection c = Streams.openUnixConnection(sock)) {
            assertEquals(-1, server.port());
            c.writer().write("over a unix socket\n");
            assertEquals("OVER A UNIX SOCKET", c.reader().readLine());
        }
        assertTrue(Files.exists(sock));
    }

    @Test
    void aReadTimeoutEndsAnIdleWait() throws Exception {
        try (Server server = Streams.startServer((r, w) -> r.readLine(), "127.0.0.1", 0);
                Connection c = Streams.openConnection("127.0.0.1", server.port())) {
            c.reader().setReadTimeout(Duration.ofMillis(50));
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> c.reader().readLine());
            assertTrue(e.getMessage().contains("no data"), e.getMessage());
        }
    }

    @Test
    void aConnectionCapMakesFurtherClientsWaitInTheBacklog() throws Exception {
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Event release = new Event();
        try (Server server = Streams.startServer((r, w) -> {
            peak.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            release.await();
            w.write("served\n");
            concurrent.decrementAndGet();
        }, "127.0.0.1", 0, ServerOptions.defaults().maxConnections(3))) {
            List<Task<String>> clients = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                clients.add(Weft.spawn(() -> {
                    try (Connection c = Streams.openConnection("127.0.0.1", server.port())) {
                        return c.reader().readLine();
                    }
                }));
            }
            while (server.activeConnections() < 3) {
                Weft.yieldNow();
            }
            for (int i = 0; i < 20; i++) {
                Weft.yieldNow(); // the other seven are connected (backlog) but not accepted
            }
            assertEquals(3, server.activeConnections());
            release.set();
            for (String s : Weft.gather(clients)) {
                assertEquals("served", s);
            }
            assertEquals(3, peak.get());
            assertEquals(10, server.acceptedConnections());
        }
    }

    @Test
    void gracefulShutdownWaitsForHandlersThenCancelsTheStragglers() throws Exception {
        Event quickStarted = new Event();
        Event slowStarted = new Event();
        List<String> log = new ArrayList<>();
        Server server = Streams.startServer((r, w) -> {
            String kind = r.readLine();
            if (kind.equals("quick")) {
                quickStarted.set();
                r.readLine(); // ends when the client closes
                log.add("quick done");
            } else {
                slowStarted.set();
                try {
                    Weft.sleep(Duration.ofHours(1));
                } catch (CancelledException e) {
                    log.add("slow cancelled");
                    throw e;
                }
            }
        }, "127.0.0.1", 0);
        Connection quick = Streams.openConnection("127.0.0.1", server.port());
        Connection slow = Streams.openConnection("127.0.0.1", server.port());
        quick.writer().write("quick\n");
        slow.writer().write("slow\n");
        quickStarted.await();
        slowStarted.await();
        Task<Integer> shutdown = Weft.spawn(() -> server.shutdown(Duration.ofMillis(200)));
        Weft.yieldNow();
        assertFalse(server.isServing());
        quick.close(); // the quick one finishes within the grace period
        assertEquals(1, shutdown.await(), "one handler had to be cancelled");
        assertEquals(List.of("quick done", "slow cancelled"), log);
        assertNull(slow.reader().readLine(), "the cancelled handler's connection was closed");
        slow.close();
        assertEquals(0, server.activeConnections());
    }

    @Test
    void serveForeverReturnsWhenTheServerIsClosedElsewhere() throws Exception {
        Server server = Streams.startServer((r, w) -> { }, "127.0.0.1", 0);
        Task<Void> serving = Weft.spawn(server::serveForever);
        Weft.yieldNow();
        server.close();
        serving.await();
        assertTrue(serving.isDone());
    }
}
