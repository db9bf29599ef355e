package dev.weft.crawler.frontier;

/**
 * The seen set: every URL the crawl has admitted, as 64-bit {@link Fingerprint}s in one
 * open-addressing hash table of {@code long}s (linear probing, at most 3/4 full). Exact for
 * fingerprints — no Bloom filter, so no page is ever skipped because of a false positive; two
 * URLs are confused only if their fingerprints collide (see {@link Fingerprint}).
 *
 * <p><b>Cost.</b> 8 bytes per slot and between 4/3 and 8/3 slots per URL: 10.7 to 21.3 bytes per
 * URL, 13.4 at ten million URLs (a table of 2²⁴ slots, 128 MiB). Growing doubles the table, so
 * for a moment both tables live (the 10-million-URL table is made while the old one of 64 MiB
 * still exists: 192 MiB at the peak). On disk the sieve costs nothing of its own: it is rebuilt
 * on resume from the URLs of the {@code pages} and {@code frontier} tables.
 *
 * <p>Not thread-safe: owned by the crawl's loop (or by the thread that builds it before the
 * crawl starts).
 */
public final class Sieve {

    private static final int MIN_CAPACITY = 1 << 10;

    private long[] table;
    private int size;
    private int growAt;

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
        int cap = MIN_CAPACITY;
        while (cap * 3L / 4 < expected) {
            cap <<= 1;
        }
        table = new long[cap];
        growAt = cap / 4 * 3;
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
        if (size >= growAt) {
            grow();
        }
        long[] t = table;
        int mask = t.length - 1;
        int i = spread(fp) & mask;
        while (true) {
            long v = t[i];
            if (v == 0) {
                t[i] = fp;
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
        long[] t = table;
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

    /** {@return the bytes its table takes on the heap} */
    public long memoryBytes() {
        return 16L + 8L * table.length;
    }

    private static int spread(long fp) {
        return (int) (fp ^ (fp >>> 32));
    }

    private void grow() {
        long[] old = table;
        if (old.length >= 1 << 30) {
            throw new IllegalStateException("the seen set is full (" + size + " URLs)");
        }
        long[] t = new long[old.length * 2];
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
        table = t;
        growAt = t.length / 4 * 3;
    }
}
