package dev.weft.crawler.frontier;

/**
 * The seen set: every URL the crawl has admitted, as 64-bit {@link Fingerprint}s in open-addressing
 * hash tables of {@code long}s (linear probing, each at most 3/4 full). Exact for fingerprints — no
 * Bloom filter, so no page is ever skipped because of a false positive; two URLs are confused only
 * if their fingerprints collide (see {@link Fingerprint}).
 *
 * <p>The fingerprints are spread over {@value #SEGMENTS} segments by their top bits, each its own
 * table that grows (doubles) on its own, so that growing never holds much more than the sieve
 * itself: one old segment beside its new one, not the whole old table beside a new one twice its
 * size. (With one table, the sieve of ten million URLs needed 192 MiB at once while growing to
 * its 128 MiB table, and with a crawler's frontier window beside it did not fit a 256 MiB heap.)
 *
 * <p><b>Cost.</b> 8 bytes per slot and between 4/3 and 8/3 slots per URL: 10.7 to 21.3 bytes per
 * URL, 13.4 at ten million URLs (2²⁴ slots, 128 MiB), and while growing at most one segment more
 * (1/16 of the table twice). On disk the sieve costs nothing of its own: it is rebuilt on resume
 * from the URLs of the {@code pages} and {@code frontier} tables.
 *
 * <p>Not thread-safe: owned by the crawl's loop (or by the thread that builds it before the
 * crawl starts).
 */
public final class Sieve {

    /** How many tables the fingerprints are spread over (by their top bits). */
    static final int SEGMENTS = 16;
    private static final int SEGMENT_SHIFT = 64 - Integer.numberOfTrailingZeros(SEGMENTS);
    private static final int MIN_SEGMENT_CAPACITY = 64;

    private final long[][] tables = new long[SEGMENTS][];
    private final int[] sizes = new int[SEGMENTS];
    private int size;
    private long slots;
    private long growthPeakBytes;

    /** An empty sieve. */
    public Sieve() {
        this(0);
    }

    /**
     * An empty sieve sized for {@code expected} URLs.
     *
     * @param expected how many URLs it will probably hold
     */
    public Sieve(int expected) {
        long perSegment = (expected + SEGMENTS - 1L) / SEGMENTS;
        int cap = MIN_SEGMENT_CAPACITY;
        while (cap * 3L / 4 < perSegment) {
            cap <<= 1;
        }
        for (int i = 0; i < SEGMENTS; i++) {
            tables[i] = new long[cap];
        }
        slots = (long) cap * SEGMENTS;
        growthPeakBytes = memoryBytes();
    }

    /**
     * Adds a fingerprint.
     *
     * @param fp a fingerprint (non-zero)
     * @return true if it was new, false if it was seen before
     */
    public boolean add(long fp) {
        if (fp == 0) {
            throw new IllegalArgumentException("0 is not a fingerprint");
        }
        int seg = (int) (fp >>> SEGMENT_SHIFT);
        long[] t = tables[seg];
        if (sizes[seg] >= t.length / 4 * 3) {
            t = grow(seg);
        }
        int mask = t.length - 1;
        int i = spread(fp) & mask;
        while (true) {
            long v = t[i];
            if (v == 0) {
                t[i] = fp;
                sizes[seg]++;
                size++;
                return true;
            }
            if (v == fp) {
                return false;
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * Adds the fingerprint of a canonical URL.
     *
     * @param canonicalUrl a URL as {@link UrlNormalizer#normalize} returns it
     * @return true if it was new
     */
    public boolean add(String canonicalUrl) {
        return add(Fingerprint.of(canonicalUrl));
    }

    /**
     * Whether a fingerprint is in the set.
     *
     * @param fp a fingerprint (non-zero)
     * @return true if added before
     */
    public boolean contains(long fp) {
        long[] t = tables[(int) (fp >>> SEGMENT_SHIFT)];
        int mask = t.length - 1;
        int i = spread(fp) & mask;
        while (true) {
            long v = t[i];
            if (v == 0) {
                return false;
            }
            if (v == fp) {
                return true;
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * Whether a canonical URL was added.
     *
     * @param canonicalUrl a URL as {@link UrlNormalizer#normalize} returns it
     * @return true if added before
     */
    public boolean contains(String canonicalUrl) {
        return contains(Fingerprint.of(canonicalUrl));
    }

    /** {@return how many distinct fingerprints it holds} */
    public int size() {
        return size;
    }

    /** {@return the bytes its tables take on the heap} */
    public long memoryBytes() {
        return 16L * SEGMENTS + 8L * slots;
    }

    /** {@return the most bytes its tables ever took at once, growing included} */
    public long growthPeakBytes() {
        return growthPeakBytes;
    }

    private static int spread(long fp) {
        return (int) (fp ^ (fp >>> 32));
    }

    private long[] grow(int seg) {
        long[] old = tables[seg];
        if (old.length >= 1 << 30) {
            throw new IllegalStateException("the seen set is full (" + size + " URLs)");
        }
        long[] t = new long[old.length * 2];
        growthPeakBytes = Math.max(growthPeakBytes, memoryBytes() + 16L + 8L * t.length);
        int mask = t.length - 1;
        for (long v : old) {
            if (v != 0) {
                int i = spread(v) & mask;
                while (t[i] != 0) {
                    i = (i + 1) & mask;
                }
                t[i] = v;
            }
        }
        tables[seg] = t;
        slots += old.length;
        return t;
    }
}
