package dev.weft.crawler.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private void advance(long millis) {
        clock.addAndGet(millis * 1_000_000L);
    }

    @Test
    void aTerminalLineIsRedrawnInPlaceAtMostTenTimesASecond() {
        ProgressDisplay d = new ProgressDisplay(out, true, 80, clock::get, ProgressDisplay.PLAIN_INTERVAL);
        d.update(0, 1, 1, 0, 0);
        advance(50);
        d.update(1, 30, 10, 19, 0); // too soon: not drawn
        assertEquals(1, output().split("\r", -1).length - 1);
        advance(50);
        d.update(2, 30, 10, 18, 0);
        String[] frames = output().split("\r", -1);
        assertEquals(3, frames.length);
        assertTrue(frames[2].startsWith("  6%|█▎                  | 2/30 pages  20 pages/s  ETA 00:01"), frames[2]);
        assertTrue(!output().contains("\n"), "no line break before the end");
    }

    @Test
    void aShorterLineErasesTheRestOfTheLongerOne() {
        ProgressDisplay d = new ProgressDisplay(out, true, 120, clock::get, ProgressDisplay.PLAIN_INTERVAL);
        d.update(0, 100, 500, 99_999, 12_345);
        advance(100);
        d.update(50, 100, 0, 0, 0);
        String[] frames = output().split("\r", -1);
        assertEquals(frames[1].length(), frames[2].length(), "padded with spaces to the previous length");
        assertTrue(frames[2].endsWith("   "));
    }

    @Test
    void finishDrawsTheLastStateWithTheAverageSpeedAndEndsTheLine() {
        ProgressDisplay d = new ProgressDisplay(out, true, 100, clock::get, ProgressDisplay.PLAIN_INTERVAL);
        d.update(0, 1, 1, 0, 0);
        advance(4_000);
        d.finish(2000, 2000, 0, 0, 0);
        d.update(5, 5, 5, 5, 5); // after the end: ignored
        d.finish(1, 1, 1, 1, 1);
        String[] frames = output().split("\r", -1);
        assertEquals(3, frames.length);
        assertEquals("100%|████████████████████| 2000/2000 pages  500 pages/s  ETA 00:00  in flight 0  queue 0  00:04\n",
                frames[2]);
    }

    @Test
    void withoutATerminalAPlainLineComesEveryFewSeconds() {
        ProgressDisplay d = new ProgressDisplay(out, false, 0, clock::get, Duration.ofSeconds(2));
        for (int i = 0; i <= 50; i++) { // 5 s, an update every 100 ms
            d.update(i * 10, 1000, 8, 100, 0);
            advance(100);
        }
        d.finish(1000, 1000, 0, 0, 0);
        String[] lines = output().split("\n");
        assertEquals(4, lines.length, output()); // at 0, 2 and 4 s, and the final one
        assertEquals("crawl 00:00: 0/1000 pages (0%), ? pages/s, ETA ?, 8 in flight, 100 queued, 0 errors", lines[0]);
        assertEquals("crawl 00:02: 200/1000 pages (20%), 100 pages/s, ETA 00:08, 8 in flight, 100 queued, 0 errors",
                lines[1]);
        assertTrue(lines[3].startsWith("crawl 00:05: 1000/1000 pages (100%), 196 pages/s"), lines[3]);
        assertTrue(!output().contains("\r"));
    }

    @Test
    void theSpeedFollowsTheLastFiveSecondsOnly() {
        ProgressDisplay d = new ProgressDisplay(out, false, 0, clock::get, Duration.ofSeconds(1));
        long done = 0;
        for (int i = 0; i < 100; i++) { // 10 s at 100 pages/s
            d.update(done, 5000, 50, 1000, 0);
            advance(100);
            done += 10;
        }
        for (int i = 0; i < 70; i++) { // then 7 s without a page (a stalled host)
            d.update(done, 5000, 50, 1000, 0);
            advance(100);
        }
        String[] lines = output().split("\n");
        assertTrue(lines[9].contains(", 100 pages/s, ETA 00:41,"), lines[9]);
        String last = lines[lines.length - 1];
        assertTrue(last.contains(", ? pages/s, ETA ?,"), last);
    }

    @Test
    void aResumedCrawlsEarlierPagesCountTowardTheTotalButNotTheSpeed() {
        ProgressDisplay d = new ProgressDisplay(out, false, 0, clock::get, Duration.ofSeconds(1));
        advance(3_000); // the display was made before the crawl started: its clock starts at the first update
        d.update(10_000, 12_000, 0, 2000, 0);
        advance(1_000);
        d.update(10_050, 12_000, 10, 1950, 0);
        advance(1_000);
        d.finish(10_100, 12_000, 0, 1900, 0);
        String[] lines = output().split("\n");
        assertEquals("crawl 00:00: 10000/12000 pages (83%), ? pages/s, ETA ?, 0 in flight, 2000 queued, 0 errors", lines[0]);
        assertEquals("crawl 00:01: 10050/12000 pages (83%), 50 pages/s, ETA 00:39, 10 in flight, 1950 queued, 0 errors",
                lines[1]);
        assertEquals("crawl 00:02: 10100/12000 pages (84%), 50 pages/s, ETA 00:38, 0 in flight, 1900 queued, 0 errors",
                lines[2]);
    }

    @Test
    void theCrawlListenerShowsTheCrawlersCounters() {
        CrawlProgress progress = new CrawlProgress(new ProgressDisplay(out, false, 0, clock::get, Duration.ofSeconds(1)));
        assertEquals(Duration.ofSeconds(1), progress.interval());
        progress.progress(stats(dev.weft.crawler.CrawlStats.State.RUNNING, 40, 100, 7, 53, 2));
        advance(2_000);
        progress.finished(stats(dev.weft.crawler.CrawlStats.State.FINISHED, 100, 100, 0, 0, 2));
        assertEquals("crawl 00:00: 40/100 pages (40%), ? pages/s, ETA ?, 7 in flight, 53 queued, 2 errors\n"
                + "crawl 00:02: 100/100 pages (100%), 30 pages/s, ETA 00:00, 0 in flight, 0 queued, 2 errors\n", output());
        assertEquals(ProgressDisplay.TERMINAL_INTERVAL,
                new CrawlProgress(new ProgressDisplay(out, true, 80, clock::get, Duration.ofSeconds(1))).interval());
    }

    private static dev.weft.crawler.CrawlStats stats(dev.weft.crawler.CrawlStats.State state, long done, long known,
            int inFlight, long queued, long errors) {
        return new dev.weft.crawler.CrawlStats(state, done, done, known, inFlight, queued, errors, java.util.Map.of(), 0,
                java.util.Map.of(), 0, 0, 0, 0, 0, 1, 0, Duration.ofSeconds(2), done / 2.0, Duration.ZERO);
    }
}
