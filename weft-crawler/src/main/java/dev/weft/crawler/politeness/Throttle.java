package dev.weft.crawler.politeness;

/**
 * The adaptive speed of one host: how many requests may be in flight and the least gap
 * between two request starts, moved by what the host says (AIMD, as TCP does):
 *
 * <ul>
 *   <li><b>slow down</b> (a 429 or 503, a timeout, or latency rising to three times its best
 *       and 500 ms above it): halve the concurrency (at least 1) and double the delay (at least
 *       250 ms, at most 60 s) — at most once per {@code max(delay, 1 s)}, so that a burst of
 *       failures of requests sent together counts once; the latency is then measured afresh,
 *       from requests sent after the slow-down only;</li>
 *   <li><b>speed up</b> after each success: one more request in flight after {@code limit}
 *       successes (one per round trip, TCP's congestion avoidance), up to the ceiling; and the
 *       delay shortened by a step proportional to itself, down to the floor — a sixteenth of it
 *       while it is within one doubling of the delay at which the host last struggled, a quarter
 *       of it further away, and never less than 50 ms;</li>
 *   <li><b>undo</b> a slow-down that latency alone caused, when the first answer to a request
 *       sent after it comes back at the host's usual latency (within twice its best, or 250 ms
 *       above it, whichever is more — well under the slow-down's own test): the spike was not
 *       the host (TCP's Eifel algorithm, RFCs 3522 and 4015), so the pace before it is
 *       restored. At most one undo per 30 s: a host slowed down by latency again soon after an
 *       undo was struggling after all, and that slow-down stands. A 429, 503 or timeout is never
 *       undone — the server said so — and one that arrives before the verdict makes a latency
 *       slow-down stand too.</li>
 * </ul>
 *
 * <p><b>Why a step proportional to the delay.</b> The delay is a time, and so is the recovery.
 * While the delay paces the host, one answer comes back per delay; the former fixed step of
 * 50 ms per answer therefore took {@code D² / 100 ms} to come back from a delay {@code D}: 11
 * minutes from 8 s, 43 from 16 s, 10 hours from the 60 s cap. A step of {@code D / k} per answer
 * brings the delay down by {@code 1/k} second per second from any height: back from {@code D} in
 * about {@code k·D}. Two speeds, as TCP's slow-start threshold and CUBIC's plateau have: near
 * the pace the host refused, carefully ({@code k = 16}: about eleven answers to undo the
 * doubling, so a host that refuses above a fixed rate sees roughly one request in ten refused;
 * under 800 ms this is the former 50 ms step); past it, quickly ({@code k = 4}). A host slowed
 * down six times in a row (8 s) that answers well again is back at full speed in about 80 s
 * (from the 60 s cap: about 10 minutes). A host that keeps failing stays slow: every other
 * answer a failure holds it at the cap.
 *
 * <p>The floor of the delay is the configured delay, or robots.txt's {@code Crawl-delay} when it
 * is larger, and is never undercut (an undo neither); the ceiling of the concurrency is the
 * configured per-host limit. A {@code Retry-After} is not the throttle's: the frontier blocks the
 * host until then. Answers to requests sent before the last slow-down neither slow the host
 * down nor speed it up. Time is passed in (nanoseconds of the loop's clock), so it is tested
 * with plain numbers. Not thread-safe: owned by its host record, on the crawl's loop.
 */
public final class Throttle {

