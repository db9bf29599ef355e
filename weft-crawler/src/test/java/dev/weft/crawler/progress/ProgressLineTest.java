package dev.weft.crawler.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProgressLineTest {

    private static final ProgressFrame MIDWAY = new ProgressFrame(912, 2013, 64, 1031, 3, 5.4, 182.4);

    @Test
    void aWideTerminalShowsEverything() {
        assertEquals(" 45%|█████████           | 912/2013 pages  182 pages/s  ETA 00:06  errors 3  in flight 64"
                + "  queue 1031  00:05", ProgressLine.terminal(MIDWAY, 200));
    }

    @Test
    void aNarrowTerminalDropsTheLeastUsefulPartsFirst() {
        String full = ProgressLine.terminal(MIDWAY, 200);
        String noElapsed = ProgressLine.terminal(MIDWAY, full.length());
        assertEquals(full.substring(0, full.length() - "  00:05".length()), noElapsed);
        assertEquals(" 45%|█████████           | 912/2013 pages  182 pages/s  ETA 00:06  errors 3",
                ProgressLine.terminal(MIDWAY, 80));
        assertEquals(" 45%|██████▎       | 912/2013 pages  182 pages/s  ETA 00:06  errors 3",
                ProgressLine.terminal(MIDWAY, 70));
        assertEquals(" 45%|██▎  | 912/2013 pages  182 pages/s  errors 3", ProgressLine.terminal(MIDWAY, 60));
        assertEquals(" 45%|██▎  | 912/2013 pages  errors 3", ProgressLine.terminal(MIDWAY, 40));
        assertEquals(" 45% 912/2013 pages  errors 3", ProgressLine.terminal(MIDWAY, 30));
        assertEquals(" 45% 912/2013 pages", ProgressLine.terminal(MIDWAY, 25));
        assertEquals(" 45% 912/", ProgressLine.terminal(MIDWAY, 10));
    }

    @Test
    void noLineIsEverWiderThanTheTerminalLessOneColumn() {
        ProgressFrame[] frames = {MIDWAY, new ProgressFrame(0, 0, 0, 0, 0, 0, 0),
            new ProgressFrame(123_456_789, 987_654_321, 10_000, 99_999_999, 12_345, 400_000, 3_000)};
        for (ProgressFrame f : frames) {
            for (int w = 1; w <= 200; w++) {
                String line = ProgressLine.terminal(f, w);
                assertTrue(line.length() <= Math.max(1, w - 1), w + ": " + line);
                assertFalse(line.isEmpty());
            }
        }
    }

    @Test
    void beforeAnyTotalIsKnownThereIsNoPercentage() {
        ProgressFrame f = new ProgressFrame(0, 0, 1, 0, 0, 0.2, 0);
        assertEquals("0 pages  ? pages/s  ETA ?  in flight 1  queue 0  00:00", ProgressLine.terminal(f, 100));
        assertEquals("crawl 00:00: 0 pages, ? pages/s, ETA ?, 1 in flight, 0 queued, 0 errors", ProgressLine.plain(f));
    }

    @Test
    void aPlainLineSaysEverythingInWords() {
        assertEquals("crawl 00:05: 912/2013 pages (45%), 182 pages/s, ETA 00:06, 64 in flight, 1031 queued, 3 errors",
                ProgressLine.plain(MIDWAY));
        assertEquals("crawl 1:02:03: 1/1 pages (100%), 0.5 pages/s, ETA 00:00, 0 in flight, 0 queued, 1 error",
                ProgressLine.plain(new ProgressFrame(1, 1, 0, 0, 1, 3723.9, 0.5)));
    }

    @Test
    void theBarFillsInEighths() {
        assertEquals("          ", ProgressLine.bar(0, 10));
        assertEquals("█▌        ", ProgressLine.bar(0.15, 10));
        assertEquals("██████████", ProgressLine.bar(1, 10));
        assertEquals("██████████", ProgressLine.bar(1.5, 10));
    }

    @Test
    void theEtaIsThePagesLeftAtTheCurrentSpeed() {
        assertEquals(6.03, MIDWAY.etaSeconds(), 0.01);
        assertEquals(-1, new ProgressFrame(5, 10, 0, 0, 0, 1, 0).etaSeconds());
        assertEquals(-1, new ProgressFrame(5, 0, 0, 0, 0, 1, 2).etaSeconds());
    }
}
