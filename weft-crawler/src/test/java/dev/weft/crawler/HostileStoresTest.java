package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.http.server.Response;
import dev.weft.crawler.store.StoreException;
import dev.weft.sync.Event;
import dev.weft.testing.WeftTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stores under abuse. Two crawls into one store at once (two terminals, a cron job that
 * overlaps): the second is refused while the first runs, whatever the engine — two JSONL
 * writers appended at the same committed offset and overwrote each other's lines (325 pages in
 * the state, 244 lines in the file, both runs "finished") — and may resume once it ended.
 */
@WeftTest
class HostileStoresTest {

    @TempDir
    Path dir;

    private static Crawler.Builder crawl(TestSite site, String uri) {
        return Crawler.builder().seeds(site.url("/")).store(uri).delay(Duration.ZERO).ignoreRobots(true);
    }

    private void secondCrawlIsRefusedWhileTheFirstRuns(String uri) throws Exception {
        Event asked = new Event();
        Event release = new Event();
        try (TestSite site = TestSite.start()) {
            site.page("/", r -> {
                asked.set();
                release.await();
                return Response.html("<title>root</title><a href=/a>a</a>");
            }).html("/a", "<title>a</title>");
            Crawler first = crawl(site, uri).build();
            first.start();
            asked.await(); // the first crawl is under way, its store open
            StoreException e = assertThrows(StoreException.class, () -> crawl(site, uri).resume(true).build().run());
            assertTrue(e.getMessage().contains("is in use by another crawl"), e.getMessage());
            assertThrows(StoreException.class, () -> crawl(site, uri).build().run(), "a new crawl neither");
            release.set();
            assertEquals(CrawlStats.State.FINISHED, first.await().state());
            assertEquals(2, first.stats().pagesDone());
            CrawlStats again = crawl(site, uri).resume(true).build().run();
            assertEquals(CrawlStats.State.FINISHED, again.state(), "once the first ended, the store is free");
            assertEquals(2, again.pagesDone());
        }
    }

    /**
     * The store's file deleted (or replaced) while the crawl runs: the crawl went on writing into
     * the deleted file and ended "finished, 2 pages stored", exit 0, with nothing on disk. It must
     * fail instead, saying so.
     */
    private void aStoreFileDeletedMidCrawlFailsTheCrawl(String uri, Path... files) throws Exception {
        Event asked = new Event();
        Event release = new Event();
        try (TestSite site = TestSite.start()) {
            site.html("/", "<title>root</title><a href=/a>a</a>").page("/a", r -> {
                asked.set();
                release.await();
                return Response.html("<title>a</title>");
            });
            Crawler crawler = crawl(site, uri).build();
            crawler.start();
            asked.await(); // the store is open, the crawl row and the seed committed
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
            release.set();
            StoreException e = assertThrows(StoreException.class, crawler::await);
            assertTrue(e.getMessage().contains("was deleted or replaced while the crawl ran"), e.getMessage());
            assertEquals(CrawlStats.State.FAILED, crawler.stats().state());
        }
    }

    @Test
    void anSqliteFileDeletedWhileTheCrawlRunsFailsTheCrawl() throws Exception {
        Path db = dir.resolve("c.db");
        aStoreFileDeletedMidCrawlFailsTheCrawl("sqlite:" + db, db, Path.of(db + "-wal"), Path.of(db + "-shm"));
    }

    @Test
    void aJsonlFileDeletedWhileTheCrawlRunsFailsTheCrawl() throws Exception {
        Path file = dir.resolve("pages.jsonl");
        aStoreFileDeletedMidCrawlFailsTheCrawl("jsonl:" + file, file);
    }

    /** A crawl without a store leaves none of its temporary files behind (the lock file neither). */
    @Test
    void aCrawlWithoutAStoreLeavesNoTemporaryFileBehind() throws Exception {
        java.util.List<Path> made = new java.util.ArrayList<>();
        try (TestSite site = TestSite.start()) {
            site.html("/", "<title>root</title>");
            CrawlStats stats = Crawler.builder().seeds(site.url("/")).delay(Duration.ZERO).ignoreRobots(true)
                    .trace(new EngineTrace() {
                        @Override
                        public void temporaryStore(Path db) {
                            made.add(db);
                        }
                    }).build().run();
            assertEquals(1, stats.pagesDone());
        }
        assertEquals(1, made.size());
        Path db = made.getFirst();
        for (Path p : java.util.List.of(db, Path.of(db + "-wal"), Path.of(db + "-shm"), Path.of(db + ".lock"))) {
            assertTrue(Files.notExists(p), p + " was left behind");
        }
    }

