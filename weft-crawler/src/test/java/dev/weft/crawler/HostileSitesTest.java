package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.http.server.Response;
import dev.weft.testing.WeftTest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sites that try to break or burden the crawler, on real local servers; the server's request
 * log and the store are the witnesses.
 */
@WeftTest
class HostileSitesTest {

    @TempDir
    Path dir;

    private Crawler.Builder crawl(TestSite site) {
        return Crawler.builder().seeds(site.url("/")).store("sqlite:" + dir.resolve("c.db")).delay(Duration.ZERO);
    }

    /**
     * A 2 MiB robots.txt: only its first 500 KiB are read and parsed (RFC 9309 section 2.5
     * lets a crawler stop there; Google does): its rules there apply, one past it does not, and
     * the rest is not even downloaded. Every URL is checked against every rule on the loop, so
     * an unbounded file is a burden on the whole crawl, or an attack.
     */
    @Test
    void onlyTheFirst500KiBOfAHugeRobotsTxtAreReadAndObeyed() throws Exception {
        StringBuilder robots = new StringBuilder("User-agent: *\nDisallow: /early\n");
        while (robots.length() < 2 << 20) {
            robots.append("# a robots.txt that goes on and on and on and on and on and on and on\n");
        }
        robots.append("Disallow: /late\n");
        try (TestSite site = TestSite.start()) {
            site.robots(robots.toString())
                    .html("/", "<a href=/early>e</a><a href=/late>l</a>")
                    .html("/early", "early").html("/late", "late");
            CrawlStats stats = crawl(site).build().run();
            assertEquals(0, site.requests("/early"), "a rule within the limit applies");
            assertEquals(1, site.requests("/late"), "a rule past the limit is ignored");
            assertTrue(stats.bytes() < 600 * 1024, "read " + stats.bytes() + " bytes");
        }
    }
}
