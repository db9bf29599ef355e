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
     * robots.txt redirecting where no crawler can follow ({@code ftp:}, a malformed
     * {@code Location}): the server answered, so it is "unavailable" (allow all), as more than
     * five redirects are (RFC 9309 2.3.1.2) — not "unreachable". It was taken for a connection
     * failure: asked again and again, and then every page of the site refused.
     */
    @Test
    void aRobotsTxtRedirectingToAnUnusableLocationMeansNoRulesNotAnUnreachableHost() throws Exception {
        for (String location : java.util.List.of("ftp://127.0.0.1/robots.txt", "http://[::1/robots.txt")) {
            try (TestSite site = TestSite.start()) {
                site.page("/robots.txt", r -> dev.weft.http.server.Response.of(301).header("Location", location))
                        .html("/", "<title>home</title><a href=/a>a</a>").html("/a", "<title>a</title>");
                CrawlStats stats = Crawler.builder().seeds(site.url("/")).delay(Duration.ZERO).retries(2).build().run();
                assertEquals(1, site.requests("/robots.txt"), location + ": asked once: the answer will not change");
                assertEquals(1, site.requests("/a"), location);
                assertEquals(0, stats.robotsBlocked(), location);
                assertEquals(2, stats.pagesDone(), location);
            }
        }
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
