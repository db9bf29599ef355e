package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.EventLoop;
import dev.weft.Weft;
import dev.weft.http.server.Response;
import dev.weft.testing.WeftTest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Politeness as the server sees it: the site's own request log, with times on the test's
 * virtual clock, is the witness. Every page answers after a (virtual) 100 ms.
 */
@WeftTest
class PolitenessTest {

    @TempDir
    Path dir;

    static TestSite slowSite(int pages, String robots) throws Exception {
        TestSite site = TestSite.start();
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
        if (robots != null) {
            site.robots(robots);
        }
        return site;
    }

    private Crawler.Builder crawl(TestSite site) {
        return Crawler.builder().seeds(site.url("/")).store("sqlite:" + dir.resolve("c.db"));
    }

    @Test
    void perHostConcurrencyAndDelayAreNeverExceededAtTheServer() throws Exception {
        try (TestSite site = slowSite(30, null)) {
            crawl(site).perHost(3).delay(Duration.ofMillis(20)).build().run();
            List<TestSite.Hit> hits = site.hits();
            assertEquals(32, hits.size()); // robots.txt, the hub, 30 pages
            int most = hits.stream().mapToInt(TestSite.Hit::concurrent).max().orElseThrow();
            assertEquals(3, most, "three at a time, never more (and the limit was used)");
            for (int i = 1; i < hits.size(); i++) {
                double gap = hits.get(i).start() - hits.get(i - 1).start();
                assertTrue(gap >= 0.020 - TestSite.QUANTUM, "request starts " + gap + " s apart at " + hits.get(i).target() + ": " + hits);
            }
        }
    }

    @Test
    void robotsTxtDisallowedPathsAreNeverRequestedAndAreStoredAsRefused() throws Exception {
        try (TestSite site = slowSite(4, "User-agent: *\nDisallow: /p/1\nDisallow: /p/3\n")) {
            CrawlStats stats = crawl(site).delay(Duration.ZERO).build().run();
            assertEquals(0, site.requests("/p/1"));
            assertEquals(0, site.requests("/p/3"));
            assertEquals(1, site.requests("/p/2"));
            assertEquals(2, stats.robotsBlocked());
            Path db = dir.resolve("c.db");
            assertEquals("robots: disallowed by robots.txt", Sql.sqlite(db,
                    "SELECT error FROM pages WHERE url = '" + site.url("/p/3") + "'").getFirst().get("error"));
            assertEquals(5, Sql.count(db, "SELECT COUNT(*) FROM pages"));
        }
    }

    @Test
    void aLargeRobotsTxtIsObeyedLikeASmallOne() throws Exception {
        // Over CrawlRun.ROBOTS_ON_LOOP_MAX, so it takes the parse pool's path (the others here are
        // parsed on the loop); its rules come last, after 100 KiB of comments.
        String robots = "# filler\n".repeat(100 * 1024 / 9) + "User-agent: *\nDisallow: /p/1\n";
        assertTrue(robots.length() > CrawlRun.ROBOTS_ON_LOOP_MAX);
        try (TestSite site = slowSite(3, robots)) {
            CrawlStats stats = crawl(site).delay(Duration.ZERO).build().run();
            assertEquals(0, site.requests("/p/1"), "disallowed by the last line");
            assertEquals(1, site.requests("/p/2"));
            assertEquals(1, stats.robotsBlocked());
        }
    }

    @Test
    void robotsTxtIsFetchedBeforeAnyOtherRequestAndItsGroupForOurAgentApplies() throws Exception {
        String robots = "User-agent: *\nDisallow: /\n\nUser-agent: WeftCrawler\nDisallow: /p/0\n";
        try (TestSite site = slowSite(3, robots)) {
            crawl(site).delay(Duration.ZERO).build().run();
            assertEquals("/robots.txt", site.hits().getFirst().target());
            assertEquals(0, site.requests("/p/0"));
            assertEquals(1, site.requests("/p/1"), "our group allows what * forbids");
        }
    }

    @Test
    void crawlDelayIsHonouredWhenLargerThanTheConfiguredDelay() throws Exception {
        try (TestSite site = slowSite(5, "User-agent: *\nCrawl-delay: 2\n")) {
            crawl(site).perHost(4).delay(Duration.ofMillis(10)).build().run();
            List<TestSite.Hit> hits = site.hits();
            for (int i = 2; i < hits.size(); i++) { // after robots.txt, which comes first
                double gap = hits.get(i).start() - hits.get(i - 1).start();
                assertTrue(gap >= 2.0 - TestSite.QUANTUM, "Crawl-delay 2 s, but starts " + gap + " s apart");
            }
            assertEquals(7, hits.size());
        }
    }

