package dev.weft.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void rendersTheSeedsDiamondsLinesLikeTqdm() {
        assertEquals("Diamonds:   0%|          | 0/53940 [00:00<?, ?it/s]",
                ProgressBar.render("Diamonds", 0, 53940, 0, 0));
        assertEquals("Diamonds:  11%|█▏        | 6140/53940 [00:00<00:00, 60852.80it/s]",
                ProgressBar.render("Diamonds", 6140, 53940, 0.1, 60852.80));
        assertEquals("Diamonds:  27%|██▋       | 14332/53940 [00:00<00:00, 70898.21it/s]",
                ProgressBar.render("Diamonds", 14332, 53940, 0.2, 70898.21));
        assertEquals("Diamonds:  46%|████▌     | 24572/53940 [00:00<00:00, 75887.95it/s]",
                ProgressBar.render("Diamonds", 24572, 53940, 0.32, 75887.95));
        assertEquals("Diamonds:  61%|██████    | 32764/53940 [00:00<00:00, 74074.48it/s]",
                ProgressBar.render("Diamonds", 32764, 53940, 0.44, 74074.48));
        assertEquals("Diamonds: 100%|██████████| 53940/53940 [00:00<00:00, 110143.05it/s]",
                ProgressBar.render("Diamonds", 53940, 53940, 0.49, 110143.05));
    }

    @Test
    void rendersTheSeedsRequestLinesWithAPaddedRateAndTheRemainingTime() {
        assertEquals("Request Baidu:  10%|█         | 1/10 [00:00<00:01,  8.49it/s]",
                ProgressBar.render("Request Baidu", 1, 10, 0.12, 8.49));
        assertEquals("Request Baidu:  60%|██████    | 6/10 [00:00<00:00, 28.99it/s]",
                ProgressBar.render("Request Baidu", 6, 10, 0.21, 28.99));
    }

    @Test
    void showsSecondsPerItemBelowOneItemPerSecondAndHoursWhenLong() {
        assertEquals("slow:  50%|█████     | 1/2 [1:02:03<1:02:03, 3723.00s/it]",
                ProgressBar.render("slow", 1, 2, 3723, 1 / 3723.0));
    }

    @Test
    void withoutATotalShowsTheCountAndTheRateOnly() {
        assertEquals("5it [00:01,  4.00it/s]", ProgressBar.render("", 5, 0, 1.25, 4));
    }

    @Test
    void roundsPercentagesHalfToEvenAsPythonDoes() {
        assertEquals(" 12%", ProgressBar.render("", 1, 8, 0, 0).substring(0, 4)); // 12.5 -> 12
        assertEquals(" 38%", ProgressBar.render("", 3, 8, 0, 0).substring(0, 4)); // 37.5 -> 38
    }

    @Test
    void withoutATerminalPrintsTheFirstLineThenAtMostOneASecondAndTheLast() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        ProgressBar bar = new ProgressBar("t", 4, new PrintStream(bytes, true, StandardCharsets.UTF_8), false, now::get);
        bar.progressed(1, 4);                 // 0 s after the first line: not printed
        now.set(1_000_000_000L);
        bar.progressed(2, 4);                 // 1 s later: printed
        bar.progressed(3, 4);                 // not printed
        bar.progressed(4, 4);                 // the last: printed
        bar.close();                          // nothing new to print
        assertEquals("""
                t:   0%|          | 0/4 [00:00<?, ?it/s]
                t:  50%|█████     | 2/4 [00:01<00:01,  2.00it/s]
                t: 100%|██████████| 4/4 [00:01<00:00,  4.00it/s]
                """, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void onATerminalRedrawsOneLineInPlaceAndEndsItOnClose() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        ProgressBar bar = new ProgressBar("t", 2, new PrintStream(bytes, true, StandardCharsets.UTF_8), true, now::get);
        now.set(500_000_000L);
        bar.update(1);
        bar.close();
        assertEquals("\rt:   0%|          | 0/2 [00:00<?, ?it/s]"
                + "\rt:  50%|█████     | 1/2 [00:00<00:00,  2.00it/s]"
                + "\n",
                bytes.toString(StandardCharsets.UTF_8));
    }
}
