package dev.weft.crawler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.EventLoop;
import dev.weft.Future;
import dev.weft.Weft;
import dev.weft.crawler.store.Batch;
import dev.weft.crawler.store.PageRecord;
import dev.weft.crawler.store.Store;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The commit pipeline tells the engine when a commit ends, since a commit is what lifts
 * {@link StoreWriter#needsBackout()}: a crawl held back while its last requests finished was
 * never pumped again and waited for ever, RUNNING, with URLs queued and nothing in flight (seen
 * in the latency-bound benchmark: 8,623 of 10,723 pages, then nothing for 12 minutes).
 */
class StoreWriterTest {

    private static PageRecord page(int i) {
        return new PageRecord("http://a.com/" + i, "http://a.com/" + i, 200, "text/html", "t", 1, null, Instant.now(),
                1, 1, Map.of(), null, 0, false, null);
    }

    @Test
    void theEndOfACommitThatHeldTheCrawlBackIsTold() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger commits = new AtomicInteger();
        Store store = (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("commit")) {
                        release.await(); // the store is slow: the first commit waits until released
                        commits.incrementAndGet();
                        return null;
                    }
                    return method.getName().equals("describe") ? "slow store" : null;
                });
        ExecutorService storeThread = Executors.newSingleThreadExecutor();
        try (EventLoop loop = EventLoop.create()) {
            loop.runUntilComplete(() -> {
                StoreWriter w = new StoreWriter(loop, store, storeThread, 2, Duration.ofHours(1), () -> (Batch.CrawlRow) null,
                        e -> { });
                AtomicInteger calls = new AtomicInteger();
                Future<Void> told = new Future<>(loop);
                w.onCommitted(() -> {
                    if (calls.incrementAndGet() == 1) {
                        told.setResult(null);
                    }
                });
                for (int i = 0; i < 2 + 4 * 2; i++) {
                    w.store(page(i), List.of(), null); // the first two go at once, the next eight wait
                }
                assertTrue(w.needsBackout(), "eight pages wait behind a commit: start no more fetches");
                assertEquals(0, calls.get());
                release.countDown();
                // Told once the commit ends (the 30 s only bound a broken writer's wait: it was never told).
                Weft.withTimeout(Duration.ofSeconds(30), () -> told.await());
                assertFalse(w.needsBackout(), "the commit ended and the next batch went: fetch again");
                w.flush().await();
                return null;
            });
        } finally {
            storeThread.shutdownNow();
        }
        assertTrue(commits.get() >= 2);
    }
}
