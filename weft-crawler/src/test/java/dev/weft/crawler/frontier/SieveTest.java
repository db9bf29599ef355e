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
     * The figure docs/crawler.md quotes: ten million fingerprints in a 2^24-slot table, 128 MiB
     * (13.4 bytes per URL), none lost and none invented.
     */
    @Test
    void tenMillionUrlsFitIn128MiBWithoutLosingOne() {
        int n = 10_000_000;
        Sieve s = new Sieve();
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < n; i++) {
            long fp = r.nextLong();
            s.add(fp == 0 ? 1 : fp);
        }
        assertEquals(n, s.size());
        assertEquals(16 + 8L * (1 << 24), s.memoryBytes());
        assertTrue(s.memoryBytes() <= 256L << 20);
        SplittableRandom again = new SplittableRandom(42);
        for (int i = 0; i < n; i++) {
            long fp = again.nextLong();
            assertTrue(s.contains(fp == 0 ? 1 : fp));
        }
        int falsePositives = 0;
        for (int i = 0; i < 1_000_000; i++) {
            long fp = again.nextLong();
            if (s.contains(fp == 0 ? 1 : fp)) {
                falsePositives++;
            }
        }
        assertEquals(0, falsePositives);
    }

    @Test
    void fingerprintsDifferForNearlyEqualUrls() {
        assertFalse(Fingerprint.of("http://a.com/p?id=1") == Fingerprint.of("http://a.com/p?id=2"));
        assertFalse(Fingerprint.of("http://a.com/") == Fingerprint.of("http://a.com"));
        assertEquals(Fingerprint.of("http://a.com/x"), Fingerprint.of("http://a.com/x"));
    }
}
