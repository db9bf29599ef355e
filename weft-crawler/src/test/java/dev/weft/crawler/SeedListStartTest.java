package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.http.server.Response;
import dev.weft.testing.WeftTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long seed list does not hold up the first request: robots.txt is asked for while the seeds
 * are still being admitted. The witness is the order of two events — the site's own record of
 * the robots.txt request, and the crawler's end of admission. (It waited for the whole list: the
 * loop polled its sockets only every 64 steps while the admission yielded, so the robots.txt
 * connection was not even open before the last seed was in.)
 */
@WeftTest(virtualClock = false)
class SeedListStartTest {

    @TempDir
    Path dir;

    @Test
    void robotsTxtIsRequestedWhileALongSeedListIsStillBeingAdmitted() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        try (TestSite site = TestSite.start()) {
            List<String> seeds = fiftyThousandSeedsAllRefused(site, () -> events.add("robots.txt requested"));
            CrawlStats stats = Crawler.builder().seeds(seeds).store("sqlite:" + dir.resolve("c.db"))
                    .delay(Duration.ZERO).maxDepth(0)
                    .trace(new EngineTrace() {
                        @Override
                        public void seedsAdmitted() {
                            events.add("seeds admitted");
                        }
                    })
                    .build().run();
            assertEquals(50_000, stats.pagesDone(), "every seed stored (refused by robots.txt)");
            assertTrue(events.indexOf("robots.txt requested") >= 0
                    && events.indexOf("robots.txt requested") < events.indexOf("seeds admitted"), events.toString());
        }
    }

    /** 50,000 seed URLs of {@code site}, whose robots.txt (its request reported) refuses them all. */
    static List<String> fiftyThousandSeedsAllRefused(TestSite site, Runnable robotsRequested) {
        site.page("/robots.txt", r -> {
            robotsRequested.run();
            return Response.text("User-agent: *\nDisallow: /\n"); // nothing more is fetched
        });
        List<String> seeds = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            seeds.add(site.url("/p/" + i));
        }
        return seeds;
    }
}