    @Test
    void aVeryLongCrawlDelayDefersTheHostWithItsUrlsKeptForLater() throws Exception {
        try (TestSite site = slowSite(3, "User-agent: *\nCrawl-delay: 86400\n")) {
            CrawlStats stats = crawl(site).build().run();
            assertEquals(CrawlStats.State.STOPPED, stats.state());
            assertEquals(1, site.hits().size(), "only robots.txt was asked");
            assertEquals(1, stats.deferred());
            Path db = dir.resolve("c.db");
            assertEquals(1, Sql.count(db, "SELECT COUNT(*) FROM frontier"), "the seed waits for a later run");
            assertEquals(0, Sql.count(db, "SELECT COUNT(*) FROM pages"));
            assertTrue(Sql.sqlite(db, "SELECT deferred FROM hosts").getFirst().get("deferred").toString()
                    .contains("Crawl-delay"));
        }
    }

    @Test
    void robotsTxtServerErrorsMeanDisallowForNowThenItIsAskedAgain() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        try (TestSite site = slowSite(2, null)) {
            site.page("/robots.txt", r -> asked.incrementAndGet() <= 2 ? Response.of(503)
                    : Response.text("User-agent: *\nAllow: /\n"));
            CrawlStats stats = crawl(site).delay(Duration.ZERO).build().run();
            List<TestSite.Hit> hits = site.hits();
            assertEquals(List.of("/robots.txt", "/robots.txt", "/robots.txt"),
                    hits.subList(0, 3).stream().map(TestSite.Hit::target).toList(), "nothing before robots.txt answers");
            assertEquals(CrawlStats.State.FINISHED, stats.state());
            assertEquals(3, stats.pagesDone());
        }
    }

    @Test
    void robotsTxtRedirectsAreFollowedUpToFive() throws Exception {
        try (TestSite site = slowSite(3, null)) {
            site.page("/robots.txt", r -> Response.redirect(301, "/moved/robots.txt"))
                    .page("/moved/robots.txt", r -> Response.text("User-agent: *\nDisallow: /p/1\n"));
            crawl(site).delay(Duration.ZERO).build().run();
            assertEquals(0, site.requests("/p/1"), "the moved rules apply");
            assertEquals(1, site.requests("/p/2"));
        }
    }

    @Test
    void moreThanFiveRobotsTxtRedirectsMeanNoRulesAtAll() throws Exception {
        try (TestSite site = slowSite(3, null)) {
            for (int i = 0; i < 7; i++) {
                String next = "/r" + (i + 1);
                site.page(i == 0 ? "/robots.txt" : "/r" + i, r -> Response.redirect(302, next));
            }
            site.page("/r7", r -> Response.text("User-agent: *\nDisallow: /\n"));
            CrawlStats s = crawl(site).delay(Duration.ZERO).build().run();
            assertEquals(4, s.pagesDone(), "unavailable (RFC 9309 2.3.1.2): everything allowed");
            assertEquals(0, site.requests("/r6"), "no sixth redirect followed");
        }
    }

    @Test
    void robotsTxtMissingMeansEverythingIsAllowed() throws Exception {
        try (TestSite site = slowSite(2, null)) {
            CrawlStats stats = crawl(site).delay(Duration.ZERO).build().run();
            assertEquals(3, stats.pagesDone());
            assertEquals(0, stats.robotsBlocked());
        }
    }

    @Test
    void retryAfterInSecondsBlocksTheWholeHostUntilThen() throws Exception {
        AtomicInteger busy = new AtomicInteger();
        try (TestSite site = slowSite(6, null)) {
            site.page("/p/0", r -> busy.incrementAndGet() == 1
                    ? Response.of(429).header("Retry-After", "30") : Response.html("<title>ok</title>"));
            CrawlStats stats = crawl(site).perHost(1).delay(Duration.ZERO).build().run();
            assertRetryAfterHeld(site, 30);
            assertEquals(1, stats.retries());
            assertEquals(7, stats.pagesDone());
        }
    }

    @Test
    void retryAfterAsAnHttpDateBlocksTheWholeHostUntilThen() throws Exception {
        AtomicInteger busy = new AtomicInteger();
        try (TestSite site = slowSite(6, null)) {
            site.page("/p/0", r -> {
                if (busy.incrementAndGet() > 1) {
                    return Response.html("<title>ok</title>");
                }
                String when = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(5));
                return Response.of(503).header("Retry-After", when);
            });
            crawl(site).perHost(1).delay(Duration.ZERO).build().run();
            assertRetryAfterHeld(site, 3.5); // the date has whole seconds: 4 to 5 s from now
        }
    }

    /**
     * A Retry-After outlives the run that heard it: the crawl is stopped 10 s into a 120 s
     * Retry-After and resumed at once; the resumed crawl sends nothing to the host (robots.txt
     * included) until the 120 s are over, then stores every page once. Before the hosts table
     * kept it, the resumed crawl asked again at once.
     */
    @Test
    void aRetryAfterOutlivesAStopAndTheResumedCrawlWaitsForIt() throws Exception {
        AtomicInteger busy = new AtomicInteger();
        try (TestSite site = slowSite(6, null)) {
            site.page("/p/0", r -> busy.incrementAndGet() == 1
                    ? Response.of(429).header("Retry-After", "120") : Response.html("<title>ok</title>"));
            Crawler first = crawl(site).perHost(1).delay(Duration.ZERO).build();
            first.start();
            while (busy.get() == 0) {
                Weft.sleep(Duration.ofSeconds(1));
            }
            double refusedAt = EventLoop.running().time();
            Weft.sleep(Duration.ofSeconds(10));
            int before = site.hits().size();
            first.stop();
            assertEquals(CrawlStats.State.STOPPED, first.await().state());
            assertEquals(before, site.hits().size(), "nothing was sent while the host was blocked");

            double resumedAt = EventLoop.running().time();
            CrawlStats stats = crawl(site).perHost(1).delay(Duration.ZERO).resume(true).build().run();
            assertEquals(CrawlStats.State.FINISHED, stats.state());
            List<TestSite.Hit> after = site.hits().subList(before, site.hits().size());
            assertFalse(after.isEmpty());
            double waited = after.getFirst().start() - refusedAt;
            assertTrue(waited >= 120 - 1, "the resumed crawl asked " + waited + " s after the Retry-After of 120 s"
                    + " (resumed " + (resumedAt - refusedAt) + " s after it): " + after);
            assertEquals(2, site.requests("/p/0"));
            assertEquals(Map.of("/p/0", 2, "/robots.txt", 2), site.duplicates(), "one robots.txt per run");
            assertEquals(7, Sql.count(dir.resolve("c.db"), "SELECT COUNT(*) FROM pages"), "the hub and six pages, once");
        }
    }

    /** After the 429/503, no request reached the host for {@code seconds}; then the page came back. */
    private static void assertRetryAfterHeld(TestSite site, double seconds) {
        List<TestSite.Hit> hits = site.hits();
        int refused = -1;
        for (int i = 0; i < hits.size(); i++) {
            if (hits.get(i).target().equals("/p/0")) {
                refused = i;
                break;
            }
        }
        assertTrue(refused >= 0 && refused + 1 < hits.size());
        TestSite.Hit next = hits.get(refused + 1);
        assertTrue(next.start() - hits.get(refused).end() >= seconds - TestSite.QUANTUM,
                "the next request came " + (next.start() - hits.get(refused).end()) + " s after the refusal");
        assertEquals(2, site.requests("/p/0"));
        assertEquals(Map.of("/p/0", 2), site.duplicates());
    }

    @Test
    void aHostAnswering503IsSlowedDownAtOnceThenSpeedsUpAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (TestSite site = slowSite(12, null)) {
            site.page("/p/0", r -> calls.incrementAndGet() == 1 ? Response.of(503) : Response.html("<title>ok</title>"));
            CrawlStats stats = crawl(site).perHost(1).delay(Duration.ZERO).build().run();
            assertEquals(13, stats.pagesDone());
            assertEquals(0, stats.errors());
            List<TestSite.Hit> hits = site.hits();
            int refused = 0;
            while (!hits.get(refused).target().equals("/p/0")) {
                refused++;
            }
            double gap = hits.get(refused + 1).start() - hits.get(refused).end();
            assertTrue(gap >= 0.25 - TestSite.QUANTUM, "after the 503 the host waits at least 250 ms, waited " + gap);
            double lastGap = hits.getLast().start() - hits.get(hits.size() - 2).start();
            assertTrue(lastGap < 0.25 - TestSite.QUANTUM, "and comes back to full speed: " + lastGap);
        }
    }

    @Test
    void a429WithoutRetryAfterSlowsTheWholeHostDownToo() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (TestSite site = slowSite(12, null)) {
            site.page("/p/0", r -> calls.incrementAndGet() == 1 ? Response.of(429) : Response.html("<title>ok</title>"));
            CrawlStats stats = crawl(site).perHost(1).delay(Duration.ZERO).build().run();
            assertEquals(13, stats.pagesDone());
            assertEquals(1, stats.retries());
            List<TestSite.Hit> hits = site.hits();
            int refused = 0;
            while (!hits.get(refused).target().equals("/p/0")) {
                refused++;
            }
            double gap = hits.get(refused + 1).start() - hits.get(refused).end();
            assertTrue(gap >= 0.25 - TestSite.QUANTUM, "after the 429 the host waits at least 250 ms, waited " + gap);
        }
    }

    /**
     * A host answers 429 (no Retry-After) twice, 1.5 s apart, then is healthy: it is slowed down
     * twice, recovers, and the crawl ends with every page. The server's log is the witness of the
     * politeness while it is slowed: after each 429, the next request starts at least 250 ms
     * later, at most 2 are in flight (half of 4) until a request sent after the 429 has been
     * answered, and no two starts are closer than the delay the throttle could have come down to
     * with the answers given so far (a quarter, or 50 ms, off per answer at the most).
     */
    @Test
    void aHostThatAnswered429TwiceIsSlowedDownPolitelyThenRecoversAndTheCrawlEnds() throws Exception {
        AtomicInteger refusals = new AtomicInteger();
        double[] firstRefusal = {Double.NaN};
        try (TestSite site = TestSite.start()) {
            StringBuilder hub = new StringBuilder("<title>hub</title>");
            for (int i = 0; i < 80; i++) {
                hub.append("<a href=/p/").append(i).append(">").append(i).append("</a>");
                site.page("/p/" + i, r -> {
                    double now = EventLoop.running().time();
                    if (refusals.compareAndSet(0, 1)) {
                        firstRefusal[0] = now;
                        return Response.of(429);
                    }
                    if (now >= firstRefusal[0] + 1.5 && refusals.compareAndSet(1, 2)) {
                        return Response.of(429);
                    }
                    Weft.sleep(Duration.ofMillis(100));
                    return Response.html("<title>p</title>");
                });
            }
            site.html("/", hub.toString());
            CrawlStats stats = crawl(site).perHost(4).delay(Duration.ZERO).build().run();
            assertEquals(CrawlStats.State.FINISHED, stats.state());
            assertEquals(2, refusals.get());
            assertEquals(81, stats.pagesDone(), "the hub and every page");
            assertEquals(0, stats.errors());
            assertEquals(2, stats.retries());
            List<TestSite.Hit> hits = site.hits();
            assertTrue(hits.stream().mapToInt(TestSite.Hit::concurrent).max().orElseThrow() <= 4, "never above perHost");
            List<TestSite.Hit> refused = hits.stream().filter(h -> h.end() == h.start() && h.target().startsWith("/p/")).toList();
            assertEquals(2, refused.size(), "the two 429s: " + refused);
            for (TestSite.Hit r : refused) {
                assertSlowedDownPolitelyAfter(hits, r);
            }
            TestSite.Hit last = refused.get(1);
            TestSite.Hit fullSpeed = hits.stream().filter(h -> h.start() > last.end() && h.concurrent() == 4)
                    .findFirst().orElseThrow(() -> new AssertionError("never back to 4 in flight: " + hits));
            assertTrue(fullSpeed.start() - last.end() < 2.0,
                    "back to 4 in flight " + (fullSpeed.start() - last.end()) + " s after the second 429");
        }
    }

    /** The witness of one slow-down from full speed (4 in flight, no delay), as the server saw it. */
    private static void assertSlowedDownPolitelyAfter(List<TestSite.Hit> hits, TestSite.Hit refusal) {
        double at = refusal.end();
        // Requests sent together with the refused one may reach the server up to a quantum later.
        List<TestSite.Hit> after = hits.stream().filter(h -> h.start() > at + TestSite.QUANTUM).toList();
        assertTrue(after.size() >= 5, "requests after the 429 at " + at + ": " + after);
        assertTrue(after.getFirst().start() - at >= 0.25 - TestSite.QUANTUM,
                "the next request came " + (after.getFirst().start() - at) + " s after the 429");
        double firstAnswer = after.stream().mapToDouble(TestSite.Hit::end).min().orElseThrow();
        for (TestSite.Hit h : after) {
            if (h.start() < firstAnswer) {
                assertTrue(h.concurrent() <= 2, "at most 2 in flight after the 429 at " + at + ": " + h);
            }
        }
        for (int i = 1; i < after.size(); i++) {
            double start = after.get(i).start();
            long answered = after.subList(0, i).stream().filter(h -> h.end() <= start).count();
            double least = leastDelayAfter(answered);
            if (least == 0) {
                break;
            }
            double gap = start - after.get(i - 1).start();
            assertTrue(gap >= least - TestSite.QUANTUM, "after the 429 at " + at + " and " + answered
                    + " answers, starts " + gap + " s apart, less than " + least + ": " + after);
        }
    }

    /** The least delay a slowed host (250 ms) can have after {@code answers} answers. */
    private static double leastDelayAfter(long answers) {
        double d = 0.25;
        for (long i = 0; i < answers; i++) {
            d = Math.max(0, d - Math.max(d / 4, 0.05));
        }
        return d;
    }

    /**
     * A start-up spike: four pages sent together all take 2 s (a stalled machine, a JIT, a GC), the
     * rest 100 ms. The first slow answer slows the host down; the first request sent after that
     * comes back in 100 ms, so the slow-down was spurious and is undone: the host is back at 4 in
     * flight and no delay at once (it took 250 ms more per request and several rounds before).
     */
    @Test
    void aLatencySpikeSlowsTheHostDownOnlyUntilTheNextAnswerShowsItWasSpurious() throws Exception {
        try (TestSite site = TestSite.start()) {
            StringBuilder hub = new StringBuilder();
            for (int i = 0; i < 24; i++) {
                hub.append("<a href=/p/").append(i).append(">").append(i).append("</a>");
                long ms = i >= 4 && i < 8 ? 2000 : 100;
                site.page("/p/" + i, r -> {
                    Weft.sleep(Duration.ofMillis(ms));
                    return Response.html("<title>p</title>");
                });
            }
            site.html("/", hub.toString());
            CrawlStats stats = crawl(site).perHost(4).delay(Duration.ZERO).build().run();
            assertEquals(25, stats.pagesDone());
            List<TestSite.Hit> hits = site.hits();
            double spikeEnd = hits.stream().filter(h -> h.end() - h.start() >= 1.9)
                    .mapToDouble(TestSite.Hit::end).min().orElseThrow();
            List<TestSite.Hit> after = hits.stream().filter(h -> h.start() > spikeEnd + TestSite.QUANTUM).toList();
            TestSite.Hit probe = after.getFirst();
            assertTrue(probe.start() - spikeEnd >= 0.25 - TestSite.QUANTUM,
                    "slowed down: the first request after the spike waited " + (probe.start() - spikeEnd) + " s");
            assertTrue(probe.concurrent() <= 2, "slowed down: " + probe);
            List<TestSite.Hit> next = after.subList(1, 5);
            for (TestSite.Hit h : next) {
                assertTrue(h.start() - probe.end() < 0.01, "undone: no delay after the probe's answer at "
                        + probe.end() + ": " + after);
            }
            assertEquals(4, next.stream().mapToInt(TestSite.Hit::concurrent).max().orElseThrow(),
                    "undone: 4 in flight again: " + after);
        }
    }

    @Test
    void aTimeoutSlowsTheWholeHostDown() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (TestSite site = slowSite(8, null)) {
            site.page("/p/0", r -> {
                if (calls.incrementAndGet() == 1) {
                    Weft.sleep(Duration.ofSeconds(30));
                }
                return Response.html("<title>late</title>");
            });
            CrawlStats stats = crawl(site).perHost(1).delay(Duration.ZERO).timeout(Duration.ofSeconds(2)).build().run();
            assertEquals(9, stats.pagesDone());
            assertEquals(0, stats.errors(), "tried again, then fine");
            List<TestSite.Hit> hits = site.hits();
            int hung = 0;
            while (!hits.get(hung).target().equals("/p/0")) {
                hung++;
            }
            double timedOut = hits.get(hung).start() + 2.0;
            double gap = hits.get(hung + 1).start() - timedOut;
            assertTrue(gap >= 0.25 - TestSite.QUANTUM, "after the timeout the host waits at least 250 ms, waited " + gap);
        }
    }

    /**
     * Pages /p/0../p/5 answer in 20 ms, the rest in 2 s: from the first slow answer on, the
     * host gets fewer requests at once (4, then at most 2) and at least 250 ms between starts.
     */
    @Test
    void latencyRisingAtTheServerSlowsTheHostDown() throws Exception {
        try (TestSite site = TestSite.start()) {
            StringBuilder hub = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                hub.append("<a href=/p/").append(i).append(">").append(i).append("</a>");
                long ms = i < 6 ? 20 : 2000;
                site.page("/p/" + i, r -> {
                    Weft.sleep(Duration.ofMillis(ms));
                    return Response.html("<title>p</title>");
                });
            }
            site.html("/", hub.toString());
            crawl(site).perHost(4).delay(Duration.ZERO).build().run();
            List<TestSite.Hit> hits = site.hits();
            assertEquals(4, hits.stream().mapToInt(TestSite.Hit::concurrent).max().orElseThrow(), "full speed first");
            double firstSlowEnd = hits.stream().filter(h -> h.end() - h.start() >= 1.9)
                    .mapToDouble(TestSite.Hit::end).min().orElseThrow();
            List<TestSite.Hit> after = hits.stream().filter(h -> h.start() > firstSlowEnd).toList();
            assertTrue(after.size() >= 5, "pages left after the slow-down: " + after.size());
            for (int i = 0; i < after.size(); i++) {
                assertTrue(after.get(i).concurrent() <= 2, "at most 2 at once after the slow-down: " + after.get(i));
                if (i > 0) {
                    double gap = after.get(i).start() - after.get(i - 1).start();
                    assertTrue(gap >= 0.25 - TestSite.QUANTUM, "starts " + gap + " s apart after the slow-down");
                }
            }
        }
    }

    @Test
    void aRetryAfterLongerThanTheLongestWaitDefersTheHostWithItsUrlsKept() throws Exception {
        try (TestSite site = slowSite(3, null)) {
            site.page("/p/0", r -> Response.of(503).header("Retry-After", "86400"));
            CrawlStats stats = crawl(site).perHost(1).delay(Duration.ZERO).maxHostWait(Duration.ofMinutes(5))
                    .build().run();
            assertEquals(CrawlStats.State.STOPPED, stats.state());
            assertTrue(stats.deferred() >= 1, "deferred: " + stats.deferred());
            assertEquals(1, site.requests("/p/0"), "not asked again in this run");
            Path db = dir.resolve("c.db");
            assertEquals(1, Sql.count(db, "SELECT COUNT(*) FROM frontier WHERE url = '" + site.url("/p/0") + "'"),
                    "kept for a later --resume");
            assertTrue(Sql.sqlite(db, "SELECT deferred FROM hosts").getFirst().get("deferred").toString()
                    .contains("Retry-After"));
        }
    }

    /**
     * {@code Retry-After: 99999999999999999999} (too many digits for a long) was ignored: the page
     * was asked again at once, with backoff, as if the header were absent. It asks for longer
     * than the longest wait: the host is set aside exactly as for a Retry-After of a day.
     */
    @Test
    void aRetryAfterTooLargeToHoldDefersTheHostLikeAnyTooLongOne() throws Exception {
        try (TestSite site = slowSite(3, null)) {
            site.page("/p/0", r -> Response.of(503).header("Retry-After", "99999999999999999999"));
            CrawlStats stats = crawl(site).perHost(1).delay(Duration.ZERO).maxHostWait(Duration.ofMinutes(5))
                    .build().run();
            assertEquals(CrawlStats.State.STOPPED, stats.state());
            assertEquals(1, site.requests("/p/0"), "not asked again in this run");
            assertEquals(0, stats.retries());
            Path db = dir.resolve("c.db");
            assertEquals(1, Sql.count(db, "SELECT COUNT(*) FROM frontier WHERE url = '" + site.url("/p/0") + "'"),
                    "kept for a later --resume");
            String why = Sql.sqlite(db, "SELECT deferred FROM hosts").getFirst().get("deferred").toString();
            assertTrue(why.contains("Retry-After of 99999999999999999999 s is longer than the longest wait"), why);
        }
    }
}
