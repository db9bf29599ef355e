package dev.weft.crawler.frontier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SieveTest {

    @Test
    void remembersEveryUrlExactly() {
        Sieve s = new Sieve();
        assertTrue(s.add("http://a.com/1"));
        assertFalse(s.add("http://a.com/1"));
        assertTrue(s.add("http://a.com/2"));
        assertTrue(s.contains("http://a.com/2"));
        assertFalse(s.contains("http://a.com/3"));
        assertEquals(2, s.size());
    }

    /**
     * The figure docs/crawler.md quotes: a sieve for ten million URLs is one table of 2^24 slots,
     * 128 MiB (13.4 bytes per URL), which holds up to 12.58 million before it grows. Filled here
     * with two million (the table and its probing are the same; filling all ten million costs
     * the suite seconds of cache misses and proves nothing more), none lost and none invented.
     */
    @Test
    void aSieveForTenMillionUrlsTakes128MiBAndLosesNone() {
        Sieve s = new Sieve(10_000_000);
        assertEquals(16 + 8L * (1 << 24), s.memoryBytes());
        assertTrue(s.memoryBytes() <= 256L << 20);
        int n = 2_000_000;
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < n; i++) {
            long fp = r.nextLong();
            assertTrue(s.add(fp == 0 ? 1 : fp));
        }
        assertEquals(n, s.size());
        assertEquals(16 + 8L * (1 << 24), s.memoryBytes(), "no growth");
        SplittableRandom again = new SplittableRandom(42);
        for (int i = 0; i < n; i += 10) {
            long fp = again.nextLong();
            assertTrue(s.contains(fp == 0 ? 1 : fp));
            for (int skip = 0; skip < 9; skip++) {
                again.nextLong();
            }
        }
        SplittableRandom other = new SplittableRandom(7);
        int falsePositives = 0;
        for (int i = 0; i < 1_000_000; i++) {
            long fp = other.nextLong();
            if (s.contains(fp == 0 ? 1 : fp)) {
                falsePositives++;
            }
        }
        assertEquals(0, falsePositives);
    }

    @Test
    void growingKeepsEveryFingerprint() {
        Sieve s = new Sieve();
        for (long i = 1; i <= 100_000; i++) {
            assertTrue(s.add(i * 0x9E3779B97F4A7C15L));
        }
        for (long i = 1; i <= 100_000; i++) {
            assertFalse(s.add(i * 0x9E3779B97F4A7C15L));
        }
        assertEquals(100_000, s.size());
        assertEquals(16 + 8L * (1 << 18), s.memoryBytes(), "2^17 slots hold at most 98,304: grown to 2^18");
    }

    @Test
    void fingerprintsDifferForNearlyEqualUrls() {
        assertFalse(Fingerprint.of("http://a.com/p?id=1") == Fingerprint.of("http://a.com/p?id=2"));
        assertFalse(Fingerprint.of("http://a.com/") == Fingerprint.of("http://a.com"));
        assertEquals(Fingerprint.of("http://a.com/x"), Fingerprint.of("http://a.com/x"));
    }
}
