package dev.weft.bench.crawl;

import dev.weft.crawler.frontier.FrontierEntry;
import dev.weft.crawler.frontier.Frontier;
import dev.weft.crawler.frontier.Sieve;
import dev.weft.crawler.politeness.Throttle;
import dev.weft.crawler.store.Batch;
import dev.weft.crawler.store.SqlStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The scale benchmark of the crawler's frontier: admits {@code N} distinct URLs (ten million by
 * default) over {@code HOSTS} hosts exactly as the engine does — the URL's fingerprint into the
 * {@link Sieve} (the seen set, its large tables in mapped files as in the crawler), then
 * {@link Frontier#enqueue} with the engine's window (1,000 URLs per host, 200,000 in all; the rest
 * spilled) — and, for the first {@code DISK_ROWS} of them, the
 * frontier rows into an SQLite store in the engine's batches of 4,000 rows. Prints one JSON line
 * per million URLs (heap after a full GC, the sieve's table, URLs in memory, the rate) and a last
 * line with bytes per URL in memory and on disk. At the end every URL is looked up again: none may
 * be missing.
 *
 * <pre>java -cp … dev.weft.bench.crawl.FrontierScale [N] [HOSTS] [DISK_ROWS] [DB_FILE]</pre>
 */
public final class FrontierScale {

    /** The engine's frontier window (CrawlConfig defaults). */
    private static final int WINDOW_PER_HOST = 1_000;
    private static final int WINDOW_TOTAL = 200_000;
    /** The engine's StoreWriter sends a batch at 20 × 200 frontier rows. */
    private static final int DISK_BATCH = 4_000;

    private FrontierScale() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args N, hosts, rows written to disk, the SQLite file
     * @throws IOException if the SQLite file cannot be measured
     */
    public static void main(String[] args) throws IOException {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        int hosts = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        long diskRows = args.length > 2 ? Long.parseLong(args[2]) : 1_000_000L;
        Path db = Path.of(args.length > 3 ? args[3] : "frontier-scale.db");
        Files.deleteIfExists(db);

        Sieve sieve = Sieve.mapped(null, 0); // as the crawler keeps it: large tables in mapped files
        Frontier frontier = new Frontier(origin -> new Throttle(0, 10), WINDOW_PER_HOST, WINDOW_TOTAL);
        long baseHeap = heapAfterGc();
        emit("start", 0, 0, baseHeap, sieve, frontier, 0);

        SqlStore store = SqlStore.sqlite(db);
        store.open();
        Batch batch = new Batch();
        long diskNanos = 0;
        long step = Math.max(1, n / 10);
        long t0 = System.nanoTime();
        long lastT = t0;
        for (long i = 0; i < n; i++) {
            String url = url(i, hosts);
            if (!sieve.add(url)) {
                throw new IllegalStateException("a distinct URL was taken for a duplicate: " + url);
            }
            FrontierEntry e = new FrontierEntry(url, (int) (i / hosts % 20), null, i);
            frontier.enqueue(e, 0);
            if (i < diskRows) {
                batch.queue(e);
                if (batch.frontier().size() == DISK_BATCH || i == diskRows - 1) {
                    long d0 = System.nanoTime();
                    store.commit(batch);
                    diskNanos += System.nanoTime() - d0;
                    batch = new Batch();
                }
            }
            if ((i + 1) % step == 0) {
                long now = System.nanoTime();
                double rate = step / ((now - lastT) / 1e9);
                emit("admitted", i + 1, (now - t0) / 1e9, heapAfterGc(), sieve, frontier, rate);
                lastT = System.nanoTime();
            }
        }
        store.close();
        long missing = 0;
        long c0 = System.nanoTime();
        for (long i = 0; i < n; i++) {
            if (!sieve.contains(url(i, hosts))) {
                missing++;
            }
        }
        double checkSeconds = (System.nanoTime() - c0) / 1e9;
        long dbBytes = size(db) + size(Path.of(db + "-wal"));
        long written = Math.min(n, diskRows);
        System.out.printf(Locale.ROOT, "{\"phase\": \"done\", \"urls\": %d, \"hosts\": %d, \"sieve_bytes\": %d,"
                        + " \"sieve_bytes_per_url\": %.2f, \"missing\": %d, \"lookup_per_s\": %.0f,"
                        + " \"disk_rows\": %d, \"disk_bytes\": %d, \"disk_bytes_per_url\": %.1f,"
                        + " \"disk_rows_per_s\": %.0f, \"in_memory\": %d, \"spilled\": %d}%n",
                n, hosts, sieve.memoryBytes(), sieve.memoryBytes() / (double) n, missing, n / checkSeconds,
                written, dbBytes, dbBytes / (double) written, written / (diskNanos / 1e9), frontier.inMemory(),
                frontier.queued() - frontier.inMemory());
        sieve.close();
        Files.deleteIfExists(db);
        Files.deleteIfExists(Path.of(db + "-wal"));
        Files.deleteIfExists(Path.of(db + "-shm"));
    }

    /** A canonical URL of about 60 characters, host {@code i mod hosts}. */
    static String url(long i, int hosts) {
        long h = i % hosts;
        long k = i / hosts;
        return "https://shop-" + h + ".example.com/category/" + (k % 97) + "/product/" + k + ".html?ref=list";
    }

    private static void emit(String phase, long urls, double seconds, long heap, Sieve sieve, Frontier frontier,
            double rate) {
        System.out.printf(Locale.ROOT, "{\"phase\": \"%s\", \"urls\": %d, \"seconds\": %.2f, \"heap_used\": %d,"
                        + " \"sieve_bytes\": %d, \"sieve_heap_bytes\": %d, \"heap_without_sieve\": %d,"
                        + " \"in_memory\": %d, \"per_s\": %.0f}%n",
                phase, urls, seconds, heap, sieve.memoryBytes(), sieve.heapBytes(), heap - sieve.heapBytes(),
                frontier.inMemory(), rate);
        System.out.flush();
    }

    private static long heapAfterGc() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long size(Path p) throws IOException {
        return Files.exists(p) ? Files.size(p) : 0;
    }
}
