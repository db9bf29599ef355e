package dev.weft.crawler.progress;

import dev.weft.crawler.CrawlListener;
import dev.weft.crawler.CrawlStats;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@link CrawlListener} that shows a crawl's progress on a {@link ProgressDisplay}: pages
 * done out of the URLs known so far, pages per second, ETA, errors, requests in flight and the
 * queue. Give the crawler its {@link #interval()} as {@code progressInterval}, so that a
 * terminal line moves smoothly:
 *
 * <pre>{@code
 * CrawlProgress progress = CrawlProgress.onStandardError();    // before Weft.run: it may ask stty
 * Crawler crawler = Crawler.builder().seeds(url)
 *         .listener(progress).progressInterval(progress.interval())
 *         .build();
 * }</pre>
 *
 * <p>Called on the crawl's loop; drawing is one short write at most ten times a second.
 * Thread-safe.
 */
public final class CrawlProgress implements CrawlListener {

    private final ProgressDisplay display;

    /**
     * A listener that shows a crawl's progress on {@code display}.
     *
     * @param display where to show the progress
     */
    public CrawlProgress(ProgressDisplay display) {
        this.display = Objects.requireNonNull(display, "display");
    }

    /**
     * A progress display on standard error (see {@link ProgressDisplay#onStandardError()}).
     *
     * @return the listener
     */
    public static CrawlProgress onStandardError() {
        return new CrawlProgress(ProgressDisplay.onStandardError());
    }

    /** {@return how often the crawler should report: a tenth of a second on a terminal, else a second} */
    public Duration interval() {
        return display.isTerminal() ? ProgressDisplay.TERMINAL_INTERVAL : Duration.ofSeconds(1);
    }

    @Override
    public void progress(CrawlStats stats) {
        display.update(stats.pagesDone(), stats.urlsKnown(), stats.inFlight(), stats.queued(), stats.errors());
    }

    @Override
    public void finished(CrawlStats stats) {
        display.finish(stats.pagesDone(), stats.urlsKnown(), stats.inFlight(), stats.queued(), stats.errors());
    }
}
