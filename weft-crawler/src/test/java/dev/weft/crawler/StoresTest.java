package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.crawler.store.StoreException;
import dev.weft.testing.WeftTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The four stores, for real: SQLite and JSONL files, and the machine's PostgreSQL and MariaDB
 * (a database of their own per test). The same crawl goes into each; a stopped crawl is refused
 * without resume and completed with it, every page once.
 */
@WeftTest
class StoresTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Product(String name, double price) { }

    static TestSite shop() throws Exception {
        TestSite site = TestSite.start();
        StringBuilder hub = new StringBuilder("<title>Shop</title>");
        for (int i = 0; i < 12; i++) {
            hub.append("<a href=/p/").append(i).append(">p</a>");
            site.html("/p/" + i, "<title>Product " + i + " — 茶壶</title><b class=price>" + (i + 0.5) + "</b>"
                    + "<a href=/p/" + ((i + 1) % 12) + ">next</a>");
        }
        site.html("/", hub.toString());
        return site;
    }

    private Crawler.Builder crawl(TestSite site, String uri) {
        return Crawler.builder().seeds(site.url("/")).store(uri).delay(Duration.ZERO).perHost(2)
                .extract("price", ".price")
                .onPage((page, ctx) -> {
                    String price = page.fields().get("price");
                    if (price != null) {
                        ctx.emit(new Product(page.title(), Double.parseDouble(price)));
                    }
                });
    }

    /** Every stored page's URL with its number of rows (or lines), and one sample row. */
    record Stored(Map<String, Integer> urls, Map<String, Object> sample, long items, String state) { }

    private Stored read(String uri, Databases.Db db, String sampleUrl) throws Exception {
        if (uri.startsWith("jsonl:")) {
            Path file = Path.of(uri.substring(6));
            Map<String, Integer> urls = new TreeMap<>();
            Map<String, Object> sample = new LinkedHashMap<>();
            long items = 0;
            for (String line : Files.readAllLines(file)) {
                JsonNode o = JSON.readTree(line);
                urls.merge(o.get("url").asText(), 1, Integer::sum);
                items += o.has("items") ? o.get("items").size() : 0;
                if (o.get("url").asText().equals(sampleUrl)) {
                    o.properties().forEach(e -> sample.put(e.getKey(), e.getValue().isTextual()
                            ? e.getValue().asText() : e.getValue().toString()));
                }
            }
            String state = Sql.sqlite(Path.of(file + ".state"), "SELECT state FROM crawl").getFirst().get("state")
                    .toString();
            return new Stored(urls, sample, items, state);
        }
        String jdbc = db != null ? db.jdbc() : "jdbc:sqlite:" + uri.substring(7);
        Map<String, Integer> urls = new TreeMap<>();
        for (Map<String, Object> r : Sql.rows(jdbc, null, null, "SELECT url FROM pages")) {
            urls.merge(r.get("url").toString(), 1, Integer::sum);
        }
        Map<String, Object> sample = Sql.rows(jdbc, null, null,
                "SELECT * FROM pages WHERE url = '" + sampleUrl + "'").getFirst();
        long items = ((Number) Sql.rows(jdbc, null, null, "SELECT COUNT(*) AS n FROM items").getFirst().get("n"))
                .longValue();
        String state = Sql.rows(jdbc, null, null, "SELECT state FROM crawl").getFirst().get("state").toString();
        assertEquals(0L, ((Number) Sql.rows(jdbc, null, null, "SELECT COUNT(*) AS n FROM frontier").getFirst()
                .get("n")).longValue(), "nothing left queued");
        return new Stored(urls, sample, items, state);
    }

    private void storesEveryPageOnce(String uri, Databases.Db db) throws Exception {
        try (TestSite site = shop()) {
            CrawlStats stats = crawl(site, uri).build().run();
            assertEquals(CrawlStats.State.FINISHED, stats.state());
            Stored s = read(uri, db, site.url("/p/3"));
            assertEquals(13, s.urls().size());
            assertTrue(s.urls().values().stream().allMatch(n -> n == 1), s.urls().toString());
            assertEquals("Product 3 — 茶壶", s.sample().get("title"));
            assertEquals(200, ((Number) number(s.sample().get("status"))).intValue());
            assertTrue(s.sample().get("fields").toString().replace(" ", "").contains("\"price\":\"3.5\""),
                    s.sample().toString());
            String fetched = s.sample().get("fetched_at").toString();
            assertTrue(fetched.startsWith(Instant.now().toString().substring(0, 4)), fetched);
            assertEquals(12, s.items());
            assertEquals("FINISHED", s.state());
        }
    }

    private static Object number(Object o) {
        return o instanceof Number ? o : Integer.valueOf(o.toString());
    }

    private void aStoppedCrawlIsRefusedWithoutResumeAndCompletedWithIt(String uri, Databases.Db db) throws Exception {
        try (TestSite site = shop()) {
            List<Crawler> first = new ArrayList<>();
            Crawler c = crawl(site, uri).listener(new CrawlListener() {
                @Override
                public void pageDone(dev.weft.crawler.store.PageRecord page) {
                    // Stopped at the hub, whose links are queued by then and none of them fetched (a
                    // later stop leaves no fixed number unfetched: the pages fetched while others are
                    // parsed finish too).
                    if (first.getFirst().stats().pagesDone() == 1) {
                        first.getFirst().stop();
                    }
                }
            }).build();
            first.add(c);
            CrawlStats stopped = c.run();
            assertEquals(CrawlStats.State.STOPPED, stopped.state());
            assertTrue(stopped.pagesDone() >= 1 && stopped.pagesDone() < 13, "stopped midway: " + stopped.pagesDone());

            UnfinishedCrawlException refused = assertThrows(UnfinishedCrawlException.class,
                    () -> crawl(site, uri).build().run());
            assertTrue(refused.getMessage().contains("holds an unfinished crawl") && refused.getMessage().contains("--resume"),
                    refused.getMessage());

            CrawlStats resumed = crawl(site, uri).resume(true).build().run();
            assertEquals(CrawlStats.State.FINISHED, resumed.state());
            assertEquals(13, resumed.pagesDone());
            Stored s = read(uri, db, site.url("/p/3"));
            assertEquals(13, s.urls().size());
            assertTrue(s.urls().values().stream().allMatch(n -> n == 1), s.urls().toString());
            Map<String, Integer> twice = site.duplicates();
            assertEquals(2, twice.remove("/robots.txt"), "each run reads robots.txt afresh");
            assertEquals(Map.of(), twice, "no page fetched twice: a stop lets in-flight pages finish");
        }
    }

    @Test
    void sqliteStoresEveryPageOnce() throws Exception {
        storesEveryPageOnce("sqlite:" + dir.resolve("c.db"), null);
    }

    @Test
    void jsonlStoresEveryPageOnce() throws Exception {
        storesEveryPageOnce("jsonl:" + dir.resolve("pages.jsonl"), null);
    }

    @Test
    void postgresqlStoresEveryPageOnce() throws Exception {
        try (Databases.Db db = Databases.postgres()) {
            storesEveryPageOnce(db.uri(), db);
        }
    }

    @Test
    void mariadbStoresEveryPageOnce() throws Exception {
        try (Databases.Db db = Databases.mariadb()) {
            storesEveryPageOnce(db.uri(), db);
        }
    }

    @Test
    void sqliteRefusesAnUnfinishedCrawlWithoutResume() throws Exception {
        aStoppedCrawlIsRefusedWithoutResumeAndCompletedWithIt("sqlite:" + dir.resolve("c.db"), null);
    }

    @Test
    void jsonlRefusesAnUnfinishedCrawlWithoutResume() throws Exception {
        aStoppedCrawlIsRefusedWithoutResumeAndCompletedWithIt("jsonl:" + dir.resolve("pages.jsonl"), null);
    }

    @Test
    void postgresqlRefusesAnUnfinishedCrawlWithoutResume() throws Exception {
        try (Databases.Db db = Databases.postgres()) {
            aStoppedCrawlIsRefusedWithoutResumeAndCompletedWithIt(db.uri(), db);
        }
    }

    @Test
    void mariadbRefusesAnUnfinishedCrawlWithoutResume() throws Exception {
        try (Databases.Db db = Databases.mariadb()) {
            aStoppedCrawlIsRefusedWithoutResumeAndCompletedWithIt(db.uri(), db);
        }
    }

    @Test
    void aReadOnlySqliteFileFailsFastSayingSo() throws Exception {
        Path file = dir.resolve("ro.db");
        Sql.sqlite(file, "SELECT 1");
        ReadOnly ro = ReadOnly.make(file);
        try (TestSite site = shop()) {
            StoreException e = assertThrows(StoreException.class, () -> crawl(site, "sqlite:" + file).build().run());
            assertTrue(e.getMessage().contains("sqlite:" + file) && e.getMessage().contains("readonly"), e.getMessage());
            assertEquals(0, site.hits().size(), "nothing was fetched");
        } finally {
            ro.undo();
        }
    }

    @Test
    void aWrongMariadbPasswordFailsFastSayingSo() throws Exception {
        try (TestSite site = shop()) {
            StoreException e = assertThrows(StoreException.class,
                    () -> crawl(site, "mysql://root:wrong-password@127.0.0.1:3306/test").build().run());
            assertTrue(e.getMessage().startsWith("cannot connect to mysql://root@127.0.0.1:3306/test: ")
                    && e.getMessage().contains("Access denied"), e.getMessage());
            assertTrue(!e.getMessage().contains("wrong-password"), "the password is not shown");
            assertEquals(0, site.hits().size());
        }
    }

    @Test
    void aPostgresqlServerThatIsNotThereFailsFastSayingSo() throws Exception {
        try (TestSite site = shop()) {
            StoreException e = assertThrows(StoreException.class,
                    () -> crawl(site, "postgresql://postgres@127.0.0.1:1/test").build().run());
            assertTrue(e.getMessage().startsWith("cannot connect to postgresql://postgres@127.0.0.1:1/test: "),
                    e.getMessage());
        }
    }

    @Test
    void aStoreInAFolderThatDoesNotExistFailsFastSayingSo() throws Exception {
        try (TestSite site = shop()) {
            StoreException e = assertThrows(StoreException.class,
                    () -> crawl(site, "sqlite:" + dir.resolve("no/such/folder/c.db")).build().run());
            assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
            Path jsonl = dir.resolve("no/such/folder/pages.jsonl");
            StoreException j = assertThrows(StoreException.class, () -> crawl(site, "jsonl:" + jsonl).build().run());
            assertEquals("cannot open jsonl:" + jsonl + ": the folder " + jsonl.getParent() + " does not exist",
                    j.getMessage());
            assertEquals(0, site.hits().size(), "nothing was fetched");
        }
    }

    /** A binary tree of 120 pages, each answering after a (virtual) 20 ms. */
    private static TestSite tree() throws Exception {
        TestSite site = TestSite.start();
        site.otherwise(r -> {
            int i = r.path().startsWith("/n/") ? Integer.parseInt(r.path().substring(3)) : -1;
            if (i < 0 || i >= 120) {
                return dev.weft.http.server.Response.of(404);
            }
            dev.weft.Weft.sleep(Duration.ofMillis(20));
            return dev.weft.http.server.Response.html("<title>node " + i + "</title><a href=/n/" + (2 * i + 1)
                    + ">l</a><a href=/n/" + (2 * i + 2) + ">r</a>");
        });
        return site;
    }

    /**
     * The database goes away in the middle of a crawl (every connection cut, new ones refused):
     * the crawl stops at once with an error that names the store and says what happened; what
     * was committed stays, and {@code resume} against the database, back again, ends with every
     * page stored once.
     */
    private void aDatabaseThatGoesAwayMidCrawlStopsItSayingSoAndLosesNothing(Databases.Db db, int port)
            throws Exception {
        try (TestSite site = tree(); TcpProxy proxy = TcpProxy.to(port)) {
            String scheme = db.kind().equals("postgresql") ? "postgresql://postgres@" : "mysql://root@";
            String viaProxy = scheme + "127.0.0.1:" + proxy.port() + "/" + db.name();
            List<Crawler> first = new ArrayList<>();
            first.add(Crawler.builder().seeds(site.url("/n/0")).store(viaProxy).delay(Duration.ZERO).perHost(4)
                    .listener(new CrawlListener() {
                        @Override
                        public void pageDone(dev.weft.crawler.store.PageRecord page) {
                            if (first.getFirst().stats().pagesDone() == 40) {
                                proxy.cut();
                            }
                        }
                    }).build());
            StoreException e = assertThrows(StoreException.class, () -> first.getFirst().run());
            assertTrue(e.getMessage().startsWith("cannot write to " + viaProxy + ": the connection to the database was lost")
                    && e.getMessage().endsWith("run again with --resume once the database is back"), e.getMessage());
            assertEquals(CrawlStats.State.FAILED, first.getFirst().stats().state());
            long kept = ((Number) Sql.rows(db.jdbc(), null, null, "SELECT COUNT(*) AS n FROM pages").getFirst()
                    .get("n")).longValue();
            assertTrue(kept < 120, "the crawl stopped when the database went: " + kept + " pages");

            CrawlStats resumed = Crawler.builder().seeds(site.url("/n/0")).store(db.uri()).delay(Duration.ZERO)
                    .perHost(4).resume(true).build().run();
            assertEquals(CrawlStats.State.FINISHED, resumed.state());
            Map<String, Integer> urls = new TreeMap<>();
            for (Map<String, Object> r : Sql.rows(db.jdbc(), null, null, "SELECT url FROM pages WHERE status = 200")) {
                urls.merge(r.get("url").toString(), 1, Integer::sum);
            }
            assertEquals(120, urls.size(), "every page, none lost: " + urls.keySet());
            assertTrue(urls.values().stream().allMatch(n -> n == 1));
        }
    }

    @Test
    void aPostgresqlDatabaseThatGoesAwayMidCrawlStopsItSayingSoAndLosesNothing() throws Exception {
        try (Databases.Db db = Databases.postgres()) {
            aDatabaseThatGoesAwayMidCrawlStopsItSayingSoAndLosesNothing(db, 5432);
        }
    }

    @Test
    void aMariadbDatabaseThatGoesAwayMidCrawlStopsItSayingSoAndLosesNothing() throws Exception {
        try (Databases.Db db = Databases.mariadb()) {
            aDatabaseThatGoesAwayMidCrawlStopsItSayingSoAndLosesNothing(db, 3306);
        }
    }

    /** Makes a file read-only even for root (chattr +i), or by its mode for other users. */
    record ReadOnly(Path file, boolean immutable) {
        static ReadOnly make(Path file) throws Exception {
            if (file.toFile().setWritable(false, false) && !Files.isWritable(file)) {
                return new ReadOnly(file, false);
            }
            int rc = new ProcessBuilder("chattr", "+i", file.toString()).inheritIO().start().waitFor();
            if (rc != 0) {
                throw new IllegalStateException("cannot make " + file + " read-only (chattr +i failed)");
            }
            return new ReadOnly(file, true);
        }

        void undo() throws Exception {
            if (immutable) {
                new ProcessBuilder("chattr", "-i", file.toString()).inheritIO().start().waitFor();
            }
            file.toFile().setWritable(true, false);
        }
    }
}
