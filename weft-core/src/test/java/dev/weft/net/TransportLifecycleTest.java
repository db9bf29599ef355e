package dev.weft.net;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.CancelledException;
import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.testing.WeftTest;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every transport does the same way, because it lives in {@link AbstractTransport}: the
 * lifecycle, waiting for the close, and the drain. Each test runs over a socket, TLS over a
 * socket, a pipe and an in-memory pair (real loopback sockets; the test CA of
 * src/test/resources/tls).
 */
class TransportLifecycleTest {

    /** A safety net so that a broken transport fails the test instead of hanging it; never the thing tested. */
    private static final Duration SAFETY = Duration.ofSeconds(20);

    /** A writer of the given kind, and what must be closed after the test. */
    private record Subject(StreamWriter writer, List<AutoCloseable> resources) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            writer.abort();
            for (AutoCloseable r : resources) {
                r.close();
            }
        }
    }

    private static Subject open(String kind) throws Exception {
        List<AutoCloseable> resources = new ArrayList<>();
        switch (kind) {
            case "socket" -> {
                Server s = Streams.startServer((in, out) -> in.readAllBytes(Long.MAX_VALUE), "127.0.0.1", 0);
                resources.add(s);
                return new Subject(Streams.openConnection("127.0.0.1", s.port()).writer(), resources);
            }
            case "tls" -> {
                Server s = TlsTest.echoServer(TlsTest.serverTls("server"));
                resources.add(s);
                return new Subject(Streams.openConnection("localhost", s.port(), TlsTest.tls(TlsTest.trustingTestCa()))
                        .writer(), resources);
            }
            case "pipe" -> {
                OutputStream sink = OutputStream.nullOutputStream();
                return new Subject(new StreamWriter(PipeTransport.forOutput(dev.weft.EventLoop.running(), sink, "sink")),
                        resources);
            }
            case "memory" -> {
                Streams.MemoryPair pair = Streams.memoryPair(1024);
                resources.add(pair.b()::close);
                return new Subject(pair.a().writer(), resources);
            }
            default -> throw new IllegalArgumentException(kind);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"socket", "tls", "pipe", "memory"})
    @WeftTest(virtualClock = false)
    void aCancelledWaitForTheCloseLeavesTheCloseAndTheOtherWaitersUnharmed(String kind) throws Exception {
        try (Subject s = open(kind)) {
            StreamWriter w = s.writer();
            Task<Void> cancelled = Weft.spawn(() -> w.waitClosed());
            Task<Void> patient = Weft.spawn(() -> w.waitClosed());
            Weft.sleep(0.01); // both wait now
            assertFalse(cancelled.isDone() || patient.isDone(), "nothing closed the " + kind + " yet");
            cancelled.cancel();
            assertThrows(CancelledException.class, cancelled::await);
            w.close(); // must not trip over the cancelled wait
            Weft.withTimeout(SAFETY, () -> patient.await());
            assertFalse(patient.isCancelled(), "the other waiter was not cancelled");
            Weft.withTimeout(SAFETY, () -> w.waitClosed()); // and a later wait returns
            assertTrue(w.isClosing());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"socket", "tls", "pipe", "memory"})
    @WeftTest(virtualClock = false)
    void afterCloseWritesAreRefusedAndCloseAndAbortAreIdempotent(String kind) throws Exception {
        try (Subject s = open(kind)) {
            StreamWriter w = s.writer();
            w.write("before\n");
            w.drain();
            w.close();
            assertTrue(w.isClosing());
            assertThrows(IOException.class, () -> w.write("after\n"));
            w.close();
            w.abort();
            Weft.withTimeout(SAFETY, () -> w.waitClosed());
            assertTrue(w.isClosing());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"socket", "tls", "pipe", "memory"})
    @WeftTest(virtualClock = false)
    void afterShutdownOutputWritesAreRefusedButTheStreamIsNotClosing(String kind) throws Exception {
        try (Subject s = open(kind)) {
            StreamWriter w = s.writer();
            w.write("last\n");
            w.writeEof();
            assertThrows(IOException.class, () -> w.write("more\n"));
            if (!kind.equals("pipe")) { // a pipe's write side is all of it: its end is its close
                assertFalse(w.isClosing(), "a half-closed " + kind + " still reads");
            }
            w.close();
            Weft.withTimeout(SAFETY, () -> w.waitClosed());
        }
    }

    @org.junit.jupiter.api.Test
    @WeftTest
    void theLifecycleNeverGoesBack() {
        Streams.MemoryPair pair = Streams.memoryPair(1);
        MemoryTransport t = (MemoryTransport) pair.a().writer().transport();
        assertEquals(AbstractTransport.State.OPEN, t.state());
        pair.a().close();
        assertEquals(AbstractTransport.State.CLOSED, t.state());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.moveTo(AbstractTransport.State.OPEN));
        assertTrue(e.getMessage().contains("from CLOSED to OPEN"), e.getMessage());
    }
}
