package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.http.server.Response;
import dev.weft.testing.WeftTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nofollow, robots meta tags, sitemaps, the limits, and the frontier's spill to the store. */
@WeftTest
class LinksAndLimitsTest {

    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("c.db");
    }

    private Crawler.Builder crawl(TestSite site, String path) {
        return Crawler.builder().seeds(site.url(path)).store("sqlite:" + db()).delay(Duration.ZERO).perHost(4);
    }

    private static TestSite leaves(TestSite site) {
        return site.otherwise(r -> Response.html("<title>leaf " + r.path() + "</title>"));
    }

    @Test
    void nofollowLinksAndPagesAreRespectedByDefault() throws Exception {
        try (TestSite site = leaves(TestSite.start())) {
            site.html("/", "<a href=/a>a</a> <a rel='nofollow' href=/b>b</a> <a href=/quiet>quiet</a> <a href=/hidden>h</a>")
                    .html("/quiet", "<meta name=robots content='nofollow'><title>Quiet</title><a href=/c>c</a>")
                    .html("/hidden", "<meta name=ROBOTS content='noindex'><title>Secret</title><a href=/d>d</a>");
            crawl(site, "/").extract("t", "title").build().run();
            assertEquals(1, site.requests("/a"));
            assertEquals(0, site.requests("/b"), "rel=nofollow");
            assertEquals(0, site.requests("/c"), "meta robots nofollow");
            assertEquals(1, site.requests("/d"), "noindex pages still give their links");
            Map<String, Object> hidden = Sql.sqlite(db(), "SELECT * FROM pages WHERE url = '" + site.url("/hidden") + "'")
                    .getFirst();
            assertNull(hidden.get("title"), "noindex: nothing of the page is kept");
            assertNull(hidden.get("fields"));
        }
    }

    @Test
    void followNofollowFollowsThemAll() throws Exception {
        try (TestSite site = leaves(TestSite.start())) {
            site.html("/", "<a rel='nofollow' href=/b>b</a> <a href=/quiet>quiet</a>")
                    .html("/quiet", "<meta name=robots content='nofollow'><a href=/c>c</a>");
            crawl(site, "/").followNofollow(true).build().run();
            assertEquals(1, site.requests("/b"));
            assertEquals(1, site.requests("/c"));
        }
    }

    @Test
    void canonicalLinksAreRecorded() throws Exception {
        try (TestSite site = leaves(TestSite.start())) {
            site.html("/", "<link rel=canonical href='/home?utm=x#top'><title>home</title>");
            crawl(site, "/").build().run();
            assertEquals(site.url("/home?utm=x"), Sql.sqlite(db(), "SELECT canonical FROM pages").getFirst().get("canonical"));
        }
    }

    @Test
    void sitemapsListedInRobotsTxtAreCrawledWhenAskedFor() throws Exception {
        try (TestSite site = leaves(TestSite.start())) {
            site.robots("User-agent: *\nAllow: /\nSitemap: " + site.url("/sitemap.xml") + "\n")
                    .html("/", "<title>home</title>")
                    .page("/sitemap.xml", r -> Response.bytes(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                            + "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
                            + "<url><loc>" + site.url("/only-in-sitemap") + "</loc></url>"
                            + "<url><loc>" + site.url("/also") + "</loc></url></urlset>").getBytes(), "application/xml"));
            CrawlStats without = crawl(site, "/").build().run();
            assertEquals(1, without.pagesDone());
            CrawlStats with = Crawler.builder().seeds(site.url("/")).store("sqlite:" + dir.resolve("s.db"))
                    .delay(Duration.ZERO).sitemaps(true).build().run();
            assertEquals(3, with.pagesDone());
            assertEquals(1, site.requests("/only-in-sitemap"));
        }
    }

    @Test
    void maxPagesAndThePerHostCapBoundTheCrawl() throws Exception {
        try (TestSite site = TestSite.start()) {
            AtomicInteger n = new AtomicInteger();
            site.otherwise(r -> Response.html("<a href=/p/" + n.incrementAndGet() + ">x</a><a href=/q/"
                    + n.incrementAndGet() + ">y</a>"));
            CrawlStats max = crawl(site, "/").maxPages(25).build().run();
            assertEquals(CrawlStats.State.FINISHED, max.state());
            assertEquals(25, max.pagesDone());
            assertEquals(25, Sql.count(db(), "SELECT COUNT(*) FROM pages"));
            CrawlStats perHost = Crawler.builder().seeds(site.url("/")).store("sqlite:" + dir.resolve("h.db"))
                    .delay(Duration.ZERO).maxPagesPerHost(7).build().run();
            assertEquals(7, perHost.pagesDone());
        }
    }

    @Test
    void aLongUrlIsNotFollowed() throws Exception {
        try (TestSite site = leaves(TestSite.start())) {
            site.html("/", "<a href='/" + "x".repeat(3000) + "'>long</a><a href=/short>short</a>");
            CrawlStats s = crawl(site, "/").build().run();
            assertEquals(2, s.pagesDone());
            assertEquals(1, s.filtered());
        }
    }

    @Test
    void theFrontierSpillsToTheStoreAndReadsItBackInOrderWithEveryPageOnce() throws Exception {
        try (TestSite site = TestSite.start()) {
            StringBuilder hub = new StringBuilder("<title>hub</title>");
            for (int i = 0; i < 120; i++) {
                hub.append("<a href=/p/").append(i).append(">p</a>");
            }
            site.html("/", hub.toString()).otherwise(r -> Response.html("<title>leaf</title>"));
            AtomicInteger refills = new AtomicInteger();
            CrawlStats s = crawl(site, "/").perHost(1).window(10, 10).trace(new EngineTrace() {
                @Override
                public void refilled(String origin, int entries) {
                    refills.incrementAndGet();
                }

                @Override
                public void inMemory(long urls) {
                    assertTrue(urls <= 10, "at most the window in memory: " + urls);
                }
            }).build().run();
            assertEquals(121, s.pagesDone());
            assertEquals(Map.of(), site.duplicates());
            assertTrue(refills.get() >= 10, "read back from the store: " + refills.get());
            int previous = -1;
            for (TestSite.Hit h : site.hits()) {
                if (h.target().startsWith("/p/")) {
                    int i = Integer.parseInt(h.target().substring(3));
                    assertEquals(previous + 1, i, "breadth-first, in discovery order");
                    previous = i;
                }
            }
        }
    }

    /** A binary tree of 63 pages, one request at a time: the server sees them level by level, in order. */
    @Test
    void pagesAreFetchedBreadthFirstByDepth() throws Exception {
        try (TestSite site = TestSite.start()) {
            site.otherwise(r -> {
                if (!r.path().startsWith("/n/")) {
                    return Response.of(404);
                }
                int i = Integer.parseInt(r.path().substring(3));
                String kids = i < 31 ? "<a href=/n/" + (2 * i + 1) + ">l</a><a href=/n/" + (2 * i + 2) + ">r</a>" : "";
                return Response.html("<title>" + i + "</title>" + kids);
            });
            CrawlStats s = crawl(site, "/n/0").perHost(1).build().run();
            assertEquals(63, s.pagesDone());
            List<String> order = site.hits().stream().map(TestSite.Hit::target).filter(t -> t.startsWith("/n/")).toList();
            for (int i = 0; i < 63; i++) {
                assertEquals("/n/" + i, order.get(i), "breadth-first: " + order);
            }
        }
    }

    /**
     * The seen set of a crawl keeps its heap flat: past about 49,000 URLs its tables live in mapped
     * files (docs/benchmarks.md section 7.3: on the heap, its tables made a crawl's live heap grow
     * with every URL). One page links to 60,000 URLs of a second host whose robots.txt
     * defers it, so they are admitted (and queued for a later run) without a request. While the
     * crawl runs its sieve is a mapping of a deleted file; after it, nothing of it is left.
     */
    @Test
    void aLargeSeenSetLivesInMappedFilesAndIsUnmappedAtTheEnd() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "Linux only: reads /proc/self/maps");
        try (TestSite site = TestSite.start(); TestSite other = TestSite.start("127.0.0.2")) {
            other.robots("User-agent: *\nCrawl-delay: 86400\n");
            StringBuilder page = new StringBuilder("<title>many</title>");
            for (int i = 0; i < 60_000; i++) {
                page.append("<a href=").append(other.url("/p/" + i)).append(">p</a>\n");
            }
            site.html("/", page.toString());
            List<String> duringTheCrawl = new java.util.ArrayList<>();
            CrawlStats stats = crawl(site, "/").scope(Scope.ANY).listener(new CrawlListener() {
                @Override
                public void finished(CrawlStats s) {
                    duringTheCrawl.addAll(sieveMappings());
                }
            }).build().run();
            assertEquals(60_001, stats.urlsKnown());
            assertEquals(60_000, Sql.count(db(), "SELECT COUNT(*) FROM frontier"), "queued for a later run");
            assertFalse(duringTheCrawl.isEmpty(), "the seen set of 60,001 URLs is in mapped files");
            assertTrue(duringTheCrawl.stream().allMatch(l -> l.endsWith("(deleted)")), String.valueOf(duringTheCrawl));
            assertEquals(List.of(), sieveMappings(), "unmapped when the crawl ends");
        }
    }

    private static List<String> sieveMappings() {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("weft-sieve-")).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
