package dev.weft.crawler.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.crawler.CrawlStats;
import dev.weft.crawler.progress.CrawlProgress;
import dev.weft.crawler.progress.ProgressDisplay;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./weft demo}'s main path on a small shop without latency: the database and the summary. */
class DemoTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream story = new ByteArrayOutputStream();
    private final ByteArrayOutputStream progressLines = new ByteArrayOutputStream();

    private Demo.Summary runDemo(Path db) throws IOException, SQLException {
        Demo.Settings settings = new Demo.Settings(300, Duration.ZERO, 20, db);
        ProgressDisplay display = new ProgressDisplay(new PrintStream(progressLines, true, StandardCharsets.UTF_8),
                false, 80, System::nanoTime, Duration.ofMillis(200));
        return Demo.run(settings, new PrintStream(story, true, StandardCharsets.UTF_8), new CrawlProgress(display),
                Duration.ofMillis(100));
    }

    @Test
    void theDemoStoresEveryReachablePageOnceAndSaysWhatItDid() throws Exception {
        Path db = dir.resolve("demo.db");
        Demo.Summary summary = runDemo(db);
        CrawlStats stats = summary.stats();
        assertEquals(CrawlStats.State.FINISHED, stats.state());
        Shop shop = Shop.generate(300, DemoSite.Options.DEFAULT_SEED);

        // Every page a polite crawl reaches, once, with its status; the private pages as robots refusals.
        Map<String, Integer> expected = new HashMap<>(shop.expectedCrawl(false));
        Map<String, String> errors = new HashMap<>();
        Map<String, Integer> stored = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT url, status, error FROM pages")) {
            while (rs.next()) {
                URI u = URI.create(rs.getString(1));
                String key = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
                int status = rs.getInt(2);
                if (rs.wasNull()) {
                    errors.put(key, rs.getString(3));
                } else {
                    assertEquals(null, stored.put(key, status), "stored twice: " + key);
                }
            }
        }
        assertEquals(expected, stored);
        assertEquals(Shop.PRIVATE_PAGES.size(), errors.size(), errors.toString());
        for (String p : Shop.PRIVATE_PAGES) {
            assertTrue(errors.get(p).startsWith("robots"), p + ": " + errors.get(p));
        }
        long notFound = expected.values().stream().filter(v -> v == 404).count();
        assertEquals(Map.of(200, (long) expected.size() - notFound, 404, notFound), stats.pagesByStatus());

        // Five products read back with the extracted fields.
        assertEquals(5, summary.rows().size());
        for (int id = 1; id <= 5; id++) {
            Product p = shop.product(id);
            assertEquals(new Demo.Row(p.name() + " | Weft Demo Shop", p.price(), p.rating(), p.imageUrl()),
                    summary.rows().get(id - 1));
        }

        String out = story.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("this crawl allows 20 requests in flight to http://127.0.0.1:"), out);
        assertTrue(out.contains("any other host keeps the polite defaults"), out);
        assertTrue(out.contains(String.format("Done: %,d pages stored in %s", expected.size() + 3, db)), out);
        assertTrue(out.contains(String.format("by status:      200 × %d, 404 × %d", expected.size() - notFound,
                notFound)), out);
        assertTrue(out.contains("3 disallowed by robots.txt"), out);
        assertTrue(out.contains("one at a time:") && out.contains("speed-up:"), out);
        for (Demo.Row r : summary.rows()) {
            assertTrue(out.contains(r.title()) && out.contains(r.price()) && out.contains(r.image()), r.toString());
        }
        String lastProgress = progressLines.toString(StandardCharsets.UTF_8).strip().lines().reduce((a, b) -> b)
                .orElseThrow();
        assertTrue(lastProgress.contains(": " + (expected.size() + 3) + "/"), lastProgress);
    }

    @Test
    void theDemoReplacesItsDatabaseButNoOtherFile() throws Exception {
        Path db = dir.resolve("demo.db");
        long first = runDemo(db).stats().pagesDone();
        long second = runDemo(db).stats().pagesDone(); // an unfinished or finished crawl there: replaced
        assertEquals(first, second);
        try (var files = Files.list(dir)) { // the store's lock file (demo.db.lock) is not left in the user's folder
            assertEquals(java.util.List.of("demo.db"), files.map(f -> f.getFileName().toString()).sorted().toList());
        }

        Path notOurs = dir.resolve("notes.db");
        Files.writeString(notOurs, "my notes");
        IOException e = assertThrows(IOException.class, () -> runDemo(notOurs));
        assertTrue(e.getMessage().contains("is not a SQLite database"), e.getMessage());
        assertArrayEquals("my notes".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(notOurs));
    }

    @Test
    void byDefaultTheDemoCrawls2000PagesAnswering200MsLateWith100InFlightIntoDemoDb() {
        Demo.Settings d = Demo.Settings.defaults();
        assertEquals(new Demo.Settings(2_000, Duration.ofMillis(200), 100, Path.of("demo.db")), d);
    }
}
