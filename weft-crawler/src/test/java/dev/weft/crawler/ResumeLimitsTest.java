package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.crawler.store.PageRecord;
import dev.weft.testing.WeftTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --resume} with lower limits than the stored crawl's. The queued URLs were admitted under
 * the old limits, and a resume fetched them all: {@code --max-pages 50} stopped at 11 pages, then
 * resumed with {@code --max-pages 30}, stored 50. The new limits hold exactly; the rows beyond
 * them stay queued, so a later resume with higher limits goes on.
 */
@WeftTest
class ResumeLimitsTest {

    @TempDir
    Path dir;

    /** Stops a crawl once it has stored {@code pages} pages. */
    private static Crawler stoppedAfter(Crawler.Builder b, long pages) {
        List<Crawler> self = new ArrayList<>();
        self.add(b.listener(new CrawlListener() {
            @Override
            public void pageDone(PageRecord page) {
                if (self.getFirst().stats().pagesDone() == pages) {
                    self.getFirst().stop();
                }
            }
        }).build());
        return self.getFirst();
    }

    /**
     * A crawler that stops once {@code url} is stored: its links are queued by then and none of them
     * fetched (a stop after N pages leaves no fixed number unfetched: the pages fetched while others
     * are parsed finish too).
     */
    private static Crawler stoppedAt(Crawler.Builder b, String url) {
        List<Crawler> self = new ArrayList<>();
        self.add(b.listener(new CrawlListener() {
            @Override
            public void pageDone(PageRecord page) {
                if (page.url().equals(url)) {
                    self.getFirst().stop();
                }
            }
        }).build());
        return self.getFirst();
    }

    private Crawler.Builder crawl(TestSite site, Path db) {
        return Crawler.builder().seeds(site.url("/")).store("sqlite:" + db).perHost(1).delay(Duration.ZERO)
                .ignoreRobots(true);
    }

    /** A hub linking to {@code /p/0} .. {@code /p/59}. */
    private static TestSite hub() throws Exception {
        TestSite site = TestSite.start();
        StringBuilder hub = new StringBuilder("<title>hub</title>");
        for (int i = 0; i < 60; i++) {
            hub.append("<a href=/p/").append(i).append(">").append(i).append("</a>");
        }
        site.html("/", hub.toString()).otherwise(r -> dev.weft.http.server.Response.html("<title>p</title>"));
        return site;
    }

    @Test
    void aResumeWithALowerMaxPagesStopsAtTheNewLimitAndKeepsTheRestQueued() throws Exception {
        try (TestSite site = hub()) {
            Path db = dir.resolve("c.db");
            CrawlStats first = stoppedAt(crawl(site, db).maxPages(50), site.url("/")).run();
            assertEquals(CrawlStats.State.STOPPED, first.state());
            long stored = Sql.count(db, "SELECT COUNT(*) FROM pages");
            assertTrue(stored >= 1 && stored < 30, "stored " + stored);
            assertEquals(50, stored + Sql.count(db, "SELECT COUNT(*) FROM frontier"), "50 admitted");

            CrawlStats lower = crawl(site, db).maxPages(30).resume(true).build().run();
            assertEquals(CrawlStats.State.FINISHED, lower.state());
            assertEquals(30, Sql.count(db, "SELECT COUNT(*) FROM pages"), "exactly the new limit");
            assertEquals(30, lower.pagesDone());
            assertEquals(20, Sql.count(db, "SELECT COUNT(*) FROM frontier"), "the rest stays queued");
            assertEquals(29, site.hits().stream().filter(h -> h.target().startsWith("/p/")).count(),
                    "never asked for more");

            int hits = site.hitCount();
            CrawlStats below = crawl(site, db).maxPages(20).resume(true).build().run();
            assertEquals(CrawlStats.State.FINISHED, below.state());
            assertEquals(hits, site.hitCount(), "a limit below what is stored fetches nothing");
            assertEquals(30, Sql.count(db, "SELECT COUNT(*) FROM pages"));

            CrawlStats higher = crawl(site, db).maxPages(50).resume(true).build().run();
            assertEquals(CrawlStats.State.FINISHED, higher.state());
            assertEquals(50, Sql.count(db, "SELECT COUNT(*) FROM pages"), "a higher limit goes on");
            assertEquals(0, Sql.count(db, "SELECT COUNT(*) FROM frontier"));
            assertEquals(Map.of(), site.duplicates(), "no page fetched twice over the four runs");
        }
    }

