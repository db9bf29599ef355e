package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.http.server.Response;
import dev.weft.net.TlsOptions;
import dev.weft.testing.WeftTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crawling https sites whose server offers HTTP/2 (ALPN {@code h2}), as the server's own request
 * log sees it: every request over HTTP/2, on one connection per host, the per-host limit held at
 * the server though many streams share that connection; robots.txt, a redirect and a 429 with
 * Retry-After over HTTP/2; a server that ends its connections every few streams (GOAWAY, or the
 * socket cut with streams in flight) loses no page and stores none twice; a server that picks
 * {@code http/1.1} is crawled over HTTP/1.1. The sites use the test CA, trusted through
 * {@link Crawler.Builder#tls}.
 */
@WeftTest
class Http2CrawlTest {

    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("c.db");
    }

    private Crawler.Builder crawl(String seed) throws Exception {
        return Crawler.builder().seeds(seed).store("sqlite:" + db())
                .tls(TlsOptions.client().trustPem(TestSite.tlsFile("ca.pem")));
    }

    /** A site of {@code pages} pages linked from {@code /}, each answering after a (virtual) 100 ms. */
    private static TestSite slowTlsSite(int pages, boolean http2) throws Exception {
        TestSite site = TestSite.startTls(http2);
        StringBuilder hub = new StringBuilder("<title>hub</title>");
        for (int i = 0; i < pages; i++) {
            hub.append("<a href=/p/").append(i).append(">").append(i).append("</a>");
            int n = i;
            site.page("/p/" + i, r -> {
                Weft.sleep(Duration.ofMillis(100));
                return Response.html("<title>p" + n + "</title>");
            });
        }
        site.html("/", hub.toString());
        return site;
    }

    /** url → status, or the error when there is none, of every stored page. */
    private Map<String, String> stored() {
        Map<String, String> m = new TreeMap<>();
        for (Map<String, Object> r : Sql.sqlite(db(), "SELECT url, status, error FROM pages")) {
            m.put((String) r.get("url"), r.get("error") != null ? (String) r.get("error") : String.valueOf(r.get("status")));
        }
        return m;
    }

    private static Set<String> versions(TestSite site) {
        return site.hits().stream().map(TestSite.Hit::version).collect(Collectors.toSet());
    }

    @Test
    void anHttpsSiteOfferingH2IsCrawledOverOneHttp2ConnectionWithThePerHostLimitHeldAtTheServer() throws Exception {
        try (TestSite site = slowTlsSite(40, true)) {
            CrawlStats stats = crawl(site.url("/")).perHost(4).concurrency(64).delay(Duration.ZERO).build().run();
            List<TestSite.Hit> hits = site.hits();
            assertEquals(Set.of("HTTP/2"), versions(site), "every request over HTTP/2: " + hits);
            assertEquals(42, hits.size(), "robots.txt, the hub, 40 pages: " + hits);
            assertEquals("/robots.txt", hits.getFirst().target());
            assertEquals(Map.of(), site.duplicates(), "no URL twice");
            assertEquals(1, site.connections(), "the streams share one connection");
            int most = hits.stream().mapToInt(TestSite.Hit::concurrent).max().orElseThrow();
            assertEquals(4, most, "four at a time at the server, never more (and the limit was used): " + hits);
            assertEquals(41, stats.pagesDone());
            assertEquals(0, stats.errors());
            Map<String, String> pages = stored();
            assertEquals(41, pages.size());
            assertTrue(pages.values().stream().allMatch("200"::equals), pages.toString());
        }
    }

    @Test
    void robotsTxtARedirectAndA429WithRetryAfterWorkOverHttp2() throws Exception {
        AtomicInteger busy = new AtomicInteger();
        try (TestSite site = slowTlsSite(4, true)) {
            site.robots("User-agent: *\nDisallow: /private\n")
                    .html("/", "<a href=/private>p</a> <a href=/old>old</a> <a href=/busy>busy</a> <a href=/p/0>0</a>"
                            + "<a href=/p/1>1</a><a href=/p/2>2</a><a href=/p/3>3</a>")
                    .page("/old", r -> Response.redirect(301, "/new"))
                    .html("/new", "<title>New home</title>")
                    .page("/busy", r -> busy.incrementAndGet() == 1
                            ? Response.of(429).header("Retry-After", "5") : Response.html("<title>ok</title>"));
            CrawlStats stats = crawl(site.url("/")).perHost(1).delay(Duration.ZERO).build().run();
            List<TestSite.Hit> hits = site.hits();
            assertEquals(Set.of("HTTP/2"), versions(site), "every request over HTTP/2: " + hits);
            assertEquals("/robots.txt", hits.getFirst().target());
            assertEquals(0, site.requests("/private"), "disallowed by robots.txt, never requested");
            assertEquals(1, stats.robotsBlocked());
            Map<String, Object> old = Sql.sqlite(db(), "SELECT * FROM pages WHERE url = '" + site.url("/old") + "'")
                    .getFirst();
            assertEquals(site.url("/new"), old.get("final_url"));
            assertEquals(1, ((Number) old.get("redirects")).intValue());
            assertEquals(200, old.get("status"));
            int refused = 0;
            while (!hits.get(refused).target().equals("/busy")) {
                refused++;
            }
            TestSite.Hit next = hits.get(refused + 1);
            assertTrue(next.start() - hits.get(refused).end() >= 5 - TestSite.QUANTUM,
                    "Retry-After: 5, but the next request came " + (next.start() - hits.get(refused).end()) + " s later");
            assertEquals(2, site.requests("/busy"));
            assertEquals(1, stats.retries());
            assertEquals(Map.of("robots", 1L), stats.errorsByKind(), "only /private's refusal");
            assertEquals(Map.of("/busy", 2), site.duplicates());
            assertEquals(1, site.connections());
        }
    }

    @Test
    void aServerThatPicksHttp1IsCrawledOverHttp1AsBefore() throws Exception {
        try (TestSite site = slowTlsSite(12, false)) {
            CrawlStats stats = crawl(site.url("/")).perHost(3).delay(Duration.ZERO).build().run();
            assertEquals(Set.of("HTTP/1.1"), versions(site));
            assertEquals(3, site.hits().stream().mapToInt(TestSite.Hit::concurrent).max().orElseThrow());
            assertEquals(13, stats.pagesDone());
            assertEquals(0, stats.errors());
        }
    }

    @Test
    void http2OffCrawlsAnH2ServerOverHttp1() throws Exception {
        try (TestSite site = slowTlsSite(6, true)) {
            CrawlStats stats = crawl(site.url("/")).http2(false).perHost(2).delay(Duration.ZERO).build().run();
            assertEquals(Set.of("HTTP/1.1"), versions(site));
            assertEquals(7, stats.pagesDone());
        }
    }

    /** Checks a crawl of a {@link GoingAwaySite}: every page stored once, with its 200, none lost. */
    private void assertEveryPageOnce(GoingAwaySite site, CrawlStats stats, int pages, int perHost) {
        Map<String, String> stored = stored();
        assertEquals(pages + 1, stored.size(), "the hub and every page: " + stored);
        assertTrue(stored.values().stream().allMatch("200"::equals), "each with its 200: " + stored);
        assertEquals(pages + 1, stats.pagesDone());
        assertEquals(0, stats.errors());
        assertEquals(pages + 1, Sql.count(db(), "SELECT COUNT(DISTINCT url) FROM pages"));
        assertEquals(0, Sql.count(db(), "SELECT COUNT(*) FROM frontier"), "nothing left behind");
        int most = site.hits().stream().mapToInt(GoingAwaySite.Hit::concurrent).max().orElseThrow();
        assertTrue(most <= perHost, "at most " + perHost + " at once at the server: " + site.hits());
    }

    @Test
    void aServerThatSendsGoAwayEveryFewStreamsLosesNoPageAndStoresNoneTwice() throws Exception {
        try (GoingAwaySite site = GoingAwaySite.start(40, 7, GoingAwaySite.Ending.GOAWAY)) {
            CrawlStats stats = crawl(site.url("/")).perHost(4).delay(Duration.ZERO).build().run();
            assertEveryPageOnce(site, stats, 40, 4);
            assertTrue(site.connections() >= 4, "a new connection after each GOAWAY: " + site.hits());
            site.counts().forEach((path, n) -> assertEquals(1, n, path + " reached a handler " + n + " times"
                    + " (a stream the GOAWAY refused is sent again, one it took is not)"));
        }
    }

    @Test
    void aServerThatCutsItsConnectionWithStreamsInFlightLosesNoPageAndStoresNoneTwice() throws Exception {
        try (GoingAwaySite site = GoingAwaySite.start(40, 7, GoingAwaySite.Ending.DROP)) {
            CrawlStats stats = crawl(site.url("/")).perHost(4).delay(Duration.ZERO).build().run();
            assertEveryPageOnce(site, stats, 40, 4);
            assertTrue(site.connections() >= 4, "a new connection after each cut: " + site.hits());
        }
    }

    /**
     * A page longer than {@code maxBodySize} is cut, and over HTTP/2 its stream is reset
     * ({@code CANCEL}) rather than read to the end. Past 200 resets in 30 s Weft's server takes
     * the client for a rapid-reset attacker and ends the connection (GOAWAY
     * {@code ENHANCE_YOUR_CALM}); the requests in flight on it go again on a new one, and every
     * page is stored once.
     */
    @Test
    void pagesCutAtMaxBodySizeResetTheirStreamsAndAServerEndingTheConnectionForItLosesNone() throws Exception {
        int pages = 210;
        try (TestSite site = TestSite.startTls()) {
            StringBuilder hub = new StringBuilder("<title>hub</title>");
            String big = "<title>big</title>" + "x".repeat(300 * 1024); // more than a stream's window (256 KiB)
            for (int i = 0; i < pages; i++) {
                hub.append("<a href=/p/").append(i).append(">").append(i).append("</a>");
                site.html("/p/" + i, big);
            }
            site.html("/", hub.toString());
            CrawlStats stats = crawl(site.url("/")).perHost(8).delay(Duration.ZERO).maxBodySize(16 * 1024).build().run();
            assertEquals(pages + 1, stats.pagesDone());
            assertEquals(0, stats.errors(), stats.errorsByKind().toString());
            assertEquals(pages, Sql.count(db(), "SELECT COUNT(*) FROM pages WHERE truncated AND status = 200"));
            Map<String, Integer> twice = site.duplicates(); // in flight when the server ended the connection
            assertTrue(twice.size() <= 8 && twice.values().stream().allMatch(n -> n == 2), twice.toString());
            assertTrue(site.connections() >= 2, "the server ended the first connection: " + site.connections());
        }
    }
}
