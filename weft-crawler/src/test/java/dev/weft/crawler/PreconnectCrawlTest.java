package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.http.server.Response;
import dev.weft.testing.WeftTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While a host's robots.txt is on its way, the crawler opens the connections its known URLs
 * will need, up to the host's concurrency — never more, and never a request before robots.txt
 * is in. The witness is the site: robots.txt is answered only once the server has accepted the
 * three connections of a list crawl at three per host (or, with the old behaviour, after a
 * bounded wait, which fails the test).
 */
@WeftTest(virtualClock = false)
class PreconnectCrawlTest {

    @TempDir
    Path dir;

    @Test
    void aHostsConnectionsAreOpenedWhileItsRobotsTxtIsOnItsWay() throws Exception {
        AtomicInteger acceptedWhenRobotsAnswered = new AtomicInteger(-1);
        try (TestSite site = TestSite.start()) {
            site.page("/robots.txt", r -> {
                for (int i = 0; i < 2_000 && site.acceptedConnections() < 3; i++) { // at most 20 s
                    Weft.sleep(Duration.ofMillis(10));
                }
                acceptedWhenRobotsAnswered.set(site.acceptedConnections());
                return Response.text("User-agent: *\nDisallow:\n");
            });
            site.otherwise(r -> Response.html("<title>" + r.path() + "</title>"));
            List<String> seeds = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                seeds.add(site.url("/p" + i));
            }
            CrawlStats stats = Crawler.builder().seeds(seeds).store("sqlite:" + dir.resolve("c.db"))
                    .delay(Duration.ZERO).perHost(3).maxDepth(0).build().run();
            assertEquals(6, stats.pagesDone());
            assertEquals(3, acceptedWhenRobotsAnswered.get(),
                    "connections open when robots.txt was answered: its own and two opened ahead");
            assertEquals(3, site.acceptedConnections(), "no more connections than the host's limit");
            assertEquals("/robots.txt", site.hits().getFirst().target(), "nothing requested before robots.txt");
        }
    }
}
