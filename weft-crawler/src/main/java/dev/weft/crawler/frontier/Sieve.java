package dev.weft.crawler.frontier;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p><b>Where the tables live.</b> {@code new Sieve()} keeps them on the heap. {@link #mapped}
 * keeps a segment on the heap only while it is small (up to {@value #HEAP_SEGMENT_SLOTS} slots,
 * 32 KiB; 512 KiB and about 49,000 URLs for all sixteen) and moves it, when it grows past that,
 * into a memory-mapped file of its own, deleted from its folder as soon as it is mapped (the space
 * goes back when it is unmapped, or when the process ends, even by {@code kill -9}). Then the heap
 * the seen set takes is flat however large the crawl — this is what the crawler uses. The bytes
 * are the same; they are on disk, cached by the operating system's page cache (resident while
 * memory is plentiful, written out and read back on demand when it is not) instead of counting
 * against {@code -Xmx}.
 *
 * <p><b>Cost.</b> 8 bytes per slot and between 4/3 and 8/3 slots per URL: 10.7 to 21.3 bytes per
 * URL, 13.4 at ten million URLs (2²⁴ slots, 128 MiB), and while growing at most one segment more
 * (1/16 of the table twice). The sieve is not kept across runs: it is rebuilt on resume from the
 * URLs of the {@code pages} and {@code frontier} tables.
 *
 * <p>Not thread-safe: owned by the crawl's loop (or by the thread that builds it before the
 * crawl starts). {@link #close()} frees the mapped files; a closed sieve must not be used.
 */
public final class Sieve implements AutoCloseable {

    /** How many tables the fingerprints are spread over (by their top bits). */
    static final int SEGMENTS = 16;
    /** The most slots a segment of a {@linkplain #mapped mapped} sieve keeps on the heap. */
    static final int HEAP_SEGMENT_SLOTS = 1 << 12;
    private static final int SEGMENT_SHIFT = 64 - Integer.numberOfTrailingZeros(SEGMENTS);
    private static final int MIN_SEGMENT_CAPACITY = 64;
    private static final Logger LOG = LoggerFactory.getLogger(Sieve.class);

    /** One segment's table: an array on the heap, or a mapped file. */
    private sealed interface Table permits HeapTable, FileTable {
        int capacity();

        long get(int i);

        void set(int i, long v);

        void free();
    }

    private record HeapTable(long[] slots) implements Table {
        @Override
        public int capacity() {
            return slots.length;
        }

        @Override
        public long get(int i) {
            return slots[i];
        }

        @Override
        public void set(int i, long v) {
            slots[i] = v;
        }

        @Override
        public void free() {
        }
    }

    private record FileTable(MemorySegment slots, Arena arena, int capacity) implements Table {
        static FileTable create(Path dir, int capacity) throws IOException {
            Path file = Files.createTempFile(dir, "weft-sieve-", ".bin");
            Arena arena = Arena.ofShared();
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                // A sparse file of zeros: the slots are empty until written.
                MemorySegment slots = ch.map(FileChannel.MapMode.READ_WRITE, 0, 8L * capacity, arena);
                return new FileTable(slots, arena, capacity);
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            } finally {
                try {
                    Files.delete(file); // the mapping stays; the space goes back when it is unmapped
                } catch (IOException e) {
                    file.toFile().deleteOnExit(); // a system that cannot delete a mapped file
                }
            }
        }

        @Override
        public long get(int i) {
            return slots.getAtIndex(ValueLayout.JAVA_LONG, i);
        }

        @Override
        public void set(int i, long v) {
            slots.setAtIndex(ValueLayout.JAVA_LONG, i, v);
        }

        @Override
        public void free() {
            arena.close();
        }
    }

    private final Table[] tables = new Table[SEGMENTS];
    private final int[] sizes = new int[SEGMENTS];
    private final Path dir;
    private int size;
    private long slots;
    private long heapSlots;
    private long growthPeakBytes;
    private boolean closed;
    private boolean mapFailed;

    /** An empty sieve, on the heap. */
    public Sieve() {
        this(0);
    }

    /**
     * An empty sieve on the heap, sized for {@code expected} URLs.
     *
     * @param expected how many URLs it will probably hold
     */
    public Sieve(int expected) {
        this(expected, null);
    }

    private Sieve(int expected, Path dir) {
        this.dir = dir;
        long perSegment = (expected + SEGMENTS - 1L) / SEGMENTS;
        int cap = MIN_SEGMENT_CAPACITY;
        while (cap * 3L / 4 < perSegment) {
            cap <<= 1;
        }
        try {
            for (int i = 0; i < SEGMENTS; i++) {
                tables[i] = newTable(cap);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        slots = (long) cap * SEGMENTS;
        growthPeakBytes = memoryBytes();
    }

    /**
     * An empty sieve whose segments, once past {@value #HEAP_SEGMENT_SLOTS} slots each, live in
     * memory-mapped files in {@code dir} (deleted at once; see the class comment): its heap stays
     * under 512 KiB however many URLs it holds.
     *
     * @param dir      the folder of the files, or null for {@code java.io.tmpdir}
     * @param expected how many URLs it will probably hold
     * @return the sieve; {@link #close()} it when done (if a file cannot be made or mapped, now or
     *     when it grows, it says so once in the log and grows on the heap instead)
     */
    public static Sieve mapped(Path dir, int expected) {
        return new Sieve(expected, dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir")));
    }

    private Table newTable(int capacity) {
        if (dir == null || capacity <= HEAP_SEGMENT_SLOTS) {
            heapSlots += capacity;
            return new HeapTable(new long[capacity]);
        }
        if (!mapFailed) {
            try {
                return FileTable.create(dir, capacity);
            } catch (IOException | RuntimeException e) {
                mapFailed = true; // said once; the sieve stays exact, on the heap
                LOG.warn("the seen set cannot map a file of {} KiB in {} ({}): it grows on the heap instead",
                        8L * capacity >> 10, dir, e.toString());
            }
        }
        heapSlots += capacity;
        return new HeapTable(new long[capacity]);
    }

    private void freeTable(Table t) {
        if (t instanceof HeapTable) {
            heapSlots -= t.capacity();
        }
        t.free();
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
        Table t = tables[seg];
        if (sizes[seg] >= t.capacity() / 4 * 3) {
            t = grow(seg);
        }
        int mask = t.capacity() - 1;
        int i = spread(fp) & mask;
        while (true) {
            long v = t.get(i);
            if (v == 0) {
                t.set(i, fp);
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
        Table t = tables[(int) (fp >>> SEGMENT_SHIFT)];
        int mask = t.capacity() - 1;
        int i = spread(fp) & mask;
        while (true) {
            long v = t.get(i);
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

    /** {@return the bytes its tables take, wherever they are (heap or mapped files)} */
    public long memoryBytes() {
        return 16L * SEGMENTS + 8L * slots;
    }

    /** {@return the bytes of its tables that are on the heap} */
    public long heapBytes() {
        return 16L * SEGMENTS + 8L * heapSlots;
    }

    /** {@return where its tables are: {@code heap}, {@code mapped files} or {@code heap and mapped files}} */
    public String where() {
        if (heapSlots == slots) {
            return "heap";
        }
        return heapSlots == 0 ? "mapped files" : "heap and mapped files";
    }

    /** {@return the most bytes its tables ever took at once, growing included} */
    public long growthPeakBytes() {
        return growthPeakBytes;
    }

    /** Frees its tables (unmaps its files). Idempotent; the sieve must not be used after. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < SEGMENTS; i++) {
            if (tables[i] != null) {
                freeTable(tables[i]);
                tables[i] = null;
            }
        }
    }

    private static int spread(long fp) {
        return (int) (fp ^ (fp >>> 32));
    }

    private Table grow(int seg) {
        Table old = tables[seg];
        if (old.capacity() >= 1 << 30) {
            throw new IllegalStateException("the seen set is full (" + size + " URLs)");
        }
        Table t = newTable(old.capacity() * 2);
        growthPeakBytes = Math.max(growthPeakBytes, memoryBytes() + 16L + 8L * t.capacity());
        int mask = t.capacity() - 1;
        for (int k = 0, n = old.capacity(); k < n; k++) {
            long v = old.get(k);
            if (v != 0) {
                int i = spread(v) & mask;
                while (t.get(i) != 0) {
                    i = (i + 1) & mask;
                }
                t.set(i, v);
            }
        }
        tables[seg] = t;
        slots += old.capacity();
        freeTable(old);
        return t;
    }
}
