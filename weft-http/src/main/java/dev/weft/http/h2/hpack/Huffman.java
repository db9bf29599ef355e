package dev.weft.http.h2.hpack;

import java.io.ByteArrayOutputStream;

/**
 * The Huffman code of HPACK (RFC 7541 section 5.2 and Appendix B): encoding, and strict decoding
 * that refuses the EOS symbol and any padding that is longer than 7 bits or not made of the
 * most significant bits of EOS (all ones).
 *
 * <p>The code is canonical, so the table below holds only the code length of each of the 257
 * symbols (256 octets and EOS); the codes themselves are derived from the lengths, in the order
 * of length then symbol, exactly as Appendix B lists them. Stateless and thread-safe.
 */
final class Huffman {

    /** The end-of-string symbol: never sent, its leading bits pad the last octet. */
    static final int EOS = 256;

    /** Code lengths in bits, by symbol (RFC 7541 Appendix B). */
    private static final int[] LENGTHS = {
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
        30,    };

    /** Codes by symbol, right-aligned in an int (the longest code has 30 bits). */
    private static final int[] CODES = new int[257];

    /**
     * The decoding tree: internal node {@code n} has its children at {@code TREE[2n]} (bit 0)
     * and {@code TREE[2n + 1]} (bit 1); a child {@code >= 0} is an internal node, a child
     * {@code < 0} is the leaf of symbol {@code ~child}. The root is node 0. The code is
     * complete, so every internal node has both children.
     */
    private static final int[] TREE;

    static {
        Integer[] order = new Integer[257];
        for (int s = 0; s < 257; s++) {
            order[s] = s;
        }
        java.util.Arrays.sort(order, (a, b) -> LENGTHS[a] != LENGTHS[b] ? LENGTHS[a] - LENGTHS[b] : a - b);
        int code = 0;
        int previousLength = LENGTHS[order[0]];
        for (int i = 0; i < 257; i++) {
            int s = order[i];
            if (i > 0) {
                code = (code + 1) << (LENGTHS[s] - previousLength);
                previousLength = LENGTHS[s];
            }
            CODES[s] = code;
        }
        int[] tree = new int[2 * 256];
        int nodes = 1;
        for (int s = 0; s < 257; s++) {
            int node = 0;
            for (int bit = LENGTHS[s] - 1; bit > 0; bit--) {
                int slot = 2 * node + ((CODES[s] >>> bit) & 1);
                if (tree[slot] == 0) {
                    tree[slot] = nodes++;
                }
                node = tree[slot];
            }
            tree[2 * node + (CODES[s] & 1)] = ~s;
        }
        TREE = tree;
    }

    private Huffman() {
    }

    /** The code of {@code symbol} (0 to 256), right-aligned. */
    static int code(int symbol) {
        return CODES[symbol];
    }

    /** The length in bits of the code of {@code symbol}. */
    static int codeLength(int symbol) {
        return LENGTHS[symbol];
    }

    /** The number of octets {@code s} takes Huffman-coded (each char taken as one Latin-1 octet). */
    static int encodedLength(String s) {
        long bits = 0;
        for (int i = 0; i < s.length(); i++) {
            bits += LENGTHS[Hpack.octet(s.charAt(i))];
        }
        return (int) ((bits + 7) >>> 3);
    }

    /** Writes {@code s} Huffman-coded, padded with the leading bits of EOS. */
    static void encode(String s, ByteArrayOutputStream out) {
        long acc = 0;
        int bits = 0;
        for (int i = 0; i < s.length(); i++) {
            int sym = Hpack.octet(s.charAt(i));
            acc = (acc << LENGTHS[sym]) | CODES[sym];
            bits += LENGTHS[sym];
            while (bits >= 8) {
                bits -= 8;
                out.write((int) (acc >>> bits));
            }
            acc &= (1L << bits) - 1; // keep only the bits not written yet
        }
        if (bits > 0) {
            out.write((int) ((acc << (8 - bits)) | (0xff >>> bits)));
        }
    }

    /**
     * Decodes {@code len} octets of {@code src} from {@code off}.
     *
     * @return the decoded octets
     * @throws HpackException on the EOS symbol, on padding longer than 7 bits, or on padding that
     *     is not all ones (RFC 7541 section 5.2)
     */
    static byte[] decode(byte[] src, int off, int len) throws HpackException {
        byte[] out = new byte[(int) ((len * 8L) / 5)]; // the shortest code has 5 bits
        int n = 0;
        int node = 0;
        int depth = 0;       // bits read since the last complete symbol
        boolean ones = true; // and whether all of them were ones
        for (int i = off, end = off + len; i < end; i++) {
            int b = src[i] & 0xff;
            for (int shift = 7; shift >= 0; shift--) {
                int bit = (b >>> shift) & 1;
                int next = TREE[2 * node + bit];
                depth++;
                ones &= bit == 1;
                if (next < 0) {
                    int sym = ~next;
                    if (sym == EOS) {
                        throw new HpackException("Huffman-coded string contains the EOS symbol");
                    }
                    out[n++] = (byte) sym;
                    node = 0;
                    depth = 0;
                    ones = true;
                } else {
                    node = next;
                }
            }
        }
        if (depth > 7) {
            throw new HpackException("Huffman padding longer than 7 bits");
        }
        if (!ones) {
            throw new HpackException("Huffman padding is not a prefix of EOS");
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }
}
