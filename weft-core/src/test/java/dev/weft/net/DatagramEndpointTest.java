package dev.weft.net;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.testing.WeftTest;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

@WeftTest(virtualClock = false)
class DatagramEndpointTest {

    @Test
    void sendAndReceiveOnLoopback() throws Exception {
        try (DatagramEndpoint server = DatagramEndpoint.bind("127.0.0.1", 0);
                DatagramEndpoint client = DatagramEndpoint.bind("127.0.0.1", 0)) {
            client.send("hello".getBytes(StandardCharsets.UTF_8), server.localAddress());
            Datagram d = server.receive();
            assertEquals("hello", d.text());
            assertEquals(client.localAddress(), d.from());
            assertFalse(d.truncated());
            server.send("back".getBytes(StandardCharsets.UTF_8), d.from());
            assertEquals("back", client.receive().text());
        }
    }

    @Test
    void manyDatagramsThroughAnEchoTask() throws Exception {
        try (DatagramEndpoint server = DatagramEndpoint.bind("127.0.0.1", 0);
                DatagramEndpoint client = DatagramEndpoint.connect("127.0.0.1", server.port())) {
            Task<Void> echo = Weft.spawn(() -> {
                while (true) {
                    Datagram d = server.receive();
                    server.send(d.data(), d.from());
                }
            });
            Set<String> got = new HashSet<>();
            int batches = 20;
            int perBatch = 50;
            for (int b = 0; b < batches; b++) {
                for (int i = 0; i < perBatch; i++) {
                    client.send(("msg-" + b + "-" + i).getBytes(StandardCharsets.UTF_8));
                }
                for (int i = 0; i < perBatch; i++) {
                    got.add(client.receive(Duration.ofSeconds(10)).text());
                }
            }
            assertEquals(batches * perBatch, got.size());
            echo.cancel();
            assertThrows(dev.weft.CancelledException.class, echo::await);
        }
    }

    @Test
    void receiveTimesOut() throws Exception {
        try (DatagramEndpoint e = DatagramEndpoint.bind("127.0.0.1", 0)) {
            assertThrows(SocketTimeoutException.class, () -> e.receive(Duration.ofMillis(20)));
            assertTrue(e.isOpen(), "a timeout leaves the endpoint usable");
        }
    }

    @Test
    void connectedModeFiltersAndSendsToThePeer() throws Exception {
        try (DatagramEndpoint server = DatagramEndpoint.bind("127.0.0.1", 0);
                DatagramEndpoint client = DatagramEndpoint.connect("localhost", server.port())) {
            assertEquals(server.port(), client.remoteAddress().getPort());
            client.send("ping".getBytes(StandardCharsets.UTF_8));
            Datagram d = server.receive();
            assertEquals("ping", d.text());
            server.send("pong".getBytes(StandardCharsets.UTF_8), d.from());
            Datagram reply = client.receive();
            assertEquals("pong", reply.text());
            assertEquals(server.port(), ((InetSocketAddress) reply.from()).getPort());
            assertThrows(dev.weft.InvalidStateException.class,
                    () -> client.send(new byte[1], new InetSocketAddress("127.0.0.1", 9)));
        }
    }

    @Test
    void portUnreachableIsReportedOnAConnectedEndpoint() throws Exception {
        int deadPort;
        try (DatagramEndpoint gone = DatagramEndpoint.bind("127.0.0.1", 0)) {
            deadPort = gone.port();
        }
        try (DatagramEndpoint client = DatagramEndpoint.connect("127.0.0.1", deadPort)) {
            client.send("anyone?".getBytes(StandardCharsets.UTF_8));
            assertThrows(PortUnreachableException.class, () -> client.receive(Duration.ofSeconds(30)));
            assertTrue(client.isOpen(), "the endpoint stays usable");
        }
    }

    @Test
    void longDatagramsAreTruncatedAndSaySo() throws Exception {
        try (DatagramEndpoint server = DatagramEndpoint.bind("127.0.0.1", 0).maxDatagramSize(10);
                DatagramEndpoint client = DatagramEndpoint.bind("127.0.0.1", 0)) {
            client.send("0123456789abcdefghij".getBytes(StandardCharsets.UTF_8), server.localAddress());
            Datagram d = server.receive();
            assertTrue(d.truncated());
            assertEquals("0123456789", d.text());
            client.send("short".getBytes(StandardCharsets.UTF_8), server.localAddress());
            assertFalse(server.receive().truncated());
        }
    }

    @Test
    void closeWakesAReceiver() throws Exception {
        DatagramEndpoint e = DatagramEndpoint.bind("127.0.0.1", 0);
        Task<Datagram> receiver = Weft.spawn(() -> e.receive());
        Weft.yieldNow();
        e.close();
        Exception ex = assertThrows(Exception.class, receiver::await);
        Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
        assertInstanceOf(AsynchronousCloseException.class, cause);
        assertFalse(e.isOpen());
    }
}
