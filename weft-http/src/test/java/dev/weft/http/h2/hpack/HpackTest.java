package dev.weft.http.h2.hpack;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * HPACK against every example of RFC 7541 Appendix C (decoder and encoder, table contents and
 * sizes after each block), and against hostile blocks.
 */
class HpackTest {

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** Decodes a block into "name: value" lines. */
    static List<String> decode(HpackDecoder d, byte[] block) throws HpackException {
        List<String> out = new ArrayList<>();
        assertTrue(d.decode(block, 0, block.length, (n, v) -> out.add(n + ": " + v)));
        return out;
    }

    static byte[] encode(HpackEncoder e, String... namesAndValues) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        e.beginBlock(out);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            e.encode(namesAndValues[i], namesAndValues[i + 1], out);
        }
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ C.1 integers

    @Test
    void integersOfAppendixC1() throws HpackException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Hpack.writeInt(out, 0, 5, 10);
        assertEquals("0a", hex(out.toByteArray()));
        out.reset();
        Hpack.writeInt(out, 0, 5, 1337);
        assertEquals("1f9a0a", hex(out.toByteArray()));
        out.reset();
        Hpack.writeInt(out, 0, 8, 42);
        assertEquals("2a", hex(out.toByteArray()));
        assertEquals(1337, new Hpack.Reader(hex("1f9a0a"), 0, 3).readInt(5));
        assertEquals(10, new Hpack.Reader(hex("ea"), 0, 1).readInt(5), "bits above the prefix are not part of it");
        ByteArrayOutputStream big = new ByteArrayOutputStream();
        Hpack.writeInt(big, 0, 7, Integer.MAX_VALUE);
        assertEquals(Integer.MAX_VALUE, new Hpack.Reader(big.toByteArray(), 0, big.size()).readInt(7));
    }

    // ------------------------------------------------------------------ C.2 single fields

    @Test
    void literalWithIndexingC21() throws HpackException {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        assertEquals(List.of("custom-key: custom-header"),
                decode(d, hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572")));
        assertEquals(55, d.tableSize());
    }

    @Test
    void literalWithoutIndexingC22() throws HpackException {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        assertEquals(List.of(":path: /sample/path"), decode(d, hex("040c 2f73 616d 706c 652f 7061 7468")));
        assertEquals(0, d.tableSize());
        HpackEncoder e = new HpackEncoder(4096);
        byte[] ours = encode(e, ":path", "/sample/path");
        assertEquals(0x04, ours[0], ":path is sent without indexing, its name indexed");
        assertEquals(List.of(":path: /sample/path"), decode(d, ours));
        assertEquals(0, d.tableSize());
    }

    @Test
    void neverIndexedC23() throws HpackException {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        assertEquals(List.of("password: secret"), decode(d, hex("1008 7061 7373 776f 7264 0673 6563 7265 74")));
        assertEquals(0, d.tableSize());
        byte[] auth = encode(new HpackEncoder(4096), "authorization", "Basic dXNlcjpwYXNz");
        assertEquals(0x10, auth[0] & 0xf0, "authorization is sent never-indexed");
        byte[] cookie = encode(new HpackEncoder(4096), "cookie", "sid=1234");
        assertEquals(0x10, cookie[0] & 0xf0, "a short cookie is sent never-indexed");
    }

    @Test
    void indexedC24() throws HpackException {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        assertEquals(List.of(":method: GET"), decode(d, hex("82")));
        assertEquals("82", hex(encode(new HpackEncoder(4096), ":method", "GET")));
    }

    // ------------------------------------------------------------------ C.3 / C.4 requests

    private static final String[][] REQUESTS = {
        {":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com"},
        {":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com", "cache-control", "no-cache"},
        {":method", "GET", ":scheme", "https", ":path", "/index.html", ":authority", "www.example.com", "custom-key",
            "custom-value"},
    };

    @Test
    void requestsWithoutHuffmanC3() throws HpackException {
        String[] blocks = {
            "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
            "8286 84be 5808 6e6f 2d63 6163 6865",
            "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
        };
        long[] sizes = {57, 110, 164};
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        for (int i = 0; i < 3; i++) {
            assertEquals(lines(REQUESTS[i]), decode(d, hex(blocks[i])), "block " + (i + 1));
            assertEquals(sizes[i], d.tableSize());
        }
    }

    @Test
    void requestsWithHuffmanC4DecodeAndEncodeByteForByte() throws HpackException {
        String[] blocks = {
            "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
            "8286 84be 5886 a8eb 1064 9cbf",
            "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
        };
        long[] sizes = {57, 110, 164};
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        HpackEncoder e = new HpackEncoder(4096);
        for (int i = 0; i < 3; i++) {
            assertEquals(lines(REQUESTS[i]), decode(d, hex(blocks[i])), "block " + (i + 1));
            assertEquals(sizes[i], d.tableSize());
            assertEquals(blocks[i].replace(" ", ""), hex(encode(e, REQUESTS[i])), "encoded block " + (i + 1));
        }
    }

    // ------------------------------------------------------------------ C.5 / C.6 responses, table of 256

    private static final String DATE1 = "Mon, 21 Oct 2013 20:13:21 GMT";
    private static final String DATE2 = "Mon, 21 Oct 2013 20:13:22 GMT";
    private static final String LOC = "https://www.example.com";
    private static final String[][] RESPONSES = {
        {":status", "302", "cache-control", "private", "date", DATE1, "location", LOC},
        {":status", "307", "cache-control", "private", "date", DATE1, "location", LOC},
        {":status", "200", "cache-control", "private", "date", DATE2, "location", LOC, "content-encoding", "gzip",
            "set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"},
    };

    @Test
    void responsesWithoutHuffmanC5EvictOldEntries() throws HpackException {
        String[] blocks = {
            "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120"
                + " 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
            "4803 3330 37c1 c0bf",
            "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738"
                + " 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765"
                + " 3d33 3630 303b 2076 6572 7369 6f6e 3d31",
        };
        long[] sizes = {222, 222, 215};
        HpackDecoder d = new HpackDecoder(256, 1 << 20);
        for (int i = 0; i < 3; i++) {
            assertEquals(lines(RESPONSES[i]), decode(d, hex(blocks[i])), "block " + (i + 1));
            assertEquals(sizes[i], d.tableSize());
        }
    }

    @Test
    void responsesWithHuffmanC6DecodeAndEncodeByteForByte() throws HpackException {
        String[] blocks = {
            "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718"
                + " 63c7 8f0b 97c8 e9ae 82ae 43d3",
            "4883 640e ffc1 c0bf",
            "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7"
                + " b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07",
        };
        long[] sizes = {222, 222, 215};
        HpackDecoder d = new HpackDecoder(256, 1 << 20);
        HpackEncoder e = new HpackEncoder(256, true); // the RFC's encoder indexes location and set-cookie too
        e.setPeerMaxTableSize(256);
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        e.beginBlock(first); // the size update to 256 (not part of the RFC's blocks, which start at 256)
        assertEquals("3fe101", hex(first.toByteArray()));
        for (int i = 0; i < 3; i++) {
            assertEquals(lines(RESPONSES[i]), decode(d, hex(blocks[i])), "block " + (i + 1));
            assertEquals(sizes[i], d.tableSize());
            assertEquals(blocks[i].replace(" ", ""), hex(encode(e, RESPONSES[i])), "encoded block " + (i + 1));
        }
    }

    private static List<String> lines(String[] namesAndValues) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            out.add(namesAndValues[i] + ": " + namesAndValues[i + 1]);
        }
        return out;
    }

    // ------------------------------------------------------------------ table size updates

    @Test
    void theEncoderSignalsTheSmallestThenTheFinalSizeAndTheDecoderFollows() throws HpackException {
        HpackEncoder e = new HpackEncoder(4096);
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        decode(d, encode(e, "x-a", "1", "x-b", "2"));
        assertEquals(2 * 36, d.tableSize());
        e.setPeerMaxTableSize(0);
        e.setPeerMaxTableSize(1000);
        byte[] block = encode(e, "x-a", "1");
        assertEquals("20", hex(block).substring(0, 2), "first the smallest size, 0 (the table is emptied)");
        assertEquals("3fc907", hex(block).substring(2, 8), "then the final size, 1000");
        assertEquals(List.of("x-a: 1"), decode(d, block));
        assertEquals(1000, d.maxTableSize());
        assertEquals(36, d.tableSize(), "the old entries went with the update to 0");
    }

    @Test
    void aSizeUpdateAboveTheLimitIsACompressionError() {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Hpack.writeInt(out, 0x20, 5, 4097);
        HpackException e = assertThrows(HpackException.class, () -> decode(d, out.toByteArray()));
        assertTrue(e.getMessage().contains("exceeds the limit"), e.getMessage());
    }

    @Test
    void aSizeUpdateAfterAFieldIsACompressionError() {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        HpackException e = assertThrows(HpackException.class, () -> decode(d, hex("82 20")));
        assertTrue(e.getMessage().contains("after the first field"), e.getMessage());
    }

    @Test
    void afterTheLimitIsLoweredTheNextBlockMustStartWithAnUpdate() throws HpackException {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        d.setMaxTableSizeLimit(100);
        assertThrows(HpackException.class, () -> decode(d, hex("82")));
        HpackDecoder d2 = new HpackDecoder(4096, 1 << 20);
        d2.setMaxTableSizeLimit(100);
        assertEquals(List.of(":method: GET"), decode(d2, hex("3f45 82"))); // update to 100, then a field
        assertEquals(100, d2.maxTableSize());
    }

    // ------------------------------------------------------------------ hostile blocks

    @Test
    void indexZeroAndIndexesPastTheTablesAreRefused() {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        assertThrows(HpackException.class, () -> decode(d, hex("80")), "index 0");
        assertThrows(HpackException.class, () -> decode(d, hex("be")), "index 62 with an empty dynamic table");
        assertThrows(HpackException.class, () -> decode(d, hex("7e 01 61")), "a literal naming index 62");
        assertThrows(HpackException.class, () -> decode(d, hex("ff ff ff ff ff 0f")), "a huge index");
    }

    @Test
    void integerOverflowIsRefused() {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        HpackException e = assertThrows(HpackException.class, () -> decode(d, hex("ff 80 80 80 80 10")));
        assertTrue(e.getMessage().contains("overflow"), e.getMessage());
        assertThrows(HpackException.class, () -> decode(d, hex("ff 80 80 80 80 80 80 80 01")),
                "endless continuation octets");
        assertThrows(HpackException.class, () -> decode(d, hex("ff 80")), "a block that ends inside an integer");
    }

    @Test
    void aStringLongerThanTheBlockIsRefused() {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        HpackException e = assertThrows(HpackException.class, () -> decode(d, hex("40 0a 6162")));
        assertTrue(e.getMessage().contains("runs past"), e.getMessage());
        assertThrows(HpackException.class, () -> decode(d, hex("40 7f ffffff07")), "a 2 GB string");
        assertThrows(HpackException.class, () -> decode(d, hex("40")), "no name at all");
    }

    @Test
    void badHuffmanInAStringIsRefused() {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        // value "a" (00011) padded with zeros instead of ones
        assertThrows(HpackException.class, () -> decode(d, hex("41 81 18")));
        // "a" then a whole octet of padding (13 bits of ones)
        assertThrows(HpackException.class, () -> decode(d, hex("41 82 1fff")));
        // EOS itself, 30 ones, padded
        assertThrows(HpackException.class, () -> decode(d, hex("41 84 ffffffff")));
    }

    @Test
    void aHeaderListBombStopsDeliveringFieldsButKeepsTheTableInStep() throws HpackException {
        HpackDecoder d = new HpackDecoder(4096, 16 * 1024);
        HpackEncoder e = new HpackEncoder(4096);
        String big = "x".repeat(4000);
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        e.beginBlock(block);
        e.encode("x-big", big, block);           // a literal, added to the table
        for (int i = 0; i < 10_000; i++) {
            e.encode("x-big", big, block);       // then one octet per 4 KB field: 40 MB if expanded
        }
        byte[] bytes = block.toByteArray();
        assertTrue(bytes.length < 15_000, "the block is small: " + bytes.length);
        int[] delivered = {0};
        assertFalse(d.decode(bytes, 0, bytes.length, (n, v) -> delivered[0]++), "the list is too large");
        assertEquals(4, delivered[0], "only the fields within 16 KB were delivered");
        // the table is still in step: the next block decodes
        assertEquals(List.of("x-big: " + big), decode(d, encode(e, "x-big", big)));
    }

    @Test
    void theEncoderReusesWhatTheDynamicTableHoldsAndForgetsWhatIsEvicted() throws HpackException {
        HpackEncoder e = new HpackEncoder(100); // room for two small fields
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        e.setPeerMaxTableSize(4096);
        List<String> all = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (String v : List.of("one", "two", "three")) {
                byte[] b = encode(e, "x-k", v);
                all.addAll(decode(d, b));
                assertTrue(d.tableSize() <= 100);
            }
        }
        assertEquals(15, all.size());
        assertEquals("x-k: three", all.get(14));
        byte[] again = encode(e, "x-k", "three");
        assertEquals(1, again.length, "an exact match in the table is one octet");
        assertEquals(List.of("x-k: three"), decode(d, again));
    }

    @Test
    void charactersBeyondLatin1AreSentAsQuestionMarksAsInHttp1() throws HpackException {
        HpackDecoder d = new HpackDecoder(4096, 1 << 20);
        assertEquals(List.of("x-name: caf\u00e9 ?"), decode(d, encode(new HpackEncoder(4096), "x-name", "caf\u00e9 \u4e2d")));
    }
}
