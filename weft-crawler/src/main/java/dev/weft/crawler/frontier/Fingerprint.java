package dev.weft.crawler.frontier;

import java.nio.charset.StandardCharsets;

/**
 * 64-bit fingerprints of canonical URLs (MurmurHash3 x64, the first half of its 128 bits),
 * the key of the {@link Sieve}. With {@code n} URLs the chance that any two collide is about
 * {@code n²/2⁶⁵}: 3·10⁻⁶ for ten million URLs, the standard that Mercator and BUbiNG accepted.
 * Never 0 (0 marks an empty slot of the sieve). Stateless.
 */
public final class Fingerprint {

    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    private Fingerprint() {
    }

    /**
     * The fingerprint of a canonical URL.
     *
     * @param url a URL as {@link UrlNormalizer#normalize} returns it
     * @return a non-zero 64-bit fingerprint
     */
    public static long of(String url) {
        byte[] data = url.getBytes(StandardCharsets.UTF_8);
        long h1 = 0x9747b28cL;
        long h2 = 0x9747b28cL;
        int blocks = data.length / 16;
        for (int i = 0; i < blocks; i++) {
            long k1 = getLong(data, i * 16);
            long k2 = getLong(data, i * 16 + 8);
            k1 *= C1;
            k1 = Long.rotateLeft(k1, 31);
            k1 *= C2;
            h1 ^= k1;
            h1 = Long.rotateLeft(h1, 27);
            h1 += h2;
            h1 = h1 * 5 + 0x52dce729;
            k2 *= C2;
            k2 = Long.rotateLeft(k2, 33);
            k2 *= C1;
            h2 ^= k2;
            h2 = Long.rotateLeft(h2, 31);
            h2 += h1;
            h2 = h2 * 5 + 0x38495ab5;
        }
        long k1 = 0;
        long k2 = 0;
        int tail = blocks * 16;
        int rem = data.length & 15;
        for (int i = rem - 1; i >= 8; i--) {
            k2 ^= (data[tail + i] & 0xffL) << ((i - 8) * 8);
        }
        if (rem > 8) {
            k2 *= C2;
            k2 = Long.rotateLeft(k2, 33);
            k2 *= C1;
            h2 ^= k2;
        }
        for (int i = Math.min(rem, 8) - 1; i >= 0; i--) {
            k1 ^= (data[tail + i] & 0xffL) << (i * 8);
        }
        if (rem > 0) {
            k1 *= C1;
            k1 = Long.rotateLeft(k1, 31);
            k1 *= C2;
            h1 ^= k1;
        }
        h1 ^= data.length;
        h2 ^= data.length;
        h1 += h2;
        h2 += h1;
        h1 = fmix(h1);
        h2 = fmix(h2);
        h1 += h2;
        return h1 == 0 ? 1 : h1;
    }

    private static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xffL);
        }
        return v;
    }

    private static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
