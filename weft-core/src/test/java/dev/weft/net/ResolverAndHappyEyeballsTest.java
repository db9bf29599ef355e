package dev.weft.net;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.testing.WeftTest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

@WeftTest(virtualClock = false)
class ResolverAndHappyEyeballsTest {

    static final ConnectionHandler ECHO = (r, w) -> {
        byte[] chunk;
        while ((chunk = r.read(65536)).length > 0) {
            w.write(chunk);
            w.drain();
        }
    };

    static InetAddress ip(String literal) {
        return InetAddress.ofLiteral(literal);
    }

    @Test
    void answersAreCachedForTheirTimeToLiveOnly() throws Exception {
        AtomicLong now = new AtomicLong();
        AtomicInteger lookups = new AtomicInteger();
        CachingResolver r = new CachingResolver(Duration.ofSeconds(10), now::get, host -> {
            lookups.incrementAndGet();
            return List.of(ip("10.0.0." + lookups.get()));
        });
        assertEquals(List.of(ip("10.0.0.1")), r.resolve("example.test"));
        now.addAndGet(Duration.ofSeconds(9).toNanos());
        assertEquals(List.of(ip("10.0.0.1")), r.resolve("EXAMPLE.test"), "names are case-insensitive");
        assertEquals(1, lookups.get());
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertEquals(List.of(ip("10.0.0.2")), r.resolve("example.test"), "expired after 10 s");
        assertEquals(2, lookups.get());
    }

    @Test
    void literalsAreNeverLookedUpAndFailuresAreNotCached() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        CachingResolver r = new CachingResolver(Duration.ofSeconds(10), System::nanoTime, host -> {
            lookups.incrementAndGet();
            throw new UnknownHostException(host);
        });
        assertEquals(List.of(ip("127.0.0.1")), r.resolve("127.0.0.1"));
        assertEquals(List.of(ip("::1")), r.resolve("[::1]"));
        assertEquals(0, lookups.get());
        assertThrows(UnknownHostException.class, () -> r.resolve("bad.test"));
        assertThrows(UnknownHostException.class, () -> r.resolve("bad.test"));
        assertEquals(2, lookups.get());
    }

    @Test
    void aSlowLookupDoesNotFreezeTheLoopAndConcurrentLookupsOfOneNameAreMerged() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger lookups = new AtomicInteger();
        CachingResolver r = new CachingResolver(Duration.ofSeconds(10), System::nanoTime, host -> {
            lookups.incrementAndGet();
            assertTrue(release.await(30, TimeUnit.SECONDS));
            return List.of(ip("192.0.2.7"));
        });
        List<Task<List<InetAddress>>> askers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            askers.add(Weft.spawn(() -> r.resolve("slow.test")));
        }
        for (int i = 0; i < 10; i++) {
            Weft.yieldNow(); // the loop keeps running while the lookup blocks its own thread
        }
        release.countDown(); // only possible because the loop is not blocked
        for (List<InetAddress> got : Weft.gather(askers)) {
            assertEquals(List.of(ip("192.0.2.7")), got);
        }
        assertEquals(1, lookups.get());
    }

    @Test
    void familiesAreInterleavedStartingWithTheFirstAddresssFamily() {
        List<InetAddress> in = List.of(ip("::1"), ip("::2"), ip("10.0.0.1"), ip("10.0.0.2"), ip("::3"));
        assertEquals(List.of(ip("::1"), ip("10.0.0.1"), ip("::2"), ip("10.0.0.2"), ip("::3")),
                Connector.interleaveFamilies(in));
    }

    @Test
    void aRefusingFirstAddressFallsThroughToTheNextAtOnce() throws Exception {
        try (Server server = StreamsTest.echoServer()) {
            Resolver twoAddresses = host -> List.of(ip("127.0.0.3"), ip("127.0.0.1"));
            ConnectOptions opts = ConnectOptions.defaults().resolver(twoAddresses)
                    .happyEyeballsDelay(Duration.ofMinutes(10)); // only the refusal can start the second attempt
            try (Connection c = Streams.openConnection("two.test", server.port(), opts)) {
                assertEquals(ip("127.0.0.1"), ((InetSocketAddress) c.remoteAddress()).getAddress());
            }
        }
    }

    @Test
    void anAttemptFailingWithARuntimeExceptionCountsAsAFailureAndTheRaceGoesOn() throws Exception {
        int refusing;
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(ip("::1"), 0));
            refusing = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        // The IPv4 attempt cannot bind the IPv6 local address (UnsupportedAddressTypeException,
        // unchecked); the IPv6 one is refused. Only a recorded failure can start the second
        // attempt before the 10-minute delay, and end the race with both failures.
        Resolver twoFamilies = host -> List.of(ip("127.0.0.1"), ip("::1"));
        ConnectOptions opts = ConnectOptions.defaults().resolver(twoFamilies)
                .localAddress(new InetSocketAddress(ip("::1"), 0))
                .happyEyeballsDelay(Duration.ofMinutes(10))
                .connectTimeout(Duration.ofSeconds(30));
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> Streams.openConnection("two.test", refusing, opts));
        assertFalse(e instanceof java.net.SocketTimeoutException, "the race waited for its deadline: " + e);
        List<Throwable> all = new ArrayList<>(List.of(e));
        all.addAll(List.of(e.getSuppressed()));
        assertTrue(all.stream().anyMatch(t -> t.getCause() instanceof java.nio.channels.UnsupportedAddressTypeException), all.toString());
        assertTrue(all.stream().anyMatch(t -> t instanceof java.net.ConnectException), all.toString());
    }

    @Test
    void aHangingFirstAddressIsOvertakenByTheNextAfterTheDelay() throws Exception {
        // The same port on two addresses: a stalled listener on 127.0.0.2, the echo server on 127.0.0.1.
        ServerSocketChannel stalled = null;
        Server server = null;
        for (int attempt = 0; server == null; attempt++) {
            stalled = ServerSocketChannel.open();
            stalled.bind(new InetSocketAddress("127.0.0.2", 0), 1);
            try {
                server = Streams.startServer(ECHO, "127.0.0.1", ((InetSocketAddress) stalled.getLocalAddress()).getPort());
            } catch (java.net.BindException taken) {
                stalled.close();
                assertTrue(attempt < 20, "no port free on both addresses");
            }
        }
        try (Server s = server; ServerSocketChannel st = stalled) {
            int port = server.port();
            List<SocketChannel> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) { // fill the backlog: further SYNs to 127.0.0.2 are dropped
                    SocketChannel f = SocketChannel.open();
                    f.configureBlocking(false);
                    f.connect(new InetSocketAddress("127.0.0.2", port));
                    fillers.add(f);
                }
                Resolver twoAddresses = host -> List.of(ip("127.0.0.2"), ip("127.0.0.1"));
                ConnectOptions opts = ConnectOptions.defaults().resolver(twoAddresses)
                        .happyEyeballsDelay(Duration.ofMillis(50));
                long before = ManyConnectionsTest.openDescriptors();
                try (Connection c = Streams.openConnection("two.test", port, opts)) {
                    assertEquals(ip("127.0.0.1"), ((InetSocketAddress) c.remoteAddress()).getAddress());
                    c.writer().write("still echoing\n");
                    assertEquals("still echoing", c.reader().readLine());
                }
                while (server.activeConnections() > 0) {
                    Weft.yieldNow(); // the server's side of the connection closes after our end
                }
                ManyConnectionsTest.assertNoDescriptorLeft(before, "the losing attempt closes its socket");
            } finally {
                for (SocketChannel f : fillers) {
                    f.close();
                }
            }
        }
    }
}
