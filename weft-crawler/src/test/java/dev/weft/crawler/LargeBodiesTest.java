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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory for large bodies is shared: with {@code maxBodySize} 4 MiB and 8 MiB for large
 * bodies, at most two bodies grow past 1 MiB at once, however many requests are in flight; a
 * page that outgrew 1 MiB while both shares were taken is asked again holding one, and every
 * page is stored whole, without an error or a retry. Before, every request in flight could
 * hold a body at the cap: 64 bodies of 60 MB filled a 2 GiB heap ({@code OutOfMemoryError}
 * stack traces, pages the server had sent stored as timeouts).
 */
@WeftTest
class LargeBodiesTest {

    @TempDir
    Path dir;

    private static final int PAGES = 8;
    private static final int SIZE = 3 << 20;

    @Test
    void atMostAsManyBodiesAsTheMemoryForThemHoldsGrowLargeAndEveryPageIsStoredWhole() throws Exception {
        try (TestSite site = TestSite.start()) {
            List<String> seeds = new ArrayList<>();
            String filler = "<p>" + "x".repeat(1000) + "</p>\n";
            String body = "<title>big</title>" + filler.repeat(SIZE / filler.length());
            for (int i = 0; i < PAGES; i++) {
                site.html("/big/" + i, body);
                seeds.add(site.url("/big/" + i));
            }
            AtomicInteger most = new AtomicInteger();
            AtomicInteger parsing = new AtomicInteger();
            AtomicInteger mostParsing = new AtomicInteger();
            CrawlStats stats = Crawler.builder().seeds(seeds).store("sqlite:" + dir.resolve("c.db"))
                    .concurrency(PAGES).perHost(PAGES).delay(Duration.ZERO).ignoreRobots(true)
                    .maxBodySize(4 << 20).largeBodyMemory(8 << 20)
                    .trace(new EngineTrace() {
                        @Override
                        public void largeBodies(int held) {
                            most.accumulateAndGet(held, Math::max);
                        }

                        @Override
                        public void parseStarted(String url) {
                            mostParsing.accumulateAndGet(parsing.incrementAndGet(), Math::max);
                        }

                        @Override
                        public void parseEnded(String url) {
                            parsing.decrementAndGet();
                        }
                    })
                    .build().run();
            assertEquals(CrawlStats.State.FINISHED, stats.state());
            assertEquals(2, most.get(), "two bodies past 1 MiB at once, never more (and the two were used)");
            assertEquals(0, stats.retries(), "a page asked again for memory is not a retry");
            assertEquals(1, mostParsing.get(), "8 MiB holds the tree of one 4 MiB page: one parse at a time, whatever"
                    + " the parse threads");
            List<Map<String, Object>> rows = Sql.sqlite(dir.resolve("c.db"),
                    "SELECT url, status, body_bytes, truncated, error, title FROM pages");
            assertEquals(PAGES, rows.size());
            for (Map<String, Object> r : rows) {
                assertNull(r.get("error"), r.toString());
                assertEquals(200, ((Number) r.get("status")).intValue());
                assertEquals((long) body.length(), ((Number) r.get("body_bytes")).longValue(), "whole: " + r);
                assertEquals(0, ((Number) r.get("truncated")).intValue());
                assertEquals("big", r.get("title"));
            }
            for (int i = 0; i < PAGES; i++) {
                assertTrue(site.requests("/big/" + i) <= 2, "asked at most once more, holding its share");
            }
        }
    }

    /**
     * Out of memory in a page's task, the crawl fails saying so (a {@link CrawlFailedException},
     * exit status 1 in the CLI), and a resume stores every page once. It stopped as if asked
     * to, and the CLI exited 0 with "errors: 0".
     */
    @Test
    void outOfMemoryFailsTheCrawlSayingSoAndAResumeFinishesIt() throws Exception {
        try (TestSite site = TestSite.start()) {
            StringBuilder hub = new StringBuilder("<title>hub</title>");
            for (int i = 0; i < 6; i++) {
                hub.append("<a href=/p/").append(i).append(">p</a>");
                site.html("/p/" + i, "<title>p</title>");
            }
            site.html("/", hub.toString());
            Path db = dir.resolve("oom.db");
            Crawler.Builder b = Crawler.builder().seeds(site.url("/")).store("sqlite:" + db).delay(Duration.ZERO)
                    .ignoreRobots(true);
            java.util.concurrent.atomic.AtomicBoolean thrown = new java.util.concurrent.atomic.AtomicBoolean();
            Crawler failing = b.onPage((page, ctx) -> {
                if (page.url().endsWith("/p/3") && thrown.compareAndSet(false, true)) {
                    throw new OutOfMemoryError("Java heap space (thrown by the test)");
                }
            }).build();
            CrawlFailedException e = org.junit.jupiter.api.Assertions.assertThrows(CrawlFailedException.class,
                    failing::run);
            assertTrue(e.getMessage().startsWith("out of memory in crawl " + site.url("/p/3")), e.getMessage());
            assertTrue(e.getMessage().contains("-Xmx"), e.getMessage());
            assertEquals(CrawlStats.State.FAILED, failing.stats().state());
            CrawlStats resumed = Crawler.builder().store("sqlite:" + db).delay(Duration.ZERO).ignoreRobots(true)
                    .resume(true).build().run();
            assertEquals(CrawlStats.State.FINISHED, resumed.state());
            assertEquals(7L, Sql.count(db, "SELECT COUNT(*) FROM pages"));
            assertEquals(0L, Sql.count(db, "SELECT COUNT(*) FROM frontier"));
        }
    }

    @Test
    void theSharesFollowTheMemoryAndTheCap() {
        assertNull(CrawlRun.largeBodyPermits(1 << 20, 64, 1L << 29), "bodies of at most 1 MiB never wait");
        assertNull(CrawlRun.largeBodyPermits(10 << 20, 50, 512L << 20), "51 shares for 50 in flight: no limit");
        assertEquals(51, CrawlRun.largeBodyPermits(10 << 20, 64, 512L << 20).available());
        assertEquals(5, CrawlRun.largeBodyPermits(100_000_000, 64, 512L << 20).available());
        assertEquals(1, CrawlRun.largeBodyPermits(1L << 30, 64, 512L << 20).available(), "at least one");
        assertEquals(6, CrawlRun.largeParsePermits(10 << 20, 512L << 20).available(), "parses: 8 times the cap each");
        assertEquals(1, CrawlRun.largeParsePermits(100_000_000, 512L << 20).available());
        assertNull(CrawlRun.largeParsePermits(1 << 20, 512L << 20));
    }
}
