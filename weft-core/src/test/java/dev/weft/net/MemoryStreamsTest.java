package dev.weft.net;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.testing.WeftTest;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The in-memory stream pair, and TLS records fed through it in every small piece size: the
 * handshake and the records of both sides arriving one byte at a time, two, three, … so that a
 * record header or body split anywhere is met.
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
    void tlsRecordsSplitAtEveryOffsetOfSmallPiecesStillDecrypt() throws Exception {
        for (int chunk : new int[] {1, 3, 13, 100, 16_389, 40_000}) { // 1 byte: about 5 s, the handshake's records too
            // small pieces: one record split at every offset; larger ones: several records of 16 KiB and a partial one
            byte[] payload = new byte[chunk < 100 ? 5_000 : 40_000];
            new Random(3).nextBytes(payload);
            Streams.MemoryPair p = Streams.memoryPair(chunk);
            Task<byte[]> server = Weft.spawn(() -> {
                Connection s = Streams.startTls(p.b().reader(), p.b().writer(), TlsTest.serverTls("server"), null);
                byte[] got = s.reader().readExactly(payload.length);
                s.writer().write(got);
                s.writer().drain();
                return got;
            });
            Connection c = Streams.startTls(p.a(), TlsTest.trustingTestCa(), "localhost");
            c.writer().write(payload);
            c.writer().drain();
            assertArrayEquals(payload, c.reader().readExactly(payload.length), "echoed, pieces of " + chunk);
            assertArrayEquals(payload, server.await(), "pieces of " + chunk);
            c.close();
        }
    }
}