    /** The least delay after a slow-down. */
    public static final long MIN_BACKOFF_NANOS = 250_000_000L;
    /** The most delay a slow-down can reach (a larger Crawl-delay or Retry-After still holds). */
    public static final long MAX_BACKOFF_NANOS = 60_000_000_000L;
    /** The least a success cuts from the delay (above the floor). */
    public static final long STEP_NANOS = 50_000_000L;
    /** Far from the pace the host last refused, a success cuts {@code delay / 4} (or the step). */
    public static final int QUICK_DIVISOR = 4;
    /** Within one doubling of the pace the host last refused, a success cuts {@code delay / 16}. */
    public static final int CAREFUL_DIVISOR = 16;
    /** A latency slow-down within this time of an undo stands (at most one undo per 30 s). */
    public static final long UNDO_MEMORY_NANOS = 30_000_000_000L;
    private static final long LATENCY_MARGIN_NANOS = 500_000_000L;
    private static final long USUAL_LATENCY_MARGIN_NANOS = 250_000_000L;
    private static final long MIN_HOLD_OFF_NANOS = 1_000_000_000L;
    private static final double EWMA_WEIGHT = 0.3;

    // The pace.
    private final int maxConcurrency;
    private long floorNanos;
    private long delayNanos;
    private int limit;
    private int successes; // since the limit last moved

    // The latency: its average over requests sent since the last slow-down, and the best that
    // average has ever been.
    private double latencyEwma = -1;
    private double bestLatency = Double.MAX_VALUE;

    // Slow-downs. refusedDelay is the delay at which the host last struggled (before that
    // slow-down doubled it), until the delay comes back below it; -1 when none. While a latency
    // slow-down awaits its verdict (the first answer to a request sent after it), undoDelay >= 0
    // holds the pace before it; otherwise undoDelay is -1.
    private long lastSlowDown = Long.MIN_VALUE / 2;
    private int slowDowns;
    private long refusedDelay = -1;
    private long undoDelay = -1;
    private int undoLimit;
    private long undoRefused;
    private long lastUndo = Long.MIN_VALUE / 2;
    private int undos;

    /**
     * A throttle at full speed.
     *
     * @param floorNanos     the configured least delay between request starts
     * @param maxConcurrency the configured most requests in flight
     */
    public Throttle(long floorNanos, int maxConcurrency) {
        this.floorNanos = floorNanos;
        this.delayNanos = floorNanos;
        this.maxConcurrency = maxConcurrency;
        this.limit = maxConcurrency;
    }

    /** {@return the current least gap between two request starts, in nanoseconds} */
    public long delayNanos() {
        return delayNanos;
    }

    /** {@return how many requests may be in flight now} */
    public int limit() {
        return limit;
    }

    /** {@return the floor of the delay (configured delay or Crawl-delay)} */
    public long floorNanos() {
        return floorNanos;
    }

    /** {@return how many times this host was slowed down (undone ones included)} */
    public int slowDowns() {
        return slowDowns;
    }

    /** {@return how many of its slow-downs were undone as spurious} */
    public int undos() {
        return undos;
    }

    /** {@return true at the floor of the delay and the ceiling of the concurrency} */
    public boolean atFullSpeed() {
        return delayNanos == floorNanos && limit == maxConcurrency;
    }

    /**
     * Raises the floor (robots.txt's {@code Crawl-delay}); never lowers it below the configured
     * delay.
     *
     * @param nanos the new floor
     */
    public void raiseFloor(long nanos) {
        if (nanos > floorNanos) {
            floorNanos = nanos;
            delayNanos = Math.max(delayNanos, nanos);
        }
    }

    /**
     * {@return the delay at which the host last struggled, in nanoseconds, or -1 once the pace
     * has come back below it (near it, a success speeds the host up carefully)}
     */
    public long refusedDelayNanos() {
        return refusedDelay;
    }

    /**
     * Sets the pace saved when a previous run of the crawl last touched the host (on resume):
     * the delay kept within the floor, the concurrency within the ceiling, and the delay it last
     * struggled at. A resumed host goes on at that pace, and recovers carefully near the pace it
     * refused, as it would have in the run that was stopped.
     *
     * @param delayNanos        the delay, nanoseconds
     * @param limit             the requests in flight, or 0 or less for the ceiling
     * @param refusedDelayNanos the delay it last struggled at, or -1
     */
    public void restore(long delayNanos, int limit, long refusedDelayNanos) {
        this.delayNanos = Math.max(floorNanos, delayNanos);
        this.limit = limit <= 0 ? maxConcurrency : Math.min(maxConcurrency, limit);
        this.refusedDelay = refusedDelayNanos < 0 ? -1 : refusedDelayNanos;
        this.successes = 0;
    }

