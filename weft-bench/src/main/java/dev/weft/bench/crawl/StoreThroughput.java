package dev.weft.bench.crawl;

import dev.weft.crawler.frontier.FrontierEntry;
import dev.weft.crawler.store.Batch;
import dev.weft.crawler.store.HostRow;
import dev.weft.crawler.store.PageRecord;
import dev.weft.crawler.store.SqlStore;
import dev.weft.crawler.store.Store;
import dev.weft.crawler.store.StoredCrawl;
import dev.weft.crawler.store.Stores;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Rows per second into each of the crawler's SQL stores with the crawler's own batches: what the
 * engine's {@code StoreWriter} commits in steady state, one transaction per 200 pages, each batch
 * holding the 200 page rows (upserts), the deletion of their 200 frontier rows, 200 new frontier
 * rows (the links they discovered), a host row and the crawl row. Nothing is fetched: this
 * measures the store alone. PostgreSQL and MariaDB each get a throwaway database, dropped
 * afterwards; SQLite a temporary file. Prints one JSON line per store.
 *
 * <pre>java -cp … dev.weft.bench.crawl.StoreThroughput PAGES sqlite,postgresql,mariadb DIR</pre>
 */
public final class StoreThroughput {

    /** The engine's batch (CrawlRun.BATCH_PAGES). */
    private static final int BATCH_PAGES = 200;
    private static final String PG_ADMIN = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    private static final String MARIA_ADMIN = "jdbc:mariadb://127.0.0.1:3306/test?user=root";

    private StoreThroughput() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args pages per store, the stores (comma-separated), a folder for SQLite's file
     * @throws Exception if a throwaway database cannot be made
     */
    public static void main(String[] args) throws Exception {
        int pages = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        List<String> kinds = List.of((args.length > 1 ? args[1] : "sqlite,postgresql,mariadb").split(","));
        Path dir = Path.of(args.length > 2 ? args[2] : ".");
        String name = "weft_bench_" + ProcessHandle.current().pid();
        for (String kind : kinds) {
            try {
                run(kind, pages, dir, name);
            } catch (Exception e) {
                System.out.printf(Locale.ROOT, "{\"store\": \"%s\", \"error\": \"%s\"}%n", kind,
                        String.valueOf(e.getMessage()).replace('"', '\'').replace('\n', ' '));
            }
        }
    }

    private static void run(String kind, int pages, Path dir, String name) throws Exception {
        String uri;
        Path file = dir.resolve(name + ".db");
        switch (kind) {
            case "sqlite" -> uri = "sqlite:" + file;
            case "postgresql" -> {
                admin(PG_ADMIN, "CREATE DATABASE " + name);
                uri = "postgresql://postgres@127.0.0.1:5432/" + name;
            }
            case "mariadb" -> {
                admin(MARIA_ADMIN, "CREATE DATABASE " + name);
                uri = "mysql://root@127.0.0.1:3306/" + name;
            }
            default -> throw new IllegalArgumentException("unknown store " + kind);
        }
        try {
            Store store = Stores.open(uri);
            double seconds;
            long bytes;
            try {
                store.open();
                long empty = bytes(kind, store, file, name);
                // Warm-up: the first 2,000 pages (JIT, connections, the tables' first pages).
                int warm = Math.min(2_000, pages / 10);
                write(store, 0, warm);
                long t0 = System.nanoTime();
                write(store, warm, pages);
                seconds = (System.nanoTime() - t0) / 1e9;
                bytes = bytes(kind, store, file, name) - empty;
            } finally {
                store.close();
            }
            int measured = pages - Math.min(2_000, pages / 10);
            System.out.printf(Locale.ROOT, "{\"store\": \"%s\", \"pages\": %d, \"seconds\": %.3f, \"pages_per_s\": %.0f,"
                            + " \"batch_pages\": %d, \"bytes\": %d, \"bytes_per_page\": %.0f}%n",
                    kind, measured, seconds, measured / seconds, BATCH_PAGES, bytes,
                    bytes / (double) pages);
            System.out.flush();
        } finally {
            switch (kind) {
                case "postgresql" -> admin(PG_ADMIN, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
                case "mariadb" -> admin(MARIA_ADMIN, "DROP DATABASE IF EXISTS " + name);
                default -> {
                    for (String suffix : List.of("", "-wal", "-shm")) {
                        Files.deleteIfExists(Path.of(file + suffix));
                    }
                }
            }
        }
    }

    /** Pages {@code from} to {@code to}, 200 per transaction, as the engine's StoreWriter sends them. */
    private static void write(Store store, int from, int to) {
        Instant now = Instant.now();
        for (int b = from; b < to; b += BATCH_PAGES) {
            Batch batch = new Batch();
            int end = Math.min(to, b + BATCH_PAGES);
            for (int i = b; i < end; i++) {
                // The links this batch's pages discovered: the next pages' frontier rows.
                batch.queue(new FrontierEntry(url(i + BATCH_PAGES), 2, url(i), i + BATCH_PAGES));
                batch.store(new PageRecord(url(i), url(i), 200, "text/html; charset=utf-8",
                        "Handmade Porcelain Teapot No. " + i + " | Weft Demo Shop", 2, url(i - BATCH_PAGES), now,
                        3, 4_200, Map.of(), null, 0, false, null));
            }
            batch.host(new HostRow("http://127.0.0.1:8080", end, 0, -1, null));
            batch.crawl(new Batch.CrawlRow(StoredCrawl.State.RUNNING,
                    List.of(url(0)), "{}", end + BATCH_PAGES, "{}", from == 0 && b == 0));
            store.commit(batch);
        }
    }

    private static String url(int i) {
        return "http://127.0.0.1:8080/product/" + Math.max(i, 0) + ".html";
    }

    private static long bytes(String kind, Store store, Path file, String name) throws IOException {
        if (kind.equals("sqlite")) {
            long n = 0;
            for (String suffix : List.of("", "-wal")) {
                Path p = Path.of(file + suffix);
                n += Files.exists(p) ? Files.size(p) : 0;
            }
            return n;
        }
        SqlStore sql = (SqlStore) store;
        String q = kind.equals("postgresql") ? "SELECT pg_database_size('" + name + "')"
                : "SELECT SUM(data_length + index_length) FROM information_schema.tables WHERE table_schema = '"
                        + name + "'";
        return sql.query(q, rs -> rs.next() ? rs.getLong(1) : -1L);
    }

    private static void admin(String jdbc, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
