package dev.weft.bench.crawl;

import edu.uci.ics.crawler4j.crawler.CrawlConfig;
import edu.uci.ics.crawler4j.crawler.CrawlController;
import edu.uci.ics.crawler4j.crawler.Page;
import edu.uci.ics.crawler4j.crawler.WebCrawler;
import edu.uci.ics.crawler4j.fetcher.PageFetcher;
import edu.uci.ics.crawler4j.parser.HtmlParseData;
import edu.uci.ics.crawler4j.robotstxt.RobotstxtConfig;
import edu.uci.ics.crawler4j.robotstxt.RobotstxtServer;
import edu.uci.ics.crawler4j.url.WebURL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The crawler4j peer of {@code ./weft bench crawl}: crawls one site from its home page with
 * {@code THREADS} crawler threads, no politeness delay, robots.txt obeyed, every link of the
 * site followed (crawler4j parses each page with Tika), and stores each page's URL, status and
 * title into SQLite in batches of 200 rows per transaction — the work Weft's crawler and the
 * Scrapy spider do. Prints one JSON line: pages stored and the crawl's own time, from the start
 * to the last commit (crawler4j then waits for its idle monitor before it returns; that wait
 * is in the process's wall time, not in this figure).
 *
 * <pre>java -cp … dev.weft.bench.crawl.Crawler4jBench SEED_URL STORAGE_DIR DB_FILE THREADS</pre>
 */
public final class Crawler4jBench {

    private Crawler4jBench() {
    }

    /** Rows of the {@code pages} table, batched: 200 per transaction, from any crawler thread. */
    static final class Sink {
        private static final int BATCH = 200;
        private final Connection db;
        private final PreparedStatement insert;
        private int pending;
        private long stored;
        private long lastCommitNanos;

        Sink(Path file) throws SQLException {
            db = DriverManager.getConnection("jdbc:sqlite:" + file);
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=NORMAL");
                s.execute("CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, status INTEGER, title TEXT)");
            }
            db.setAutoCommit(false);
            insert = db.prepareStatement("INSERT OR REPLACE INTO pages (url, status, title) VALUES (?, ?, ?)");
        }

        synchronized void add(String url, int status, String title) {
            try {
                insert.setString(1, url);
                insert.setInt(2, status);
                insert.setString(3, title);
                insert.addBatch();
                if (++pending == BATCH) {
                    flush();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        synchronized void flush() throws SQLException {
            if (pending > 0) {
                insert.executeBatch();
                db.commit();
                stored += pending;
                pending = 0;
                lastCommitNanos = System.nanoTime();
            }
        }

        synchronized long stored() {
            return stored;
        }

        synchronized long lastCommitNanos() {
            return lastCommitNanos;
        }

        synchronized void close() throws SQLException {
            flush();
            db.close();
        }
    }

    /** One crawler thread: stays on the seed's site, stores every HTML page it visits. */
    public static final class SiteCrawler extends WebCrawler {
        private final String prefix;
        private final Sink sink;

        SiteCrawler(String prefix, Sink sink) {
            this.prefix = prefix;
            this.sink = sink;
        }

        @Override
        public boolean shouldVisit(Page referringPage, WebURL url) {
            return url.getURL().startsWith(prefix);
        }

        @Override
        public void visit(Page page) {
            String title = page.getParseData() instanceof HtmlParseData html ? html.getTitle() : null;
            sink.add(page.getWebURL().getURL(), page.getStatusCode(), title);
        }
    }

    /**
     * Runs the crawl.
     *
     * @param args seed URL, storage folder, SQLite file, threads
     * @throws Exception if the crawl cannot start
     */
    public static void main(String[] args) throws Exception {
        String seed = args[0];
        Path storage = Path.of(args[1]);
        Path dbFile = Path.of(args[2]);
        int threads = Integer.parseInt(args[3]);
        Files.createDirectories(storage);
        String prefix = seed.substring(0, seed.indexOf('/', "http://".length()) + 1);

        CrawlConfig config = new CrawlConfig();
        config.setCrawlStorageFolder(storage.toString());
        config.setPolitenessDelay(0);
        config.setMaxDepthOfCrawling(-1);
        config.setMaxPagesToFetch(-1);
        config.setIncludeBinaryContentInCrawling(false);
        config.setResumableCrawling(false);
        config.setMaxConnectionsPerHost(threads);
        config.setMaxTotalConnections(threads);
        config.setUserAgentString("crawler4j-bench");
        // Its idle monitor: the shortest waits it allows, so that the process ends soon after the crawl.
        config.setThreadMonitoringDelaySeconds(1);
        config.setThreadShutdownDelaySeconds(1);
        config.setCleanupDelaySeconds(1);

        PageFetcher fetcher = new PageFetcher(config);
        RobotstxtConfig robotsConfig = new RobotstxtConfig();
        robotsConfig.setUserAgentName("crawler4j-bench");
        RobotstxtServer robots = new RobotstxtServer(robotsConfig, fetcher);
        CrawlController controller = new CrawlController(config, fetcher, robots);
        controller.addSeed(seed);

        Sink sink = new Sink(dbFile);
        long t0 = System.nanoTime();
        controller.start(() -> new SiteCrawler(prefix, sink), threads);
        sink.close();
        double crawlSeconds = (sink.lastCommitNanos() - t0) / 1e9;
        double processCrawlSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("{\"contender\": \"crawler4j\", \"stored\": %d, \"crawl_s\": %.3f, \"until_return_s\": %.3f}%n",
                sink.stored(), crawlSeconds, processCrawlSeconds);
    }
}
