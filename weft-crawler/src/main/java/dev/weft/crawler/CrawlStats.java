package dev.weft.crawler;

import java.time.Duration;
import java.util.Map;

/**
 * A snapshot of a crawl's counters (immutable). After a resume the totals include the earlier
 * runs; {@code pagesThisRun}, {@code elapsed}, {@code pagesPerSecond} and
 * {@code responseTimeSum} (hence {@link #speedUp()}) are this run's.
 *
 * @param state           where the crawl stands
 * @param pagesDone       pages stored (every admitted URL ends as one stored page: fetched,
 *                        failed, refused by robots.txt, or a redirect not followed)
 * @param pagesThisRun    pages stored by this run
 * @param urlsKnown       URLs admitted to the crawl (queued or done)
 * @param inFlight        requests in flight now (robots.txt included)
 * @param queued          URLs waiting (in memory, in the store, or waiting to retry)
 * @param errors          pages stored with an error
 * @param pagesByStatus   pages by final HTTP status, in status order (pages without a response are not counted here)
 * @param bytes           body bytes received
 * @param errorsByKind    pages with an error, by kind ({@code timeout}, {@code connection}, …), in name order
 * @param retries         requests sent again (timeouts, connection errors, 5xx, 429)
 * @param robotsBlocked   URLs robots.txt refused (never requested)
 * @param deduplicated    links dropped because their URL was already admitted
 * @param filtered        links dropped by the scope, the allow/deny rules, the limits and the
 *                        trap defences
 * @param items           items emitted by the page callback
 * @param hosts           hosts seen
 * @param deferred        URLs left for a later run on hosts set aside (a Crawl-delay or
 *                        Retry-After longer than {@code maxHostWait}, robots.txt unreachable)
 * @param elapsed         wall time of this run
 * @param pagesPerSecond  pages stored per second in this run
 * @param responseTimeSum the response times of every request of this run, summed: how long this
 *                        run would have taken one request at a time
 */
public record CrawlStats(State state, long pagesDone, long pagesThisRun, long urlsKnown, int inFlight, long queued,
        long errors, Map<Integer, Long> pagesByStatus, long bytes, Map<String, Long> errorsByKind, long retries,
        long robotsBlocked, long deduplicated, long filtered, long items, int hosts, long deferred, Duration elapsed,
        double pagesPerSecond, Duration responseTimeSum) {

    /** Where a crawl stands. */
    public enum State {
        /** Not started yet. */
        NEW,
        /** Crawling. */
        RUNNING,
        /** Stopping: in-flight pages finish, nothing new starts. */
        STOPPING,
        /** Done: nothing left to crawl (or a limit reached). */
        FINISHED,
        /** Stopped before the end ({@code stop()}, Ctrl-C, hosts deferred): {@code resume} continues it. */
        STOPPED,
        /** Ended by an error (the store failed). */
        FAILED
    }

    /** {@return how many times faster than one request at a time ({@code responseTimeSum / elapsed})} */
    public double speedUp() {
        long e = elapsed.toNanos();
        return e <= 0 ? 0 : (double) responseTimeSum.toNanos() / e;
    }
}
