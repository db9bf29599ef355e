package dev.weft.net;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.testing.WeftTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

@WeftTest(virtualClock = false)
class StreamsTest {

    static Server echoServer() throws Exception {
        return Streams.startServer((r, w) -> {
            byte[] chunk;
            while ((chunk = r.read(65536)).length > 0) {
                w.write(chunk);
                w.drain();
            }
        }, "127.0.0.1", 0);
    }

    @Test
    void linesGoThereAndBack() throws Exception {
        try (Server server = echoServer(); Connection c = Streams.openConnection("127.0.0.1", server.port())) {
            c.writer().write("hello\nworld\r\n");
            assertEquals("hello", c.reader().readLine());
            assertEquals("world", c.reader().readLine());
            c.writer().writeEof();
            assertNull(c.reader().readLine());
            assertTrue(c.reader().atEof());
        }
    }

    @Test
    void readExactlyAndReadUntil() throws Exception {
        try (Server server = echoServer(); Connection c = Streams.openConnection("localhost", server.port())) {
            c.writer().write("abcdef--XYZ--tail");
            assertArrayEquals("abc".getBytes(), c.reader().readExactly(3));
            assertArrayEquals("def--".getBytes(), c.reader().readUntil("--".getBytes()));
            assertArrayEquals("XYZ--".getBytes(), c.reader().readUntil("--".getBytes()));
            c.writer().writeEof();
            IncompleteReadException e = assertThrows(IncompleteReadException.class, () -> c.reader().readExactly(10));
            assertEquals("tail", new String(e.partial(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void manyClientsConcurrently() throws Exception {
        try (Server server = echoServer()) {
            List<Task<Integer>> clients = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int id = i;
                clients.add(Weft.spawn(() -> {
                    try (Connection c = Streams.openConnection("127.0.0.1", server.port())) {
                        int total = 0;
                        for (int k = 0; k < 10; k++) {
                            String msg = "client " + id + " message " + k;
                            c.writer().write(msg + "\n");
                            assertEquals(msg, c.reader().readLine());
                            total += msg.length() + 1;
                        }
                        return total;
                    }
                }));
            }
            int sum = 0;
            for (int n : Weft.gather(clients)) {
                sum += n;
            }
            assertTrue(sum > 200 * 10 * 20);
        }
    }
}
