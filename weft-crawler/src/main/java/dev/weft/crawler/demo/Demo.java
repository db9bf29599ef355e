package dev.weft.crawler.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.CancelledException;
import dev.weft.Weft;
import dev.weft.crawler.CrawlListener;
import dev.weft.crawler.CrawlStats;
import dev.weft.crawler.Crawler;
import dev.weft.crawler.progress.CrawlProgress;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@code ./weft demo}: starts the demo shop on loopback (2,000 pages, 200 ms before every
 * response), crawls it into SQLite {@code demo.db} in the current folder (replaced each run)
 * with a live progress display, and prints a summary: pages by status, wall time, what one
 * request at a time would have taken, the speed-up, and five extracted rows.
 *
 * <p>The crawler's polite defaults (2 requests in flight per host, 500 ms between request
 * starts to one host) would take minutes over 2,000 slow pages. The shop is local and ours, so
 * the demo raises the limits for its origin only ({@code hostLimits}) and says so; every other
 * host would keep the defaults.
 */
public final class Demo {

    /** The extraction rules of the demo, stored per page in {@code fields}. */
    static final Map<String, String> FIELDS = Map.of("price", ".price", "rating", ".rating", "image", "img.image@src");

    /**
     * What the demo does.
     *
     * @param pages the pages of the shop
     * @param latency the wait before every response of the shop
     * @param perHost requests in flight to the shop (its raised per-host limit, also the total)
     * @param db the SQLite file, replaced
     */
    public record Settings(int pages, Duration latency, int perHost, Path db) {

        /** The default per-host limit of the demo: 100 requests in flight to the local shop. */
        public static final int DEFAULT_PER_HOST = 100;

        /**
         * Checks the settings.
         *
         * @throws IllegalArgumentException naming the one that is wrong
         */
        public Settings {
            Objects.requireNonNull(latency, "latency");
            Objects.requireNonNull(db, "db");
            if (perHost < 1) {
                throw new IllegalArgumentException("per-host must be at least 1, not " + perHost);
            }
            if (pages < Shop.MIN_PAGES) {
                throw new IllegalArgumentException("pages must be at least " + Shop.MIN_PAGES + ", not " + pages);
            }
        }

        /** {@return 2,000 pages, 200 ms, 100 in flight, {@code demo.db} in the current folder} */
        public static Settings defaults() {
            return new Settings(DemoSite.Options.DEFAULT_PAGES, DemoSite.Options.DEFAULT_LATENCY, DEFAULT_PER_HOST,
                    Path.of("demo.db"));
        }
    }

    /**
     * One of the five rows the summary shows.
     *
     * @param title the page title
     * @param price the extracted price
     * @param rating the extracted rating
     * @param image the extracted image URL
     */
    public record Row(String title, String price, String rating, String image) {
    }

    /**
     * What the demo found.
     *
     * @param stats the crawl's final counters
     * @param rows five product rows read back from the database
     * @param site the URL of the shop that was crawled
     */
    public record Summary(CrawlStats stats, List<Row> rows, String site) {
    }

    private Demo() {
    }

    /**
     * Entry point of {@code ./weft demo [--pages N] [--latency MS] [--per-host P]}.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        quietLogs();
        Settings s;
        try {
            s = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("weft demo: " + e.getMessage());
            System.err.println("usage: ./weft demo [--pages N] [--latency MS] [--per-host P]   (defaults: 2000, 200, "
                    + Settings.DEFAULT_PER_HOST + ")");
            System.exit(2);
            return;
        }
        if (s == null) {
            return; // --help
        }
        CrawlProgress progress = CrawlProgress.onStandardError(); // before the loop: it may ask stty
        try {
            Summary summary = run(s, System.out, progress, progress.interval());
            System.exit(summary.stats().state() == CrawlStats.State.FINISHED ? 0 : 1);
        } catch (IOException | SQLException | RuntimeException e) {
            System.err.println("weft demo: " + e.getMessage());
            System.exit(1);
        }
    }

    private static Settings parse(String[] args) {
        Settings d = Settings.defaults();
        int pages = d.pages();
        long latency = d.latency().toMillis();
        int perHost = d.perHost();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-h", "--help" -> {
                    System.out.println("usage: ./weft demo [--pages N] [--latency MS] [--per-host P]\n"
                            + "Starts the demo shop on loopback and crawls it into demo.db (replaced), with a"
                            + " progress bar and a summary.\n  --pages N      pages of the shop (default 2000)\n"
                            + "  --latency MS   milliseconds before every response (default 200)\n"
                            + "  --per-host P   requests in flight to the shop (default " + Settings.DEFAULT_PER_HOST
                            + ")");
                    return null;
                }
                case "--pages" -> pages = number(args, ++i, "--pages");
                case "--latency" -> latency = number(args, ++i, "--latency");
                case "--per-host" -> perHost = number(args, ++i, "--per-host");
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (latency < 0) {
            throw new IllegalArgumentException("--latency must not be negative, not " + latency);
        }
        try {
            return new Settings(pages, Duration.ofMillis(latency), perHost, d.db());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage(), e);
        }
    }

    private static int number(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a number");
        }
        try {
            return Integer.parseInt(args[i]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a number, not " + args[i], e);
        }
    }

    /** The demo prints its own story: the servers' and pools' start-up lines would be noise. */
    private static void quietLogs() {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
    }

