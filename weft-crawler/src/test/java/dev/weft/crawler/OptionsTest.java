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
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The options of issue 10 §2 that other tests do not exercise end to end, each witnessed by the
 * servers' own request logs: the user agent, --ignore-robots, --allow/--deny, --scope and the
 * total --concurrency over several hosts (127.0.0.1, 127.0.0.2, 127.0.0.3 are three hosts).
 */
@WeftTest
class OptionsTest {

    @TempDir
    Path dir;

    private Crawler.Builder crawl(String... seeds) {
        return Crawler.builder().seeds(seeds).store("sqlite:" + dir.resolve("c.db")).delay(Duration.ZERO).perHost(4);
    }

    private static Set<String> paths(TestSite site) {
        Set<String> s = new TreeSet<>();
        site.hits().forEach(h -> s.add(h.target()));
        return s;
    }

    @Test
    void everyRequestCarriesTheUserAgentAndRobotsTxtIsReadForItsFirstWord() throws Exception {
        try (TestSite site = TestSite.start()) {
            site.html("/", "<a href=/a>a</a><a href=/b>b</a>").html("/a", "a").html("/b", "b")
                    .robots("User-agent: *\nDisallow: /\n\nUser-agent: ShopBot\nDisallow: /b\n");
            crawl(site.url("/")).userAgent("ShopBot/2.1 (+https://shop.example/bot)").build().run();
            assertEquals(Set.of("/robots.txt", "/", "/a"), paths(site), "ShopBot's group: only /b is off limits");
            for (TestSite.Hit h : site.hits()) {
                assertEquals("ShopBot/2.1 (+https://shop.example/bot)", h.userAgent(), h.target());
            }
        }
    }

    @Test
    void ignoreRobotsFetchesWhatRobotsTxtAndRobotsMetaForbid() throws Exception {
        try (TestSite site = TestSite.start()) {
            site.html("/", "<meta name=robots content=nofollow><a href=/private/x>x</a>")
                    .html("/private/x", "<title>x</title>")
                    .robots("User-agent: *\nDisallow: /private/\n");
            CrawlStats polite = crawl(site.url("/")).build().run();
            assertEquals(0, site.requests("/private/x"));
            assertEquals(1, polite.pagesDone());

            CrawlStats rude = Crawler.builder().seeds(site.url("/")).store("sqlite:" + dir.resolve("rude.db"))
                    .delay(Duration.ZERO).ignoreRobots(true).build().run();
            assertEquals(1, site.requests("/private/x"));
            assertEquals(1, site.requests("/robots.txt"), "not even asked the second time");
            assertEquals(2, rude.pagesDone());
        }
    }

    @Test
    void allowAndDenyChooseTheLinksThatAreFollowed() throws Exception {
        try (TestSite site = TestSite.start()) {
            site.html("/", "<a href=/product/1>1</a><a href=/product/2?sort=price>2s</a><a href=/about>about</a>"
                    + "<a href=/category/a>c</a>")
                    .otherwise(r -> Response.html("<title>leaf</title>"));
            crawl(site.url("/")).allow("/product/").allow("/category/").deny("\\?sort=").build().run();
            assertEquals(Set.of("/robots.txt", "/", "/product/1", "/category/a"), paths(site));
        }
    }

    @Test
    void hostScopeStaysOnTheSeedsHostsAndAnyScopeGoesEverywhere() throws Exception {
        try (TestSite home = TestSite.start(); TestSite other = TestSite.start("127.0.0.2")) {
            home.html("/", "<a href=" + other.url("/away") + ">away</a><a href=/here>here</a>").html("/here", "h");
            other.html("/away", "<title>away</title>");
            crawl(home.url("/")).scope(Scope.HOST).build().run();
            assertEquals(Set.of(), paths(other), "another host is out of scope");

            Crawler.builder().seeds(home.url("/")).store("sqlite:" + dir.resolve("any.db")).delay(Duration.ZERO)
                    .scope(Scope.ANY).build().run();
            assertEquals(Set.of("/robots.txt", "/away"), paths(other), "robots.txt first there too");
        }
    }

    /** Three hosts, three in flight allowed to each, four in all: the servers never see more than four at once. */
    @Test
    void theTotalConcurrencyHoldsAcrossHosts() throws Exception {
        List<TestSite> sites = new ArrayList<>();
        try {
            for (String address : List.of("127.0.0.1", "127.0.0.2", "127.0.0.3")) {
                TestSite s = TestSite.start(address);
                StringBuilder hub = new StringBuilder();
                for (int i = 0; i < 10; i++) {
                    hub.append("<a href=/p/").append(i).append(">p</a>");
                }
                s.html("/", hub.toString()).otherwise(r -> {
                    Weft.sleep(Duration.ofMillis(100));
                    return Response.html("<title>p</title>");
                });
                sites.add(s);
            }
            CrawlStats stats = crawl(sites.stream().map(s -> s.url("/")).toArray(String[]::new)).perHost(3)
                    .concurrency(4).build().run();
            assertEquals(33, stats.pagesDone());
            List<double[]> spans = new ArrayList<>();
            for (TestSite s : sites) {
                int perHost = s.hits().stream().mapToInt(TestSite.Hit::concurrent).max().orElseThrow();
                assertTrue(perHost <= 3, "at most three at once per host: " + perHost);
                s.hits().forEach(h -> spans.add(new double[] {h.start(), h.end()}));
            }
            int most = 0;
            for (double[] a : spans) {
                int at = 0;
                for (double[] b : spans) {
                    if (b[0] <= a[0] && a[0] < b[1]) {
                        at++;
                    }
                }
                most = Math.max(most, at);
            }
            assertEquals(4, most, "four at once over the three hosts, never more (and the limit was used)");
        } finally {
            sites.forEach(TestSite::close);
        }
    }

    /** A redirect to another host is a hop under that host's rules: its robots.txt first, and a disallowed target never asked. */
    @Test
    void aRedirectToAnotherHostObeysThatHostsRobotsTxt() throws Exception {
        try (TestSite home = TestSite.start(); TestSite other = TestSite.start("127.0.0.2")) {
            home.html("/", "<a href=/go-ok>ok</a><a href=/go-private>private</a>")
                    .page("/go-ok", r -> Response.redirect(302, other.url("/ok")))
                    .page("/go-private", r -> Response.redirect(302, other.url("/private/x")));
            other.robots("User-agent: *\nDisallow: /private/\n").html("/ok", "<title>ok</title>")
                    .html("/private/x", "<title>secret</title>");
            crawl(home.url("/")).scope(Scope.ANY).build().run();
            assertEquals("/robots.txt", other.hits().getFirst().target(), "robots.txt first on the other host");
            assertEquals(Set.of("/robots.txt", "/ok"), paths(other));
            List<java.util.Map<String, Object>> row = Sql.sqlite(dir.resolve("c.db"),
                    "SELECT error, final_url FROM pages WHERE url = '" + home.url("/go-private") + "'");
            assertEquals("robots: the redirect target " + other.url("/private/x") + ": disallowed by robots.txt",
                    row.getFirst().get("error"));
            assertEquals(other.url("/ok"), Sql.sqlite(dir.resolve("c.db"),
                    "SELECT final_url FROM pages WHERE url = '" + home.url("/go-ok") + "'").getFirst().get("final_url"));
        }
    }
}
