package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.http.server.Response;
import dev.weft.testing.WeftTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host's request slot is free as soon as its response is in: the next request to the host
 * starts while the page is still being parsed, not after. (It waited for the parse, the links
 * and the row: at 500 pages in flight on two cores the parsers' queue added 10–25 ms to every
 * round trip, about 5 % of a crawl at 200 ms per response.) The witness is the site: with one
 * request per host, the request for the second page arrives while the first page's parse is
 * held open.
 */
@WeftTest(virtualClock = false)
class SlotReuseTest {

    @TempDir
    Path dir;

    @Test
    void theNextRequestToAHostStartsWhileThePreviousPageIsParsed() throws Exception {
        CountDownLatch secondRequested = new CountDownLatch(1);
        AtomicBoolean sawItDuringTheParse = new AtomicBoolean();
        try (TestSite site = TestSite.start()) {
            site.page("/a", r -> Response.html("<title>A</title>"));
            site.page("/b", r -> {
                secondRequested.countDown();
                return Response.html("<title>B</title>");
            });
            Crawler crawler = Crawler.builder().seeds(site.url("/a"), site.url("/b"))
                    .store("sqlite:" + dir.resolve("c.db")).delay(Duration.ZERO).perHost(1).ignoreRobots(true)
                    .trace(new EngineTrace() {
                        @Override
                        public void parseEnded(String url) { // on a parser thread, before the parse is handed back
                            if (url.endsWith("/a")) {
                                try { // bounded only so that the old behaviour fails instead of hanging
                                    sawItDuringTheParse.set(secondRequested.await(20, TimeUnit.SECONDS));
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            }
                        }
                    })
                    .build();
            CrawlStats stats = crawler.run();
            assertEquals(2, stats.pagesDone());
            assertTrue(sawItDuringTheParse.get(), "/b was requested only after /a's parse ended");
        }
    }
}