    /**
     * The demo: starts the shop, replaces {@code settings.db()}, crawls with {@code progress}
     * listening, prints the story and the summary on {@code out}. Call from a plain thread.
     *
     * @param settings what to do
     * @param out where the story and the summary go
     * @param progress a listener of the crawl (the progress display), or null
     * @param progressInterval how often the listener hears from the crawl
     * @return the summary
     * @throws IOException if the shop cannot start or the old database cannot be replaced
     * @throws SQLException if the rows cannot be read back
     */
    public static Summary run(Settings settings, PrintStream out, CrawlListener progress, Duration progressInterval)
            throws IOException, SQLException {
        replaceDatabase(settings.db());
        DemoSite.Options options = DemoSite.Options.defaults().pages(settings.pages()).latency(settings.latency());
        try (DemoSite site = DemoSite.start(options)) {
            String origin = "http://127.0.0.1:" + site.port();
            out.printf(Locale.ROOT, "Weft demo: crawling the demo shop at %s (%,d pages, %d ms before every response)"
                    + " into %s%n", site.baseUrl(), settings.pages(), settings.latency().toMillis(), settings.db());
            out.printf(Locale.ROOT, "The shop is local and ours, so this crawl allows %d requests in flight to %s with"
                    + " no delay; any other host keeps the polite defaults (2 in flight, 500 ms apart).%n",
                    settings.perHost(), origin);
            out.flush();
            Crawler.Builder b = Crawler.builder()
                    .seeds(site.baseUrl())
                    .concurrency(settings.perHost())
                    .hostLimits(origin, settings.perHost(), Duration.ZERO)
                    .store("sqlite:" + settings.db())
                    .progressInterval(progressInterval);
            FIELDS.forEach(b::extract);
            if (progress != null) {
                b.listener(progress);
            }
            Crawler crawler = b.build();
            CrawlStats stats = Weft.run(() -> {
                try {
                    return crawler.run();
                } catch (CancelledException e) { // Ctrl-C: the crawl stopped cleanly and is flushed
                    CrawlStats s = crawler.stats();
                    out.printf(Locale.ROOT, "%nInterrupted after %.1f s: %,d pages stored in %s (the next ./weft demo"
                            + " starts over).%n", s.elapsed().toNanos() / 1e9, s.pagesDone(), settings.db());
                    out.flush();
                    throw e; // Weft.run hands the signal back: exit 130 (SIGINT) or 143 (SIGTERM)
                }
            });
            List<Row> rows = fiveProducts(settings.db());
            Summary summary = new Summary(stats, rows, site.baseUrl());
            printSummary(summary, settings.db(), out);
            return summary;
        }
    }

    /** Deletes the database of the last run (and SQLite's side files), but only a SQLite file. */
    private static void replaceDatabase(Path db) throws IOException {
        if (Files.exists(db)) {
            byte[] head = new byte[16];
            int n;
            try (InputStream in = Files.newInputStream(db)) {
                n = in.readNBytes(head, 0, head.length);
            }
            boolean sqlite = n == 16 && new String(head, StandardCharsets.US_ASCII).equals("SQLite format 3\0");
            if (n > 0 && !sqlite) {
                throw new IOException(db.toAbsolutePath() + " exists and is not a SQLite database: the demo replaces"
                        + " demo.db each run, so move that file away or run the demo in another folder");
            }
        }
        for (String suffix : List.of("", "-wal", "-shm", "-journal", ".lock")) {
            Files.deleteIfExists(Path.of(db + suffix));
        }
    }