    @Test
    void aResumeWithALowerMaxPagesPerHostStopsThatHostAtTheNewLimitAndKeepsTheRestQueued() throws Exception {
        try (TestSite site = hub(); TestSite other = TestSite.start("127.0.0.2")) {
            other.html("/", "<title>other</title><a href=/x>x</a>").html("/x", "<title>x</title>");
            Path db = dir.resolve("c.db");
            CrawlStats first = stoppedAt(crawl(site, db).seeds(site.url("/"), other.url("/")).maxPagesPerHost(50),
                    site.url("/")).run();
            assertEquals(CrawlStats.State.STOPPED, first.state());
            String host = site.url("/") + "%";
            long stored = Sql.count(db, "SELECT COUNT(*) FROM pages WHERE url LIKE '" + host + "'");
            assertTrue(stored < 30, "stored " + stored);
            assertEquals(50, stored + Sql.count(db, "SELECT COUNT(*) FROM frontier WHERE url LIKE '" + host + "'"));

            CrawlStats lower = crawl(site, db).maxPagesPerHost(30).resume(true).build().run();
            assertEquals(CrawlStats.State.FINISHED, lower.state());
            assertEquals(30, Sql.count(db, "SELECT COUNT(*) FROM pages WHERE url LIKE '" + host + "'"),
                    "exactly the new limit");
            assertEquals(20, Sql.count(db, "SELECT COUNT(*) FROM frontier"), "the rest stays queued");
            assertEquals(2, other.requests("/") + other.requests("/x"), "the other host is crawled to its end");

            CrawlStats higher = crawl(site, db).maxPagesPerHost(50).resume(true).build().run();
            assertEquals(CrawlStats.State.FINISHED, higher.state());
            assertEquals(50, Sql.count(db, "SELECT COUNT(*) FROM pages WHERE url LIKE '" + host + "'"));
            assertEquals(0, Sql.count(db, "SELECT COUNT(*) FROM frontier"));
            assertEquals(Map.of(), site.duplicates(), "no page fetched twice over the three runs");
        }
    }

    @Test
    void aResumeWithALowerMaxDepthFetchesNothingDeeperAndKeepsItQueued() throws Exception {
        try (TestSite site = TestSite.start()) {
            StringBuilder hub = new StringBuilder("<title>hub</title>");
            for (int i = 0; i < 5; i++) {
                hub.append("<a href=/a/").append(i).append(">a</a>");
            }
            site.html("/", hub.toString()).otherwise(r -> dev.weft.http.server.Response.html(
                    r.path().startsWith("/a/") ? "<title>a</title><a href=/b" + r.path().substring(2) + ">b</a>"
                            : "<title>b</title>"));
            Path db = dir.resolve("c.db");
            CrawlStats first = stoppedAfter(crawl(site, db).maxDepth(2), 3).run();
            assertEquals(CrawlStats.State.STOPPED, first.state());
            long deep = Sql.count(db, "SELECT COUNT(*) FROM frontier WHERE url LIKE '%/b/%'");
            assertTrue(deep >= 1, "a depth-2 URL is queued");
            // (pages fetched while others were parsed finish after the stop: a depth-2 one may be among them)
            long deepStored = Sql.count(db, "SELECT COUNT(*) FROM pages WHERE url LIKE '%/b/%'");
            int firstRun = site.hits().size();

            CrawlStats lower = crawl(site, db).maxDepth(1).resume(true).build().run();
            assertEquals(CrawlStats.State.FINISHED, lower.state());
            assertEquals(0, site.hits().subList(firstRun, site.hits().size()).stream()
                    .filter(h -> h.target().startsWith("/b/")).count(), "nothing deeper than the new limit is fetched");
            assertEquals(6 + deepStored, Sql.count(db, "SELECT COUNT(*) FROM pages"), "the hub and its five links");
            assertEquals(deep, Sql.count(db, "SELECT COUNT(*) FROM frontier"), "the deeper URLs stay queued");

            CrawlStats deeper = crawl(site, db).maxDepth(2).resume(true).build().run();
            assertEquals(CrawlStats.State.FINISHED, deeper.state());
            assertEquals(6 + deepStored + deep, Sql.count(db, "SELECT COUNT(*) FROM pages"), "a higher limit goes on");
            assertEquals(0, Sql.count(db, "SELECT COUNT(*) FROM frontier"));
        }
    }
}
