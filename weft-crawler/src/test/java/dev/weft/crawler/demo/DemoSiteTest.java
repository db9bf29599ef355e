package dev.weft.crawler.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRulesParser;
import dev.weft.EventLoop;
import dev.weft.http.client.ClientResponse;
import dev.weft.http.client.ClientSession;
import dev.weft.http.server.HttpServer;
import dev.weft.testing.WeftTest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WeftTest(virtualClock = false)
class DemoSiteTest {

    @Test
    void aShopHasExactlyTheNumberOfPagesAskedFor() {
        for (int n : new int[] {4, 5, 6, 21, 22, 23, 50, 199, 200, 2_000, 20_000, 1_000_000}) {
            Shop shop = Shop.generate(n, 1);
            assertEquals(n, 2 + shop.listPages() + shop.products() + shop.helpPages(), "pages of a shop of " + n);
            assertTrue(shop.helpPages() <= 1, "at most one filler page, " + n + " pages: " + shop.helpPages());
        }
        for (int n : new int[] {4, 5, 23, 2_000}) {
            Shop shop = Shop.generate(n, 1);
            ShopPages pages = new ShopPages(shop);
            Set<String> paths = new HashSet<>();
            for (String p : shop.paths()) {
                assertTrue(paths.add(p), "listed twice: " + p);
                assertNotNull(pages.render(p), "no page at " + p);
            }
            assertEquals(n, paths.size());
        }
        assertThrows(IllegalArgumentException.class, () -> Shop.generate(3, 1));
    }

    @Test
    void theDefaultShopHasCategoriesWithSeveralPagesEach() {
        Shop shop = Shop.generate(2_000, 1);
        assertEquals(10, shop.categories());
        for (int c = 0; c < shop.categories(); c++) {
            assertTrue(shop.pagesOf(c) >= 9, "pages of category " + c);
        }
        assertEquals(1_898, shop.products());
        assertEquals(100, shop.listPages());
    }

    @Test
    void theSameSeedGivesTheSameSiteAndAnotherSeedAnotherOne() {
        ShopPages a = new ShopPages(Shop.generate(500, 7));
        ShopPages b = new ShopPages(Shop.generate(500, 7));
        ShopPages c = new ShopPages(Shop.generate(500, 8));
        for (String p : a.shop().paths()) {
            assertArrayEquals(a.render(p), b.render(p), p);
        }
        assertNotEquals(new String(a.render("/product/1.html")), new String(c.render("/product/1.html")));
    }

    @Test
    void pathsThatAreNotFilesOfTheExportAreNotPages() {
        ShopPages pages = new ShopPages(Shop.generate(100, 1));
        for (String p : List.of("/product/0.html", "/product/07.html", "/product/7.html/", "/product/7",
                "/product/+7.html", "/product/1000.html", "/category/0/page/0.html", "/category/9/page/1.html",
                "/help/2.html", "/index.html", "//", "/discontinued/7.html", "/private/")) {
            assertNull(pages.render(p), p);
        }
        assertNotNull(pages.render("/product/7.html"));
    }

    @Test
    void aProductPageShowsTitlePriceRatingImageAndDate() {
        Shop shop = Shop.generate(2_000, 1);
        Product p = shop.product(42);
        Document d = Jsoup.parse(new String(new ShopPages(shop).render("/product/42.html")), "http://shop/");
        assertEquals(p.name() + " | Weft Demo Shop", d.title());
        assertEquals(p.name(), d.selectFirst("h1.title").text());
        assertEquals(p.price(), d.selectFirst(".price").text());
        assertEquals(p.rating(), d.selectFirst(".rating").text());
        assertEquals(p.imageUrl(), d.selectFirst("img").attr("src"));
        assertEquals(p.releaseDate().toString(), d.selectFirst(".date").text());
        assertTrue(p.name().endsWith("No. 42"), p.name());
    }

    /**
     * A polite breadth-first crawl over HTTP (robots.txt obeyed, fragments dropped) fetches
     * exactly what {@link Shop#expectedCrawl} says, with those statuses; the private section is
     * linked but never fetched.
     */
    @Test
    void aPoliteCrawlOfTheServedSiteFindsExactlyTheExpectedPages() throws IOException {
        try (DemoSite site = DemoSite.start(DemoSite.Options.defaults().pages(300).latency(Duration.ZERO));
             ClientSession http = ClientSession.create()) {
            Crawl keepOrder = crawl(http, site.baseUrl(), false);
            assertEquals(site.shop().expectedCrawl(false), keepOrder.fetched);
            Crawl sorted = crawl(http, site.baseUrl(), true);
            assertEquals(site.shop().expectedCrawl(true), sorted.fetched);

            long broken = keepOrder.fetched.values().stream().filter(s -> s == 404).count();
            assertTrue(broken >= 5, "broken links: " + broken);
            assertEquals(300 + 2 * Shop.FEATURED + broken, keepOrder.fetched.size());
            assertEquals(new HashSet<>(Shop.PRIVATE_PAGES), keepOrder.disallowed, "linked, disallowed");
            assertTrue(keepOrder.fragmentLinks > 300, "links with a #fragment: " + keepOrder.fragmentLinks);
            for (String p : Shop.PRIVATE_PAGES) { // there, for crawlers that ignore robots.txt
                try (ClientResponse r = http.get(site.baseUrl() + p.substring(1))) {
                    assertEquals(200, r.status(), p);
                }
            }
        }
    }

