package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testing.WeftTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How far the fetches may run ahead of the parsers. The parsers are held (the trace's
 * parseEnded blocks every parse thread) while a list of pages is crawled at concurrency 4, until
 * the engine says it stopped fetching for them (parsersBehind, with nothing in flight): small
 * pages go on being fetched until 64 wait for the parsers (four times the concurrency, at least
 * 64), large ones until sixteen bodies of {@code maxBodySize} wait. Before, the bound was the
 * concurrency itself (at least 16) whatever the pages weighed: in a fresh JVM, where the first
 * answers parse slowly, the next requests of a crawl of small pages waited for the parsers.
 */
@WeftTest(virtualClock = false)
@Timeout(120) // a parser never let go would hang the crawl
class ParseBacklogTest {

    @TempDir
    Path dir;

    /**
     * The pages waiting for the parsers when the engine stopped fetching for them, the most that
     * ever waited, and how the crawl ended.
     */
    private record Held(int atStop, int most, CrawlStats stats, TestSite site) { }

    /**
     * Crawls {@code pages} seed pages of {@code bodyBytes} each at concurrency 4 with the parsers
     * held until the engine stops fetching for them.
     */
    private Held crawlWithParsersHeld(TestSite site, int pages, int bodyBytes, long maxBodySize) throws Exception {
        String body = "<title>t</title>" + "x".repeat(bodyBytes - 16);
        List<String> seeds = new ArrayList<>();
        for (int i = 0; i < pages; i++) {
            site.html("/p/" + i, body);
            seeds.add(site.url("/p/" + i));
        }
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger waiting = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger atStop = new AtomicInteger(-1);
        CrawlStats stats = Crawler.builder().seeds(seeds).store("sqlite:" + dir.resolve("c.db"))
                .concurrency(4).perHost(4).delay(Duration.ZERO).maxDepth(0).maxBodySize(maxBodySize)
                .trace(new EngineTrace() {
                    @Override
                    public void parseStarted(String url) {
                        most.accumulateAndGet(waiting.incrementAndGet(), Math::max);
                    }

                    @Override
                    public void parsersBehind(int pagesWaiting, long bytes) {
                        atStop.compareAndSet(-1, waiting.get());
                        release.countDown();
                    }

                    @Override
                    public void parseEnded(String url) {
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        waiting.decrementAndGet();
                    }
                })
                .build().run();
        return new Held(atStop.get(), most.get(), stats, site);
    }

    private static void assertEveryPageOnce(Held h, int pages) {
        assertEquals((long) pages, (long) h.stats().pagesByStatus().getOrDefault(200, 0L), "every page stored");
        assertEquals((long) pages, h.site().hits().stream().filter(x -> x.target().startsWith("/p/")).count(),
                "every page requested once");
    }

    @Test
    void smallPagesGoOnBeingFetchedUntilSixtyFourWaitForTheParsers() throws Exception {
        try (TestSite site = TestSite.start()) {
            Held h = crawlWithParsersHeld(site, 200, 1024, 10L << 20);
            // 64 fetched and not handled, the last of them on its way to the parsers; then the 4 in flight
            assertTrue(h.atStop() >= 63 && h.atStop() <= 64 + 4,
                    "stopped once 64 waited (and the 4 in flight had come in): " + h.atStop());
            assertTrue(h.most() <= 64 + 4, "no more than that ever waited: " + h.most());
            assertEveryPageOnce(h, 200);
        }
    }

    @Test
    void largePagesStopBeingFetchedWhenSixteenBodiesOfTheMaximumSizeWait() throws Exception {
        try (TestSite site = TestSite.start()) {
            // 16 x 4 KiB = 64 KiB of bodies: 16 to 22 pages of 3 KiB (a body's buffer is 3 to 4 KiB)
            Held h = crawlWithParsersHeld(site, 100, 3 * 1024, 4 * 1024);
            assertTrue(h.atStop() >= 15 && h.atStop() <= 22 + 4,
                    "stopped once 64 KiB of bodies waited (and the 4 in flight had come in): " + h.atStop());
            assertTrue(h.most() <= 22 + 4, "no more than that ever waited: " + h.most());
            assertEveryPageOnce(h, 100);
        }
    }
}
