package dev.weft.net;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.testing.WeftTest;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The in-memory stream pair, and TLS records fed through it in pieces: the handshake one byte at
 * a time, records in pieces of every small size, and a small exchange cut at every offset (a
 * record header or body split anywhere, and the boundary between two records).
 *
 * <p>One handshake per test: a handshake costs far more than the splitting (the first one in a
 * JVM, which loads and warms the JDK's TLS, about a second; later ones tens of milliseconds),
 * so the pieces vary on one session.
 */
@WeftTest
class MemoryStreamsTest {

    @Test
    void whatOneSideWritesTheOtherReadsInPiecesOfAtMostTheChunk() throws Exception {
        Streams.MemoryPair p = Streams.memoryPair(3);
        p.a().writer().write("hello\nworld");
        p.a().writer().writeEof();
        assertEquals(3, p.b().reader().read(100).length, "one read takes at most three bytes");
        assertEquals("lo", p.b().reader().readLine());
        assertEquals("world", p.b().reader().readLine());
        assertNull(p.b().reader().readLine());
        p.b().writer().write("back");
        p.b().close();
        assertEquals("back", new String(p.a().reader().readAllBytes(100)));
    }

    @Test
    void aPauseCutsTheReadsThereOnce() throws Exception {
        Streams.MemoryPair p = Streams.memoryPair(100);
        memory(p.b()).pauseAfter(4);
        p.a().writer().write("0123456789");
        assertEquals("0123", new String(p.b().reader().read(100)), "the read stops at the pause");
        assertEquals("456789", new String(p.b().reader().read(100)), "then the rest comes at once");
        assertEquals(10, memory(p.b()).received());
    }

    /** Two TLS ends over a memory pair: the client's, and the server's made by a task of the same loop. */
    private record TlsPair(Streams.MemoryPair raw, Connection client, Connection server) {
        static TlsPair handshake(int maxReadChunk) throws Exception {
            Streams.MemoryPair p = Streams.memoryPair(maxReadChunk);
            Task<Connection> server = Weft.spawn(() ->
                    Streams.startTls(p.b().reader(), p.b().writer(), TlsTest.serverTls("server"), null));
            Connection c = Streams.startTls(p.a(), TlsTest.trustingTestCa(), "localhost");
            return new TlsPair(p, c, server.await());
        }
    }

    private static MemoryTransport memory(Connection c) {
        return (MemoryTransport) c.writer().transport();
    }

    @Test
    void aTlsHandshakeReadOneByteAtATimeThenRecordsInPiecesOfEverySize() throws Exception {
        TlsPair t = TlsPair.handshake(1); // every record of the handshake, both ways, one byte at a time
        for (int chunk : new int[] {1, 3, 13, 100, 16_389, 40_000}) {
            // small pieces: one record split at every offset; larger ones: several records of 16 KiB and a partial one
            memory(t.raw().a()).setMaxReadChunk(chunk);
            memory(t.raw().b()).setMaxReadChunk(chunk);
            byte[] payload = new byte[chunk < 100 ? 5_000 : 40_000];
            new Random(chunk).nextBytes(payload);
            Task<Void> echo = Weft.spawn(() -> {
                byte[] got = t.server().reader().readExactly(payload.length);
                t.server().writer().write(got);
                t.server().writer().drain();
            });
            t.client().writer().write(payload);
            t.client().writer().drain();
            assertArrayEquals(payload, t.client().reader().readExactly(payload.length), "echoed, pieces of " + chunk);
            echo.await();
        }
        t.client().close();
        assertNull(t.server().reader().readLine(), "close_notify read in pieces too");
    }

    @Test
    void tlsRecordsOfASmallExchangeCutAtEveryOffsetStillDecrypt() throws Exception {
        TlsPair t = TlsPair.handshake(1 << 16);
        byte[] first = "first".getBytes(StandardCharsets.US_ASCII);
        byte[] second = "and second".getBytes(StandardCharsets.US_ASCII);
        byte[] both = (new String(first, StandardCharsets.US_ASCII) + new String(second, StandardCharsets.US_ASCII))
                .getBytes(StandardCharsets.US_ASCII);
        // One plain round trip first: what the server sends after the handshake (TLS 1.3 session
        // tickets) is then read, so that the offsets below fall in the two records of each exchange.
        exchange(t, first, second, both);
        long before = memory(t.raw().b()).received();
        exchange(t, first, second, both);
        int records = (int) (memory(t.raw().b()).received() - before); // the two records' ciphertext, headers included
        assertTrue(records > both.length + 2 * 5, "two records: " + records + " bytes");
        for (int cut = 1; cut < records; cut++) {
            memory(t.raw().b()).pauseAfter(cut); // the server meets the first cut bytes alone
            memory(t.raw().a()).pauseAfter(cut); // and so does the client, in the echo
            exchange(t, first, second, both);
        }
    }

    /** The client sends two records; the server reads them and echoes them as two records. */
    private static void exchange(TlsPair t, byte[] first, byte[] second, byte[] both) throws Exception {
        t.client().writer().write(first);
        t.client().writer().write(second); // a record each
        Task<Void> echo = Weft.spawn(() -> {
            byte[] got = t.server().reader().readExactly(both.length);
            assertArrayEquals(both, got);
            t.server().writer().write(got, 0, first.length);
            t.server().writer().write(got, first.length, second.length);
        });
        assertArrayEquals(both, t.client().reader().readExactly(both.length));
        echo.await();
    }
}
