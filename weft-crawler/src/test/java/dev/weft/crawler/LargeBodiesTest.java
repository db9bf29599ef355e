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
            CrawlStats stats = Crawler.builder().seeds(seeds).store("sqlite:" + dir.resolve("c.db"))
                    .concurrency(PAGES).perHost(PAGES).delay(Duration.ZERO).ignoreRobots(true)
                    .maxBodySize(4 << 20).largeBodyMemory(8 << 20)
                    .trace(new EngineTrace() {
                        @Override
                        public void largeBodies(int held) {
                            most.accumulateAndGet(held, Math::max);
                        }
                    })
                    .build().run();
            assertEquals(CrawlStats.State.FINISHED, stats.state());
            assertEquals(2, most.get(), "two bodies past 1 MiB at once, never more (and the two were used)");
            assertEquals(0, stats.retries(), "a page asked again for memory is not a retry");
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

    @Test
    void theSharesFollowTheMemoryAndTheCap() {
        assertNull(CrawlRun.largeBodyPermits(1 << 20, 64, 1L << 29), "bodies of at most 1 MiB never wait");
        assertNull(CrawlRun.largeBodyPermits(10 << 20, 50, 512L << 20), "51 shares for 50 in flight: no limit");
        assertEquals(51, CrawlRun.largeBodyPermits(10 << 20, 64, 512L << 20).available());
        assertEquals(5, CrawlRun.largeBodyPermits(100_000_000, 64, 512L << 20).available());
        assertEquals(1, CrawlRun.largeBodyPermits(1L << 30, 64, 512L << 20).available(), "at least one");
    }
}