    @Test
    void aSecondCrawlIntoTheSameSqliteFileIsRefusedWhileTheFirstRuns() throws Exception {
        secondCrawlIsRefusedWhileTheFirstRuns("sqlite:" + dir.resolve("c.db"));
    }

    @Test
    void aSecondCrawlIntoTheSameJsonlFileIsRefusedWhileTheFirstRuns() throws Exception {
        Path file = dir.resolve("pages.jsonl");
        secondCrawlIsRefusedWhileTheFirstRuns("jsonl:" + file);
        assertEquals(2, Files.readAllLines(file).size());
    }

    @Test
    void aSecondCrawlIntoTheSamePostgresqlDatabaseIsRefusedWhileTheFirstRuns() throws Exception {
        try (Databases.Db db = Databases.postgres()) {
            secondCrawlIsRefusedWhileTheFirstRuns(db.uri());
        }
    }

    @Test
    void aSecondCrawlIntoTheSameMariadbDatabaseIsRefusedWhileTheFirstRuns() throws Exception {
        try (Databases.Db db = Databases.mariadb()) {
            secondCrawlIsRefusedWhileTheFirstRuns(db.uri());
        }
    }

    /**
     * The lock file beside a file store ({@code X.db.lock}, {@code X.jsonl.state.lock}) stayed
     * in the folder after every crawl, finished or stopped (Ctrl-C stops a crawl the same way as
     * {@link Crawler#stop()}). It is there while the crawl runs and gone when it ends.
     */
    private void theLockFileIsThereWhileTheCrawlRunsAndGoneAfter(String uri, Path lock) throws Exception {
        Event asked = new Event();
        Event release = new Event();
        try (TestSite site = TestSite.start()) {
            site.html("/", "<title>root</title><a href=/a>a</a><a href=/b>b</a>").page("/a", r -> {
                asked.set();
                release.await();
                return Response.html("<title>a</title>");
            }).html("/b", "<title>b</title>");
            Crawler stopped = crawl(site, uri).perHost(1).build();
            stopped.start();
            asked.await();
            assertTrue(Files.exists(lock), lock + " while the crawl runs");
            stopped.stop();
            release.set();
            assertEquals(CrawlStats.State.STOPPED, stopped.await().state());
            assertTrue(Files.notExists(lock), lock + " was left behind by a stopped crawl");
            CrawlStats resumed = crawl(site, uri).resume(true).build().run();
            assertEquals(CrawlStats.State.FINISHED, resumed.state());
            assertTrue(Files.notExists(lock), lock + " was left behind by a finished crawl");
        }
    }

    @Test
    void noLockFileIsLeftBesideAnSqliteStore() throws Exception {
        Path db = dir.resolve("c.db");
        theLockFileIsThereWhileTheCrawlRunsAndGoneAfter("sqlite:" + db, Path.of(db + ".lock"));
    }

    @Test
    void noLockFileIsLeftBesideAJsonlStore() throws Exception {
        Path file = dir.resolve("pages.jsonl");
        theLockFileIsThereWhileTheCrawlRunsAndGoneAfter("jsonl:" + file, Path.of(file + ".state.lock"));
    }

    /**
     * A lock file that nobody holds — what {@code kill -9} leaves (the OS dropped the lock with the
     * process; ResumeTest kills real processes) — does not keep the next crawl out, and is gone
     * after it.
     */
    @Test
    void aLockFileLeftByAKilledCrawlIsTakenOverAndRemoved() throws Exception {
        Path db = dir.resolve("c.db");
        Path lock = Path.of(db + ".lock");
        Files.writeString(lock, "left by a killed crawl");
        try (TestSite site = TestSite.start()) {
            site.html("/", "<title>root</title>");
            assertEquals(1, crawl(site, "sqlite:" + db).build().run().pagesDone());
        }
        assertTrue(Files.notExists(lock), lock + " was left behind");
    }
}
