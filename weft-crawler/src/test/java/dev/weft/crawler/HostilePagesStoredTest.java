package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.crawler.store.StoredText;
import dev.weft.http.server.Response;
import dev.weft.testing.WeftTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One hostile page must not fail a commit: MariaDB refused a batch holding a 1,000-character
 * {@code Content-Type} ({@code VARCHAR(255)}), an 80 KB title or a 70,000-character canonical link
 * (64 KiB {@code TEXT}), PostgreSQL one holding a NUL in an item — the whole batch with its
 * innocent pages was lost, the crawl failed, and every {@code --resume} fetched the same page and
 * failed the same way. Now every page is stored once in every engine, its text cut to what the
 * columns hold; a redirect to a URL longer than {@code maxUrlLength} is stored as an error, a
 * {@code Location} in raw UTF-8 is followed as a browser would, and a link with backslashes goes
 * where a browser would go.
 */
@WeftTest
class HostilePagesStoredTest {

    @TempDir
    Path dir;

    private static final String LONG_TYPE = "text/html; charset=utf-8; x=" + "a".repeat(1_000);
    private static final String LONG_TITLE = "é".repeat(40_000);

    private static TestSite hostileSite() throws Exception {
        TestSite site = TestSite.start();
        String authority = site.url("/").substring("http://".length(), site.url("/").length() - 1);
        site.html("/", "<title>hub</title><a href=/type>1</a><a href=/title>2</a><a href=/canonical>3</a>"
                + "<a href=/far>4</a><a href=/raw>5</a><a href=/item>6</a><a href='\\\\" + authority + "\\x'>7</a>"
                + "<a href=/ok>8</a>");
        site.html("/x", "<title>x</title>");
        site.page("/type", r -> Response.bytes("<title>type</title>".getBytes(java.nio.charset.StandardCharsets.UTF_8), LONG_TYPE));
        site.html("/title", "<title>" + LONG_TITLE + "</title>");
        site.html("/canonical", "<title>c</title><link rel=canonical href='/c?x=" + "b".repeat(70_000) + "'>");
        site.page("/far", r -> Response.of(302).header("Location", "http://127.0.0.1/" + "f".repeat(30_000)));
        // é in raw UTF-8 (0xC3 0xA9) and a stray 0xFF: a header's bytes are Latin-1 characters.
        site.page("/raw", r -> Response.of(302).header("Location", "/ok?from=\u00C3\u00A9\u00FF"));
        site.html("/item", "<title>item</title>");
        site.html("/ok", "<title>ok</title>");
        return site;
    }

    private static Crawler.Builder crawl(TestSite site, String uri) {
        return Crawler.builder().seeds(site.url("/")).store(uri).delay(Duration.ZERO).ignoreRobots(true)
                .onPage((page, ctx) -> {
                    if (page.url().endsWith("/item")) {
                        ctx.emit(Map.of("text", "nul\u0000here"));
                    }
                });
    }

    private void everyHostilePageIsStoredOnce(String uri, SqlReader sql) throws Exception {
        try (TestSite site = hostileSite()) {
            CrawlStats stats = crawl(site, uri).build().run();
            assertEquals(CrawlStats.State.FINISHED, stats.state());
            Map<String, Map<String, Object>> pages = sql.rows("SELECT url, final_url, status, content_type, title,"
                    + " canonical, error FROM pages").stream()
                    .collect(Collectors.toMap(p -> (String) p.get("url"), p -> p));
            assertEquals(9, pages.size(), "the hub and its eight links, each once: " + pages.keySet());
            String type = (String) pages.get(site.url("/type")).get("content_type");
            assertEquals(StoredText.MAX_CONTENT_TYPE, type.length());
            assertTrue(LONG_TYPE.startsWith(type.substring(0, type.length() - 1)) && type.endsWith("…"), type);
            String title = (String) pages.get(site.url("/title")).get("title");
            assertEquals(StoredText.MAX_TITLE, title.length());
            assertEquals("é".repeat(StoredText.MAX_TITLE - 1) + "…", title);
            Map<String, Object> canonical = pages.get(site.url("/canonical"));
            assertNull(canonical.get("error"));
            assertNull(canonical.get("canonical"), "longer than maxUrlLength: ignored as such a link is");
            String far = (String) pages.get(site.url("/far")).get("error");
            assertTrue(far.startsWith("redirect: the Location is 30017 characters long, more than maxUrlLength (2000)"),
                    far);
            assertEquals(site.url("/far"), pages.get(site.url("/far")).get("final_url"));
            assertEquals(site.url("/ok?from=%C3%A9%FF"), pages.get(site.url("/raw")).get("final_url"),
                    "followed to the bytes the server sent");
            assertEquals(200, ((Number) pages.get(site.url("/raw")).get("status")).intValue());
            assertTrue(pages.containsKey(site.url("/x")), "a backslash link goes where a browser goes: "
                    + pages.keySet());
            assertEquals(1, site.requests("/x"));
            List<Map<String, Object>> items = sql.rows("SELECT item FROM items");
            assertEquals(1, items.size());
            assertTrue(String.valueOf(items.getFirst().get("item")).contains("nul"), items.toString());
        }
    }

    /** Reads a store's tables. */
    @FunctionalInterface
    private interface SqlReader {
        List<Map<String, Object>> rows(String sql);
    }

    @Test
    void sqliteStoresEveryHostilePageOnce() throws Exception {
        Path db = dir.resolve("h.db");
        everyHostilePageIsStoredOnce("sqlite:" + db, sql -> Sql.sqlite(db, sql));
    }

    @Test
    void postgresqlStoresEveryHostilePageOnce() throws Exception {
        try (Databases.Db db = Databases.postgres()) {
            everyHostilePageIsStoredOnce(db.uri(), sql -> Sql.rows(db.jdbc(), null, null, sql));
        }
    }

    @Test
    void mariadbStoresEveryHostilePageOnce() throws Exception {
        try (Databases.Db db = Databases.mariadb()) {
            everyHostilePageIsStoredOnce(db.uri(), sql -> Sql.rows(db.jdbc(), null, null, sql));
        }
    }
}
