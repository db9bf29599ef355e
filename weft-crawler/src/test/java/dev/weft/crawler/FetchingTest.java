package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Weft;
import dev.weft.http.server.Response;
import dev.weft.testing.WeftTest;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fetching, links and traps, against a local site whose request log is the witness. */
@WeftTest
class FetchingTest {

    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("c.db");
    }

    private Crawler.Builder crawl(TestSite site, String path) {
        return Crawler.builder().seeds(site.url(path)).store("sqlite:" + db()).delay(Duration.ZERO).perHost(4);
    }

    private Map<String, Object> row(TestSite site, String path) {
        List<Map<String, Object>> rows = Sql.sqlite(db(), "SELECT * FROM pages WHERE url = '" + site.url(path) + "'");
        assertEquals(1, rows.size(), "one row for " + path);
        return rows.getFirst();
    }

    @Test
    void redirectsAreFollowedAndRecordedAndLoopsAreStoppedWithAnError() throws Exception {
        try (TestSite site = TestSite.start()) {
            site.html("/", "<a href=/old>old</a> <a href=/a>a</a>")
                    .page("/old", r -> Response.redirect(301, "/middle"))
                    .page("/middle", r -> Response.redirect(302, "/new"))
                    .html("/new", "<title>New home</title>")
                    .page("/a", r -> Response.redirect(302, "/b"))
                    .page("/b", r -> Response.redirect(302, "/a"));
            crawl(site, "/").build().run();
            Map<String, Object> old = row(site, "/old");
            assertEquals(site.url("/new"), old.get("final_url"));
            assertEquals(2, ((Number) old.get("redirects")).intValue());
            assertEquals(200, old.get("status"));
            assertEquals("New home", old.get("title"));
            Map<String, Object> a = row(site, "/a");
            assertEquals("redirect-loop: " + site.url("/a") + " -> " + site.url("/b") + " -> " + site.url("/a"),
                    a.get("error"));
            assertEquals(Map.of(), site.duplicates(), "no URL twice: " + site.counts());
        }
    }

    @Test
    void aCalendarStyleEndlessTrapIsBoundedByDepth() throws Exception {
        try (TestSite site = TestSite.start()) {
            site.page("/cal", r -> {
                int m = Integer.parseInt(r.query("m"));
                return Response.html("<a href='/cal?m=" + (m + 1) + "'>next month</a>"
                        + "<a href='/cal?m=" + (m - 1) + "'>previous month</a>");
            });
            CrawlStats stats = crawl(site, "/cal?m=0").maxDepth(15).build().run();
            assertEquals(CrawlStats.State.FINISHED, stats.state());
            assertEquals(31, stats.pagesDone(), "months -15..15");
            assertEquals(Map.of(), site.duplicates());
        }
    }

    @Test
    void repeatingPathSegmentsAreNotFollowed() throws Exception {
        try (TestSite site = TestSite.start()) {
            site.otherwise(r -> Response.html("<a href='a/'>deeper</a> <a href='b/'>other</a>"));
            CrawlStats stats = crawl(site, "/x/").maxDepth(-1).build().run();
            assertEquals(CrawlStats.State.FINISHED, stats.state());
            assertTrue(site.hits().stream().noneMatch(h -> h.target().split("/a/", -1).length > 3),
                    "no path with 'a' three times: " + site.counts().keySet());
            assertTrue(stats.pagesDone() < 60, "bounded: " + stats.pagesDone());
        }
    }

    @Test
    void aPageThatNeverAnswersTimesOutWithoutHoldingUpTheOthers() throws Exception {
        try (TestSite site = TestSite.start()) {
            StringBuilder hub = new StringBuilder("<a href=/hang>hang</a>");
            for (int i = 0; i < 20; i++) {
                hub.append("<a href=/p/").append(i).append(">p</a>");
            }
            site.html("/", hub.toString())
                    .page("/hang", r -> {
                        Weft.sleep(Duration.ofHours(1));
                        return Response.html("too late");
                    })
                    .otherwise(r -> {
                        Weft.sleep(Duration.ofMillis(200));
                        return Response.html("<title>quick</title>");
                    });
            CrawlStats stats = crawl(site, "/").perHost(2).timeout(Duration.ofSeconds(10)).retries(1).build().run();
            assertEquals(CrawlStats.State.FINISHED, stats.state());
            assertEquals(22, stats.pagesDone());
            assertTrue(row(site, "/hang").get("error").toString().startsWith("timeout: "));
            assertEquals(2, site.requests("/hang"), "tried once more, then given up");
            TestSite.Hit hung = site.hits().stream().filter(h -> h.target().equals("/hang")).findFirst().orElseThrow();
            long servedMeanwhile = site.hits().stream().filter(h -> h.target().startsWith("/p/"))
                    .filter(h -> h.start() >= hung.start() && h.end() <= hung.start() + 10).count();
            assertTrue(servedMeanwhile >= 10, "the other pages went on while /hang hung: " + servedMeanwhile);
        }
    }

    @Test
    void aFiftyMegabytePageIsCutAtTheCapAndStoredAsTruncated() throws Exception {
        try (TestSite site = TestSite.start()) {
            site.page("/", r -> Response.stream("text/html; charset=utf-8", out -> writeBig(out, 50 << 20)));
            CrawlStats stats = crawl(site, "/").build().run();
            Map<String, Object> big = row(site, "/");
            assertEquals(200, big.get("status"));
            assertEquals(1, ((Number) big.get("truncated")).intValue());
            assertEquals(10L << 20, ((Number) big.get("body_bytes")).longValue());
            assertEquals("Big", big.get("title"));
            assertNull(big.get("error"));
            assertEquals(1, stats.pagesDone());
        }
    }

    static void writeBig(OutputStream out, int bytes) throws Exception {
        byte[] head = "<html><head><title>Big</title></head><body>".getBytes();
        out.write(head);
        byte[] chunk = "<p>lorem ipsum dolor sit amet</p>\n".repeat(2000).getBytes();
        long left = bytes - head.length;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, n);
            left -= n;
        }
    }

    @Test
    void gbkPagesAreDecodedWhetherTheCharsetIsInTheHeaderInAMetaTagOrNowhere() throws Exception {
        Charset gbk = Charset.forName("GBK");
        try (TestSite site = TestSite.start()) {
            site.html("/", "<a href=/header>h</a><a href=/meta>m</a><a href=/undeclared>u</a>")
                    .page("/header", r -> Response.bytes(
                            "<html><head><title>中文标题</title></head><body>你好</body></html>".getBytes(gbk),
                            "text/html; charset=GBK"))
                    .page("/meta", r -> Response.bytes(
                            ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">"
                                    + "<title>元标签里的编码</title></head></html>").getBytes(gbk), "text/html"))
                    .page("/undeclared", r -> Response.bytes(
                            dev.weft.crawler.parse.CharsetDetectorTest.CHINESE.getBytes(gbk), "text/html"));
            crawl(site, "/").build().run();
            assertEquals("中文标题", row(site, "/header").get("title"));
            assertEquals("元标签里的编码", row(site, "/meta").get("title"));
            assertEquals("新闻中心", row(site, "/undeclared").get("title"), "guessed from the bytes, as browsers do");
        }
    }

    @Test
    void baseProtocolRelativeAndParentLinksAreResolved() throws Exception {
        try (TestSite site = TestSite.start()) {
            site.html("/dir/sub/page.html", "<a href='../up'>up</a> <a href='//127.0.0.1:" + site.port()
                    + "/proto'>proto</a> <a href='/dir/based.html'>b</a>")
                    .html("/dir/based.html", "<head><base href='/elsewhere/'></head><a href='x'>x</a>")
                    .otherwise(r -> Response.html("<title>leaf</title>"));
            crawl(site, "/dir/sub/page.html").build().run();
            assertEquals(Set.of("/robots.txt", "/dir/sub/page.html", "/dir/up", "/proto", "/dir/based.html",
                    "/elsewhere/x"), site.counts().keySet());
        }
    }

    @Test
    void brokenHtmlStillGivesItsLinks() throws Exception {
        try (TestSite site = TestSite.start()) {
            site.html("/", "<html><body><div><a href=/b1>one<p><a href='/b2'>two</table></span>"
                    + "<ul><li><a href=\"/b3\">three<li><area href=/b4><a href=/b5 ")
                    .otherwise(r -> Response.html("<title>leaf</title>"));
            crawl(site, "/").build().run();
            for (String p : List.of("/b1", "/b2", "/b3", "/b4")) {
                assertEquals(1, site.requests(p), p);
            }
        }
    }

    @Test
    void fragmentsAndSpellingsOfOneUrlAreFetchedOnce() throws Exception {
        try (TestSite site = TestSite.start()) {
            site.html("/", "<a href=/f#one>1</a><a href='/f#two'>2</a><a href=/f>3</a><a href=/./f>4</a>"
                    + "<a href='HTTP://127.0.0.1:" + site.port() + "/%66'>5</a>"
                    + "<a href='/q?a=1&b=2'>6</a><a href='/q?b=2&a=1'>7</a>"
                    + "<a href=mailto:x@y.z>m</a><a href='javascript:void(0)'>j</a><a href='data:text/html,x'>d</a>")
                    .otherwise(r -> Response.html("<title>leaf</title>"));
            CrawlStats stats = crawl(site, "/").build().run();
            assertEquals(1, site.requests("/f"));
            assertEquals(1, site.requests("/q?a=1&b=2"));
            assertEquals(1, site.requests("/q?b=2&a=1"), "query order is kept unless sortQuery");
            assertEquals(4, stats.pagesDone());
            assertEquals(4, stats.deduplicated());
        }
    }

    @Test
    void sortQueryMakesParameterOrderIrrelevant() throws Exception {
        try (TestSite site = TestSite.start()) {
            site.html("/", "<a href='/q?a=1&b=2'>6</a><a href='/q?b=2&a=1'>7</a>")
                    .otherwise(r -> Response.html("<title>leaf</title>"));
            crawl(site, "/").sortQuery(true).build().run();
            assertEquals(1, site.requests("/q?a=1&b=2"));
            assertEquals(0, site.requests("/q?b=2&a=1"));
        }
    }

    @Test
    void nonHtmlIsStoredWithoutParsing() throws Exception {
        try (TestSite site = TestSite.start()) {
            site.html("/", "<a href=/logo.png>logo</a> <a href=/data.json>json</a>")
                    .page("/logo.png", r -> Response.bytes(new byte[5000], "image/png"))
                    .page("/data.json", r -> Response.bytes("{\"a\": \"<a href=/hidden>x</a>\"}".getBytes(),
                            "application/json"));
            crawl(site, "/").build().run();
            Map<String, Object> png = row(site, "/logo.png");
            assertEquals("image/png", png.get("content_type"));
            assertEquals(5000L, ((Number) png.get("body_bytes")).longValue());
            assertNull(png.get("title"));
            assertEquals(0, site.requests("/hidden"), "JSON is not parsed for links");
        }
    }

    @Test
    void failuresAreStoredWithTheirErrorAfterTheRetries() throws Exception {
        try (TestSite site = TestSite.start()) {
            site.html("/", "<a href=/boom>boom</a> <a href=/missing>missing</a>")
                    .page("/boom", r -> Response.of(500))
                    .page("/missing", r -> Response.of(404));
            CrawlStats stats = crawl(site, "/").retries(2).build().run();
            assertEquals("server-error: HTTP 500 (after 2 retries)", row(site, "/boom").get("error"));
            assertEquals(3, site.requests("/boom"));
            assertEquals(404, row(site, "/missing").get("status"));
            assertNull(row(site, "/missing").get("error"), "a 404 is an answer, not an error");
            assertEquals(2, stats.retries());
            assertEquals(Map.of("server-error", 1L), stats.errorsByKind());
        }
    }

    @Test
    void aHostWhoseRobotsTxtNeverAnswersHasItsPagesStoredWithTheErrorAndNeverRequested() throws Exception {
        try (TestSite site = TestSite.start()) {
            site.html("/", "<a href='http://127.0.0.1:1/closed'>a closed port</a>");
            CrawlStats stats = crawl(site, "/").retries(1).build().run();
            assertEquals(CrawlStats.State.FINISHED, stats.state());
            List<Map<String, Object>> rows = Sql.sqlite(db(), "SELECT error FROM pages WHERE url = 'http://127.0.0.1:1/closed'");
            assertTrue(rows.getFirst().get("error").toString().startsWith("robots: robots.txt unreachable"),
                    rows.toString());
        }
    }

    @Test
    void aRefusedConnectionIsTriedAgainWithBackoffThenStoredWithItsError() throws Exception {
        try (TestSite site = TestSite.start()) {
            site.html("/", "<a href='http://127.0.0.1:1/closed'>a closed port</a>");
            CrawlStats stats = crawl(site, "/").scope(Scope.ANY).ignoreRobots(true).retries(2).build().run();
            assertEquals(CrawlStats.State.FINISHED, stats.state());
            assertEquals(2, stats.retries());
            String error = Sql.sqlite(db(), "SELECT error FROM pages WHERE url = 'http://127.0.0.1:1/closed'").getFirst()
                    .get("error").toString();
            assertTrue(error.startsWith("connection: ") && error.endsWith("(after 2 retries)"), error);
            assertEquals(Map.of("connection", 1L), stats.errorsByKind());
        }
    }
}