    /**
     * An exact shop (the latency benchmark's): a polite crawl fetches exactly its pages, every
     * one with 200 (no broken links, no query variants), and its home page alone names at least
     * ten pages, so that a host's ten request slots fill from the second round trip on.
     */
    @Test
    void aCrawlOfAnExactShopFetchesExactlyItsPagesAndItsHomePageNamesTenOfThem() throws IOException {
        try (DemoSite site = DemoSite.start(DemoSite.Options.defaults().pages(200).latency(Duration.ZERO).exact(true));
             ClientSession http = ClientSession.create()) {
            Crawl c = crawl(http, site.baseUrl(), false);
            assertEquals(site.shop().expectedCrawl(false), c.fetched);
            assertEquals(200, c.fetched.size());
            assertTrue(c.fetched.values().stream().allMatch(s -> s == 200), c.fetched.toString());
            assertEquals(new HashSet<>(Shop.PRIVATE_PAGES), c.disallowed, "the private section stays (disallowed)");
            Document home = Jsoup.parse(new String(new ShopPages(site.shop()).render("/")), site.baseUrl());
            Set<String> named = new HashSet<>();
            for (Element a : home.select("a[href]")) {
                String u = a.absUrl("href");
                if (!u.contains("/private/") && !u.equals(site.baseUrl())) {
                    named.add(u);
                }
            }
            assertTrue(named.size() >= 10, "pages the home page names: " + named);
        }
        Shop plain = Shop.generate(2_000, 1);
        Shop exact = Shop.generate(2_000, 1, true);
        assertEquals(plain.expectedCrawl(false).keySet().stream().filter(p -> plain.expectedCrawl(false).get(p) == 200 && !p.contains("?")).toList(),
                List.copyOf(exact.expectedCrawl(false).keySet()), "the same pages");
        assertTrue(plain.expectedCrawl(false).size() > 2_000, "the default shop keeps its traps");
    }

