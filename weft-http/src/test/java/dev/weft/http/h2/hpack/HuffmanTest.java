package dev.weft.http.h2.hpack;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The Huffman code: the codes of Appendix B, round trips of every octet, and strict padding rules. */
class HuffmanTest {

    @Test
    void codesDerivedFromTheLengthsMatchAppendixB() {
        assertEquals(0x0, Huffman.code('0'));
        assertEquals(5, Huffman.codeLength('0'));
        assertEquals(0x3, Huffman.code('a'));
        assertEquals(0x1ff8, Huffman.code(0));
        assertEquals(13, Huffman.codeLength(0));
        assertEquals(0x7ffc, Huffman.code('<'));
        assertEquals(0x3ffffffe, Huffman.code(22));
        assertEquals(0x3fffffff, Huffman.code(Huffman.EOS));
        assertEquals(30, Huffman.codeLength(Huffman.EOS));
        assertEquals(0x3ffffee, Huffman.code(255));
        assertEquals(26, Huffman.codeLength(255));
    }

    @Test
    void everyOctetRoundTrips() throws HpackException {
        StringBuilder all = new StringBuilder();
        for (int c = 0; c < 256; c++) {
            all.append((char) c);
        }
        for (int shift = 0; shift < 8; shift++) { // every alignment of every code
            String s = "a".repeat(shift) + all;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Huffman.encode(s, out);
            byte[] coded = out.toByteArray();
            assertEquals(Huffman.encodedLength(s), coded.length);
            assertEquals(s, new String(Huffman.decode(coded, 0, coded.length), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void wwwExampleComIsTheRfcsBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Huffman.encode("www.example.com", out);
        assertEquals("f1e3c2e5f23a6ba0ab90f4ff", HpackTest.hex(out.toByteArray()));
    }

    @Test
    void paddingMustBeAtMostSevenOnes() throws HpackException {
        // "0" is 00000 (5 bits): padded with 111 it is 0x07
        assertEquals("0", new String(Huffman.decode(new byte[] {0x07}, 0, 1), StandardCharsets.ISO_8859_1));
        HpackException zeros = assertThrows(HpackException.class, () -> Huffman.decode(new byte[] {0x00}, 0, 1));
        assertTrue(zeros.getMessage().contains("not a prefix of EOS"), zeros.getMessage());
        HpackException longPad = assertThrows(HpackException.class,
                () -> Huffman.decode(new byte[] {0x07, (byte) 0xff}, 0, 2));
        assertTrue(longPad.getMessage().contains("longer than 7 bits"), longPad.getMessage());
        HpackException eos = assertThrows(HpackException.class,
                () -> Huffman.decode(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfc}, 0, 4));
        assertTrue(eos.getMessage().contains("EOS"), eos.getMessage());
        assertEquals(0, Huffman.decode(new byte[0], 0, 0).length, "the empty string");
    }
}