    /** The first five products (by number) as stored: title and the extracted fields. */
    static List<Row> fiveProducts(Path db) throws SQLException {
        ObjectMapper json = new ObjectMapper();
        List<Row> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT title, fields FROM pages WHERE status = 200 AND url LIKE"
                     + " '%/product/%.html' ORDER BY length(url), url LIMIT 5")) {
            while (rs.next()) {
                JsonNode f;
                try {
                    f = rs.getString(2) == null ? json.createObjectNode() : json.readTree(rs.getString(2));
                } catch (IOException e) {
                    throw new SQLException("fields is not JSON: " + rs.getString(2), e);
                }
                rows.add(new Row(rs.getString(1), f.path("price").asText(null), f.path("rating").asText(null),
                        f.path("image").asText(null)));
            }
        }
        return rows;
    }

    /**
     * Prints the summary:
     * <pre>
     * Crawled 2,086 pages in 4.6 s (453 pages/s) into demo.db: 200 × 2,010, 404 × 76
     * ...
     * </pre>
     */
    static void printSummary(Summary summary, Path db, PrintStream out) {
        CrawlStats st = summary.stats();
        double wall = st.elapsed().toNanos() / 1e9;
        double oneAtATime = st.responseTimeSum().toNanos() / 1e9;
        StringBuilder byStatus = new StringBuilder();
        for (Map.Entry<Integer, Long> e : new TreeMap<>(st.pagesByStatus()).entrySet()) {
            byStatus.append(byStatus.isEmpty() ? "" : ", ").append(e.getKey()).append(" × ")
                    .append(String.format(Locale.ROOT, "%,d", e.getValue()));
        }
        out.println();
        out.printf(Locale.ROOT, "%s: %,d pages stored in %s in %.1f s (%,.0f pages/s)%n", stateWord(st.state()),
                st.pagesDone(), db, wall, st.pagesPerSecond());
        out.printf(Locale.ROOT, "  by status:      %s%n", byStatus);
        out.printf(Locale.ROOT, "  not requested:  %,d disallowed by robots.txt (stored with their reason);"
                + " %,d duplicate links dropped%n", st.robotsBlocked(), st.deduplicated());
        if (st.errors() > st.robotsBlocked()) {
            out.printf(Locale.ROOT, "  errors:         %s%n", st.errorsByKind());
        }
        out.printf(Locale.ROOT, "  one at a time:  %.1f s (the sum of every response time)%n", oneAtATime);
        out.printf(Locale.ROOT, "  speed-up:       %.0fx%n", st.speedUp());
        out.println();
        out.println("Five of the rows (sqlite3 " + db + " \"SELECT title, fields FROM pages\"):");
        printTable(summary.rows(), out);
    }

    private static String stateWord(CrawlStats.State state) {
        return switch (state) {
            case FINISHED -> "Done";
            case STOPPED -> "Stopped";
            case FAILED -> "Failed";
            default -> state.name();
        };
    }

    private static void printTable(List<Row> rows, PrintStream out) {
        String[] head = {"title", "price", "rating", "image"};
        List<String[]> cells = new ArrayList<>();
        cells.add(head);
        for (Row r : rows) {
            cells.add(new String[] {String.valueOf(r.title()), String.valueOf(r.price()), String.valueOf(r.rating()),
                String.valueOf(r.image())});
        }
        int[] width = new int[head.length];
        for (String[] c : cells) {
            for (int i = 0; i < c.length; i++) {
                width[i] = Math.max(width[i], c[i].length());
            }
        }
        for (String[] c : cells) {
            StringBuilder line = new StringBuilder(" ");
            for (int i = 0; i < c.length; i++) {
                line.append(' ').append(c[i]).append(" ".repeat(width[i] - c[i].length()));
                if (i < c.length - 1) {
                    line.append(" |");
                }
            }
            out.println(line.toString().stripTrailing());
            if (c == head) {
                StringBuilder rule = new StringBuilder(" ");
                Arrays.stream(width).forEach(w -> rule.append('-').append("-".repeat(w)).append("-+"));
                out.println(rule.substring(0, rule.length() - 1));
            }
        }
    }
}