    @Test
    void theExportHoldsExactlyWhatTheSiteServes(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("site");
        long files = SiteExport.write(Shop.generate(250, 3), out);
        assertEquals(250 + Shop.PRIVATE_PAGES.size() + 1, files);
        List<Path> written;
        try (Stream<Path> s = Files.walk(out)) {
            written = s.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals(SiteExport.MARKER))
                    .toList();
        }
        assertEquals(files, written.size());
        try (DemoSite site = DemoSite.start(DemoSite.Options.defaults().pages(250).seed(3).latency(Duration.ZERO));
             ClientSession http = ClientSession.create()) {
            for (Path f : written) {
                String rel = out.relativize(f).toString().replace('\\', '/');
                String url = site.baseUrl() + (rel.equals("index.html") ? "" : rel);
                try (ClientResponse r = http.get(url)) {
                    assertEquals(200, r.status(), url);
                    assertArrayEquals(Files.readAllBytes(f), r.bytes(), url);
                }
            }
        }
        // The exported folder served by a static file server is the same site.
        try (HttpServer s = HttpServer.start(new dev.weft.http.server.Router().staticFiles("/", out), "127.0.0.1", 0);
             ClientSession http = ClientSession.create()) {
            String base = "http://127.0.0.1:" + s.port();
            try (ClientResponse r = http.get(base + "/category/0/page/2.html?sort=x#top")) {
                assertEquals(200, r.status());
                assertArrayEquals(new ShopPages(Shop.generate(250, 3)).render("/category/0/page/2.html"), r.bytes());
            }
            try (ClientResponse r = http.get(base + ShopPaths.discontinued(7))) {
                assertEquals(404, r.status());
            }
        }
    }

    @Test
    void anExportReplacesAPreviousOneButNeverOtherFiles(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("site");
        SiteExport.write(Shop.generate(300, 1), out);
        SiteExport.write(Shop.generate(100, 1), out);
        assertFalse(Files.exists(out.resolve(ShopPaths.fileOf(ShopPaths.product(200)))), "left from the bigger export");
        assertTrue(Files.exists(out.resolve(ShopPaths.fileOf(ShopPaths.product(90)))));

        Path mine = dir.resolve("mine");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("notes.txt"), "precious");
        IOException e = assertThrows(IOException.class, () -> SiteExport.write(Shop.generate(100, 1), mine));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertEquals("precious", Files.readString(mine.resolve("notes.txt")));

        Files.writeString(out.resolve("notes.txt"), "precious");
        e = assertThrows(IOException.class, () -> SiteExport.write(Shop.generate(100, 1), out));
        assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
        assertEquals("precious", Files.readString(out.resolve("notes.txt")));
    }

    @Test
    void severalHostsServeOneShopEachOnTheSamePort() throws IOException {
        try (DemoSite site = DemoSite.start(DemoSite.Options.defaults().pages(40).hosts(3).latency(Duration.ZERO));
             ClientSession http = ClientSession.create()) {
            assertEquals(List.of("http://127.0.0.1:" + site.port() + "/", "http://127.0.0.2:" + site.port() + "/",
                    "http://127.0.0.3:" + site.port() + "/"), site.baseUrls());
            assertEquals(List.of(14, 13, 13), site.shops().stream().map(Shop::pages).toList());
            for (int i = 0; i < 3; i++) {
                try (ClientResponse r = http.get(site.baseUrls().get(i) + "product/1.html")) {
                    assertEquals(200, r.status());
                    assertTrue(r.text().contains(site.shops().get(i).product(1).name()));
                }
            }
            assertEquals(3, site.requests());
        }
    }

    @Test
    void badOptionsAreRefusedWithTheirName() {
        DemoSite.Options d = DemoSite.Options.defaults();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.pages(3)).getMessage().startsWith("pages"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.hosts(0)).getMessage().startsWith("hosts"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.port(70_000)).getMessage().startsWith("port"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.host("::1").hosts(2)).getMessage()
                .startsWith("host"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.latency(Duration.ofMillis(-1))).getMessage()
                .startsWith("latency"));
    }

    /** Every response waits the latency first, 404s and robots.txt included. */
    @Test
    void everyResponseWaitsTheLatencyFirst() throws IOException {
        AtomicLong requests = new AtomicLong();
        var handler = DemoSite.handler(new ShopPages(Shop.generate(50, 1)), Duration.ofMillis(200), requests);
        try (HttpServer s = HttpServer.start(handler, "127.0.0.1", 0); ClientSession http = ClientSession.create()) {
            for (String p : List.of("/", "/robots.txt", "/product/3.html", "/nothing-here")) {
                long t0 = EventLoop.current().nanoTime();
                try (ClientResponse r = http.get("http://127.0.0.1:" + s.port() + p)) {
                    r.bytes();
                    assertEquals(p.equals("/nothing-here") ? 404 : 200, r.status(), p);
                }
                long waited = EventLoop.current().nanoTime() - t0;
                assertTrue(waited >= 200_000_000L, p + " took " + waited + " ns");
            }
        }
        assertEquals(4, requests.get());
    }

    // ------------------------------------------------------------------ a reference crawler

    /** What a crawl found: URL (path and query) → status, and what robots.txt kept it from. */
    private static final class Crawl {
        final Map<String, Integer> fetched = new LinkedHashMap<>();
        final Set<String> disallowed = new HashSet<>();
        int fragmentLinks;
    }

    /** Breadth-first, one request at a time, obeying robots.txt; every URL fetched once. */
    private static Crawl crawl(ClientSession http, String base, boolean sortQuery) throws IOException {
        BaseRobotRules rules;
        try (ClientResponse r = http.get(base + "robots.txt")) {
            rules = new SimpleRobotRulesParser().parseContent(base + "robots.txt", r.bytes(), "text/plain",
                    List.of("weft-test"));
        }
        Crawl c = new Crawl();
        URI root = URI.create(base);
        ArrayDeque<String> queue = new ArrayDeque<>(List.of("/"));
        Set<String> seen = new HashSet<>(queue);
        while (!queue.isEmpty()) {
            String path = queue.poll();
            String url = base + path.substring(1);
            String html;
            try (ClientResponse r = http.get(url)) {
                c.fetched.put(path, r.status());
                html = r.text();
                if (r.status() != 200) {
                    continue;
                }
            }
            Document d = Jsoup.parse(html, url);
            for (Element a : d.select("a[href]")) {
                URI u = URI.create(a.absUrl("href"));
                assertEquals(root.getAuthority(), u.getAuthority(), "a link off the site: " + u);
                if (u.getRawFragment() != null) {
                    c.fragmentLinks++;
                }
                String query = u.getRawQuery();
                if (query != null && sortQuery) {
                    String[] params = query.split("&");
                    Arrays.sort(params);
                    query = String.join("&", params);
                }
                String key = u.getRawPath() + (query == null ? "" : "?" + query);
                if (!rules.isAllowed(base + key.substring(1))) {
                    c.disallowed.add(key.split("\\?")[0]);
                } else if (seen.add(key)) {
                    queue.add(key);
                }
            }
        }
        return c;
    }
}
