package dev.weft.http.h2.hpack;

import java.io.ByteArrayOutputStream;

/**
 * The primitive representations of HPACK (RFC 7541 section 5): prefixed integers and string
 * literals, encoded and decoded strictly. Stateless.
 */
final class Hpack {

    /** The overhead the RFC counts for every field, in table sizes and header list sizes (section 4.1). */
    static final int ENTRY_OVERHEAD = 32;

    /** Integers decoded from a block must fit in this many bits: more is an overflow. */
    private static final int MAX_INTEGER_BITS = 31;

    private Hpack() {
    }

    /** The octet a header character is sent as: Latin-1, and {@code ?} for anything beyond it (as the HTTP/1.1 writer does). */
    static int octet(char c) {
        return c <= 0xff ? c : '?';
    }

    /** The size of a field as tables and header lists count it: name and value octets plus 32. */
    static long fieldSize(String name, String value) {
        return (long) name.length() + value.length() + ENTRY_OVERHEAD;
    }

    /**
     * Writes {@code value} as an integer with an {@code prefixBits}-bit prefix (section 5.1),
     * OR-ing {@code flags} into the first octet's bits above the prefix.
     */
    static void writeInt(ByteArrayOutputStream out, int flags, int prefixBits, long value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.write(flags | (int) value);
            return;
        }
        out.write(flags | max);
        value -= max;
        while (value >= 0x80) {
            out.write((int) (value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
    }

    /** Writes {@code s} as a string literal (section 5.2), Huffman-coded unless that is longer (as RFC 7541's examples do). */
    static void writeString(ByteArrayOutputStream out, String s) {
        int huffman = Huffman.encodedLength(s);
        if (huffman <= s.length()) {
            writeInt(out, 0x80, 7, huffman);
            Huffman.encode(s, out);
        } else {
            writeInt(out, 0, 7, s.length());
            for (int i = 0; i < s.length(); i++) {
                out.write(octet(s.charAt(i)));
            }
        }
    }

    /**
     * A cursor over one header block: reads integers and strings, refusing anything that runs
     * past the end of the block or overflows.
     */
    static final class Reader {
        private final byte[] buf;
        private int pos;
        private final int end;

        Reader(byte[] buf, int off, int len) {
            this.buf = buf;
            this.pos = off;
            this.end = off + len;
        }

        boolean hasMore() {
            return pos < end;
        }

        /** The next octet, not consumed. */
        int peek() {
            return buf[pos] & 0xff;
        }

        /**
         * Reads an integer with an {@code prefixBits}-bit prefix from the current octet on.
         *
         * @throws HpackException if it runs past the block or does not fit in 31 bits
         */
        int readInt(int prefixBits) throws HpackException {
            if (pos >= end) {
                throw new HpackException("header block ends inside an integer");
            }
            int max = (1 << prefixBits) - 1;
            int value = buf[pos++] & max;
            if (value < max) {
                return value;
            }
            long v = max;
            int shift = 0;
            while (true) {
                if (pos >= end) {
                    throw new HpackException("header block ends inside an integer");
                }
                int b = buf[pos++] & 0xff;
                v += (long) (b & 0x7f) << shift;
                if (v >= 1L << MAX_INTEGER_BITS) {
                    throw new HpackException("integer overflow in header block");
                }
                if ((b & 0x80) == 0) {
                    return (int) v;
                }
                shift += 7;
                if (shift > MAX_INTEGER_BITS) {
                    throw new HpackException("integer overflow in header block (too many continuation octets)");
                }
            }
        }

        /**
         * Reads a string literal as Latin-1.
         *
         * @throws HpackException if it runs past the block or its Huffman coding is invalid
         */
        String readString() throws HpackException {
            if (pos >= end) {
                throw new HpackException("header block ends before a string literal");
            }
            boolean huffman = (buf[pos] & 0x80) != 0;
            int len = readInt(7);
            if (len > end - pos) {
                throw new HpackException("string literal of " + len + " octets runs past the end of the header block");
            }
            String s;
            if (huffman) {
                byte[] octets = Huffman.decode(buf, pos, len);
                s = new String(octets, java.nio.charset.StandardCharsets.ISO_8859_1);
            } else {
                s = new String(buf, pos, len, java.nio.charset.StandardCharsets.ISO_8859_1);
            }
            pos += len;
            return s;
        }
    }
}
