package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testing.WeftTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WeftTest
class CrawlerBasicsTest {

    @TempDir
    Path dir;

    /** A site of n pages in a chain plus a hub linking all of them. */
    static TestSite shop(int n) throws Exception {
        TestSite site = TestSite.start();
        StringBuilder hub = new StringBuilder("<html><head><title>Hub</title></head><body>");
        for (int i = 0; i < n; i++) {
            hub.append("<a href=\"/p/").append(i).append("\">p").append(i).append("</a> ");
            int next = (i + 1) % n;
            site.html("/p/" + i, "<html><head><title>Page " + i + "</title></head><body><span class=price>"
                    + (10 + i) + ".00</span><a href=\"/p/" + next + "#frag\">next</a> <a href='/'>home</a></body></html>");
        }
        site.html("/", hub.append("</body></html>").toString());
        return site;
    }

    @Test
    void storesEveryPageOfASmallSiteOnceWithTitleAndFields() throws Exception {
        try (TestSite site = shop(20)) {
            Path db = dir.resolve("crawl.db");
            CrawlStats stats = Crawler.builder().seeds(site.url("/")).store("sqlite:" + db)
                    .extract("price", ".price").build().run();
            assertEquals(CrawlStats.State.FINISHED, stats.state());
            assertEquals(21, stats.pagesDone());
            assertEquals(21, Sql.count(db, "SELECT COUNT(*) FROM pages"));
            assertEquals(0, Sql.count(db, "SELECT COUNT(*) FROM frontier"));
            List<Map<String, Object>> p3 = Sql.sqlite(db, "SELECT * FROM pages WHERE url = '" + site.url("/p/3") + "'");
            assertEquals("Page 3", p3.getFirst().get("title"));
            assertEquals(200, p3.getFirst().get("status"));
            assertEquals("{\"price\":\"13.00\"}", p3.getFirst().get("fields"));
            assertEquals(site.url("/"), p3.getFirst().get("referrer"));
            assertEquals(1, ((Number) p3.getFirst().get("depth")).intValue());
            assertNull(p3.getFirst().get("error"));
            assertEquals("FINISHED", Sql.sqlite(db, "SELECT state FROM crawl").getFirst().get("state"));
            assertEquals(Map.of(), site.duplicates(), "no URL requested twice");
            assertEquals("/robots.txt", site.hits().getFirst().target(), "robots.txt first");
        }
    }

    @Test
    void theCallbackEmitsItemsThatAreStoredWithTheirPage() throws Exception {
        try (TestSite site = shop(5)) {
            Path db = dir.resolve("items.db");
            List<Object> sink = new ArrayList<>();
            record Product(String url, String price) { }
            Crawler.builder().seeds(site.url("/")).store("sqlite:" + db).delay(Duration.ZERO)
                    .onPage((page, ctx) -> {
                        if (page.url().contains("/p/")) {
                            ctx.emit(new Product(page.url(), page.document().selectFirst(".price").text()));
                        }
                    })
                    .onItem(sink::add)
                    .build().run();
            assertEquals(5, sink.size());
            assertEquals(5, Sql.count(db, "SELECT COUNT(*) FROM items"));
            assertTrue(Sql.sqlite(db, "SELECT item FROM items WHERE url = '" + site.url("/p/2") + "'")
                    .getFirst().get("item").toString().contains("\"price\":\"12.00\""));
        }
    }

    @Test
    void startRunsTheCrawlInATaskWhileTheCallerGoesOnThenStopAndAwaitEndIt() throws Exception {
        try (TestSite site = shop(30)) {
            Path db = dir.resolve("started.db");
            Crawler crawler = Crawler.builder().seeds(site.url("/")).store("sqlite:" + db).perHost(1)
                    .delay(Duration.ofMillis(100)).build();
            dev.weft.Task<CrawlStats> task = crawler.start();
            int looks = 0;
            while (crawler.stats().pagesDone() < 5) {   // this task is free while the crawl runs
                dev.weft.Weft.sleep(Duration.ofMillis(50));
                looks++;
            }
            assertTrue(looks > 1);
            crawler.stop();
            CrawlStats stats = crawler.await();
            assertEquals(CrawlStats.State.STOPPED, stats.state());
            assertTrue(stats.pagesDone() >= 5 && stats.pagesDone() < 31, "stopped midway: " + stats.pagesDone());
            assertEquals(stats.pagesDone(), task.result().pagesDone());
            assertEquals(stats.pagesDone(), Sql.count(db, "SELECT COUNT(*) FROM pages"), "everything flushed");
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, crawler::start,
                    "a crawler runs once");
        }
    }

    /**
     * After a resume the totals go on, but the wall time and the sum of response times are both
     * this run's, so "one request at a time would have taken" and the speed-up compare like with
     * like. Every page answers after a (virtual) 100 ms.
     */
    @Test
    void aResumedRunsSpeedUpComparesItsOwnResponseTimesWithItsOwnWallTime() throws Exception {
        try (TestSite site = TestSite.start()) {
            StringBuilder hub = new StringBuilder();
            for (int i = 0; i < 12; i++) {
                hub.append("<a href=/p/").append(i).append(">p</a>");
            }
            String links = hub.toString();
            site.otherwise(r -> {
                if (r.path().equals("/robots.txt")) {
                    return dev.weft.http.server.Response.of(404);
                }
                dev.weft.Weft.sleep(Duration.ofMillis(100));
                return dev.weft.http.server.Response.html(r.path().equals("/") ? links : "<title>p</title>");
            });
            Path db = dir.resolve("speed.db");
            List<Crawler> first = new ArrayList<>();
            first.add(Crawler.builder().seeds(site.url("/")).store("sqlite:" + db).perHost(1).delay(Duration.ZERO)
                    .listener(new CrawlListener() {
                        @Override
                        public void pageDone(dev.weft.crawler.store.PageRecord page) {
                            if (first.getFirst().stats().pagesDone() == 6) {
                                first.getFirst().stop();
                            }
                        }
                    }).build());
            CrawlStats stopped = first.getFirst().run();
            CrawlStats resumed = Crawler.builder().seeds(site.url("/")).store("sqlite:" + db).perHost(1)
                    .delay(Duration.ZERO).resume(true).build().run();
            assertEquals(13, resumed.pagesDone());
            long n = resumed.pagesThisRun();
            assertEquals(13 - stopped.pagesDone(), n);
            long ms = resumed.responseTimeSum().toMillis();
            assertTrue(ms >= 100 * n && ms <= 102 * n + 10, "this run's " + n + " pages of 100 ms: " + ms + " ms");
            assertTrue(resumed.speedUp() > 0.9 && resumed.speedUp() <= 1.05,
                    "one at a time, so about 1x: " + resumed.speedUp());
        }
    }
}
