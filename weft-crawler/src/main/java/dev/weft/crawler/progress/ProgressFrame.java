package dev.weft.crawler.progress;

/**
 * What one progress line shows: a snapshot of a crawl's counters and its current speed.
 *
 * @param done pages finished (stored, whatever their status)
 * @param total pages known so far: finished, in flight and queued (0: unknown)
 * @param inFlight requests under way
 * @param queued URLs waiting in the frontier
 * @param errors pages that ended in an error (4xx/5xx statuses are not errors)
 * @param elapsedSeconds time since the crawl started
 * @param pagesPerSecond the current speed (0: not known yet)
 */
public record ProgressFrame(long done, long total, long inFlight, long queued, long errors, double elapsedSeconds,
                            double pagesPerSecond) {

    /**
     * The estimated time left: the pages known but not done at the current speed. It grows
     * as the crawl discovers pages, as any crawler's does.
     *
     * @return seconds, or a negative number if unknown (no speed or no total yet)
     */
    public double etaSeconds() {
        if (pagesPerSecond <= 0 || total <= 0 || Double.isInfinite(pagesPerSecond)) {
            return -1;
        }
        return Math.max(0, total - done) / pagesPerSecond;
    }

    /** {@return the share of known pages done, 0 to 1, or -1 if no total is known} */
    public double fraction() {
        return total <= 0 ? -1 : Math.min(1, Math.max(0, (double) done / total));
    }
}
