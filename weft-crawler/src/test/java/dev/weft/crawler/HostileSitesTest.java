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
     * One host under many spellings is one host: one robots.txt, one per-host limit, at the
     * server. Links that put a user name before it ({@code http://u1:secret@127.0.0.1/p1}...),
     * a trailing dot ({@code 127.0.0.1.}), or an IPv4 address in another form ({@code 127.1},
     * {@code 0x7f.0.0.1}, {@code 2130706433}) each made an origin of its own, with its own
     * robots.txt and its own limits: a page could get its host hit many at a time with
     * perHost 1. The user info (credentials, perhaps) is not stored either.
     */
    @Test
    void oneHostUnderManySpellingsIsOneHost() throws Exception {
        try (TestSite site = TestSite.start()) {
            java.util.List<String> hosts = java.util.List.of("u1:secret@127.0.0.1", "u2:secret@127.0.0.1",
                    "u3@127.0.0.1", "127.0.0.1.", "127.1", "0x7f.0.0.1", "2130706433", "0177.0.1");
            StringBuilder hub = new StringBuilder("<title>hub</title>");
            for (int i = 0; i < hosts.size(); i++) {
                hub.append("<a href='http://").append(hosts.get(i)).append(":").append(site.port())
                        .append("/p").append(i).append("'>").append(i).append("</a>");
                site.page("/p" + i, r -> {
                    dev.weft.Weft.sleep(Duration.ofMillis(100));
                    return Response.html("<title>p</title>");
                });
            }
            site.html("/", hub.toString()).robots("User-agent: *\nAllow: /\n");
            CrawlStats stats = crawl(site).perHost(1).build().run();
            assertEquals(1 + hosts.size(), stats.pagesDone());
            assertEquals(0, stats.errors());
            assertEquals(1, site.requests("/robots.txt"), "one host, one robots.txt");
            assertEquals(1, site.hits().stream().mapToInt(TestSite.Hit::concurrent).max().orElseThrow(),
                    "perHost 1 at the server");
            assertEquals(0L, Sql.count(dir.resolve("c.db"), "SELECT COUNT(*) FROM pages WHERE url NOT LIKE '"
                    + site.origin() + "/%'"), "every page under the one canonical origin");
        }
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
     * A sitemap of 60,000 URLs (gzipped, a sitemap of millions is a few megabytes): at most
     * 50,000 are taken from one file, the sitemaps protocol's limit. All of them used to be
     * parsed into memory and normalised on the loop (3 million: 3 GB of heap, the loop held for
     * seconds), however few pages the crawl would fetch.
     */
    @Test
    void atMost50000UrlsAreTakenFromOneSitemap() throws Exception {
        try (TestSite site = TestSite.start()) {
            site.robots("User-agent: *\nAllow: /\nSitemap: " + site.url("/sitemap.xml.gz") + "\n")
                    .page("/sitemap.xml.gz", r -> Response.bytes(sitemap(site.origin(), 60_000), "application/x-gzip"))
                    .html("/", "<title>home</title>");
            CrawlStats stats = crawl(site).sitemaps(true).maxPages(10).build().run();
            assertEquals(10, stats.pagesDone());
            assertEquals(50_000 - 9, stats.filtered(), "50,000 sitemap URLs, 9 of them admitted, the rest over maxPages");
        }
    }

    /**
     * A status past 599 is no server error: stored as it came, not retried (a 999, as some sites
     * answer crawlers they refuse, was asked four times and stored as a server error).
     */
    @Test
    void aStatusPast599IsStoredAsItIsWithoutRetries() throws Exception {
        try (TestSite site = TestSite.start()) {
            site.html("/", "<title>home</title><a href=/odd>odd</a>").page("/odd", r -> Response.of(999));
            CrawlStats stats = crawl(site).build().run();
            assertEquals(1, site.requests("/odd"));
            assertEquals(0, stats.retries());
            assertEquals(0, stats.errors());
            assertEquals(2, stats.pagesDone());
        }
    }

    /**
     * A sitemap index that lists itself and a sitemap that it lists twice: each file is fetched
     * once. It was fetched again and again, up to the cap of 50 sitemap files per host (25 times
     * each, 31 s of a 2 s crawl at the default delay).
     */
    @Test
    void aSitemapIndexListingItselfIsReadOnce() throws Exception {
        try (TestSite site = TestSite.start()) {
            String index = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                    + "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                    + "<sitemap><loc>" + site.url("/index.xml") + "</loc></sitemap>"
                    + "<sitemap><loc>" + site.url("/pages.xml") + "</loc></sitemap>"
                    + "<sitemap><loc>" + site.url("/pages.xml") + "</loc></sitemap></sitemapindex>";
            String pages = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                    + "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                    + "<url><loc>" + site.url("/a") + "</loc></url><url><loc>" + site.url("/index.xml") + "</loc></url>"
                    + "</urlset>";
            site.robots("User-agent: *\nAllow: /\nSitemap: " + site.url("/index.xml") + "\n")
                    .page("/index.xml", r -> Response.bytes(index.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            "application/xml"))
                    .page("/pages.xml", r -> Response.bytes(pages.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            "application/xml"))
                    .html("/", "<title>home</title>").html("/a", "<title>a</title>");
            CrawlStats stats = crawl(site).sitemaps(true).build().run();
            assertEquals(1, site.requests("/pages.xml"));
            assertEquals(2, site.requests("/index.xml"), "once as a sitemap, once as a page the other one lists");
            assertEquals(1, site.requests("/a"));
            assertEquals(3, stats.pagesDone(), "the seed, /a and /index.xml as a page");
        }
    }

    private static byte[] sitemap(String origin, int urls) throws java.io.IOException {
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
            StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                    + "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">");
            for (int i = 0; i < urls; i++) {
                b.append("<url><loc>").append(origin).append("/p/").append(i).append("</loc></url>");
            }
            out.write(b.append("</urlset>").toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return gz.toByteArray();
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