    /**
     * A response that was not a slow-down signal.
     *
     * @param latencyNanos how long it took
     * @param now          the loop's clock
     */
    public void onSuccess(long latencyNanos, long now) {
        // A request sent before the last slow-down tells how the host coped with the old pace, not
        // with the new one: it neither slows the host down again nor speeds it back up (TCP reacts
        // once per window). Without this, the answers still in flight at a slow-down kept the
        // average high and doubled the delay again and again, to tens of seconds after one burst.
        // "Before" includes the very instant of the slow-down: a fetch task stamps its start when
        // it first runs, which on the loop can be just after the slow-down it was sent before (on
        // a virtual clock, at the same nanosecond), while one sent after a slow-down waits for
        // the new delay.
        if (now - latencyNanos <= lastSlowDown) {
            return;
        }
        latencyEwma = latencyEwma < 0 ? latencyNanos : EWMA_WEIGHT * latencyNanos + (1 - EWMA_WEIGHT) * latencyEwma;
        if (undoDelay >= 0) {
            boolean usual = latencyNanos <= Math.max(2 * bestLatency, bestLatency + USUAL_LATENCY_MARGIN_NANOS);
            long before = undoDelay;
            undoDelay = -1; // one verdict per slow-down
            if (usual) {
                delayNanos = Math.max(floorNanos, before);
                limit = undoLimit;
                refusedDelay = undoRefused;
                successes = 0;
                lastUndo = now;
                undos++;
                return;
            }
        }
        bestLatency = Math.min(bestLatency, latencyEwma);
        if (latencyEwma > 3 * bestLatency && latencyEwma > bestLatency + LATENCY_MARGIN_NANOS) {
            slowDown(now, true);
            return;
        }
        boolean nearRefused = refusedDelay >= 0 && delayNanos <= 2 * refusedDelay;
        long step = Math.max(delayNanos / (nearRefused ? CAREFUL_DIVISOR : QUICK_DIVISOR), STEP_NANOS);
        delayNanos = Math.max(floorNanos, delayNanos - step);
        if (delayNanos < refusedDelay) {
            refusedDelay = -1; // past the pace it refused without a complaint: that pace is history
        }
        if (++successes >= limit) {
            successes = 0;
            limit = Math.min(maxConcurrency, limit + 1);
        }
    }

    /**
     * The server says the host is struggling: a 429 or 503 (also 502, 504), a timeout. Such a
     * slow-down is never undone, and a latency slow-down still awaiting its verdict stands.
     *
     * @param now the loop's clock
     * @return true if it took effect (false inside the hold-off after the previous one)
     */
    public boolean onSlowDown(long now) {
        undoDelay = -1;
        return slowDown(now, false);
    }

    private boolean slowDown(long now, boolean latencyOnly) {
        long holdOff = Math.max(delayNanos, MIN_HOLD_OFF_NANOS);
        if (now - lastSlowDown < holdOff) {
            return false;
        }
        if (latencyOnly && now - lastUndo >= UNDO_MEMORY_NANOS) {
            undoDelay = delayNanos;
            undoLimit = limit;
            undoRefused = refusedDelay;
        }
        refusedDelay = delayNanos;
        lastSlowDown = now;
        latencyEwma = -1; // measured afresh, at the new pace
        slowDowns++;
        successes = 0;
        limit = Math.max(1, limit / 2);
        long doubled = delayNanos > MAX_BACKOFF_NANOS / 2 ? MAX_BACKOFF_NANOS : delayNanos * 2;
        delayNanos = Math.max(floorNanos, Math.min(MAX_BACKOFF_NANOS, Math.max(doubled, MIN_BACKOFF_NANOS)));
        return true;
    }
}
