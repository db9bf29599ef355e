package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.EventLoop;
import dev.weft.Task;
import dev.weft.http.server.Response;
import dev.weft.testing.WeftTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stop that cancels a page's fetch before its task has taken its first step still ends the
 * crawl, and the page is fetched on resume. (A task cancelled before its first step never runs
 * its body, and the body's finally gave the place in flight back: the stopping crawl waited for
 * that page for ever.) The engine's trace runs on the loop right after it spawned the fetches;
 * the test stops the crawl there and cancels one of them, as the end of the stop's grace period
 * or a store failure does with whatever has not started yet.
 */
@WeftTest(virtualClock = false)
class UnstartedTaskTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // the old behaviour hangs: this fails it
    void aFetchCancelledBeforeItStartsDoesNotHoldTheStopUp() throws Exception {
        try (TestSite site = TestSite.start()) {
            for (int i = 0; i < 20; i++) {
                site.page("/p/" + i, r -> Response.html("<title>page</title>"));
            }
            AtomicReference<Crawler> crawler = new AtomicReference<>();
            AtomicReference<String> cancelled = new AtomicReference<>();
            EngineTrace stopAndCancelOne = new EngineTrace() {
                @Override
                public void inMemory(long urls) { // on the loop, in the step that spawned the fetches
                    if (cancelled.get() != null) {
                        return;
                    }
                    for (Task<?> t : EventLoop.running().allTasks()) {
                        if (t.name().startsWith("crawl ") && t.phase() == Task.Phase.SCHEDULED) {
                            cancelled.set(t.name());
                            crawler.get().stop();
                            t.cancel("cancelled before its first step");
                            return;
                        }
                    }
                }
            };
            Crawler.Builder b = Crawler.builder().store("sqlite:" + dir.resolve("c.db")).delay(Duration.ZERO)
                    .perHost(4).ignoreRobots(true).stopGrace(Duration.ofSeconds(5));
            for (int i = 0; i < 20; i++) {
                b.seeds(site.url("/p/" + i));
            }
            crawler.set(b.trace(stopAndCancelOne).build());
            CrawlStats stopped = crawler.get().run();
            assertTrue(cancelled.get() != null, "no fetch was caught before its first step");
            assertEquals(CrawlStats.State.STOPPED, stopped.state());
            long left = Sql.count(dir.resolve("c.db"), "SELECT COUNT(*) FROM frontier");
            assertTrue(left > 0);
            assertEquals(left, stopped.queued(), "the summary counts what is left, the pages that were in flight"
                    + " included (it said 0 queued)");

            CrawlStats resumed = Crawler.builder().store("sqlite:" + dir.resolve("c.db")).delay(Duration.ZERO)
                    .perHost(4).ignoreRobots(true).resume(true).build().run();
            assertEquals(CrawlStats.State.FINISHED, resumed.state());
            assertEquals(20L, Sql.count(dir.resolve("c.db"), "SELECT COUNT(*) FROM pages WHERE status = 200"),
                    "every page stored once, the cancelled one included");
        }
    }
}
