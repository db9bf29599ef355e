package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testing.WeftTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admission of a long seed list lets the loop turn on a virtual clock too: it yields by real
 * time. (Timed by the loop's clock, which stands still on a virtual clock while the loop is held,
 * it never yielded while 50,000 seeds went in.) The witness is the engine's pumps while the seeds
 * are admitted: one at each turn the admission gives the loop.
 */
@WeftTest
class SeedListStartVirtualClockTest {

    @TempDir
    Path dir;

    @Test
    void aLongSeedListIsAdmittedInTurnsOnAVirtualClock() throws Exception {
        AtomicInteger pumps = new AtomicInteger();
        AtomicInteger pumpsWhileAdmitting = new AtomicInteger(-1);
        try (TestSite site = TestSite.start()) {
            List<String> seeds = SeedListStartTest.fiftyThousandSeedsAllRefused(site, () -> { });
            CrawlStats stats = Crawler.builder().seeds(seeds).store("sqlite:" + dir.resolve("c.db"))
                    .delay(Duration.ZERO).maxDepth(0)
                    .trace(new EngineTrace() {
                        @Override
                        public void inMemory(long urls) {
                            pumps.incrementAndGet();
                        }

                        @Override
                        public void seedsAdmitted() {
                            pumpsWhileAdmitting.set(pumps.get());
                        }
                    })
                    .build().run();
            assertEquals(50_000, stats.pagesDone(), "every seed stored (refused by robots.txt)");
            // 50,000 admissions take far more than ten turns of 1 ms (264 here); timed by the
            // virtual clock, which stood still, there were 3 pumps in all.
            assertTrue(pumpsWhileAdmitting.get() >= 10, "pumps while the seeds went in: " + pumpsWhileAdmitting.get());
        }
    }
}
