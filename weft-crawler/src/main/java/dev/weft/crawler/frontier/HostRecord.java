package dev.weft.crawler.frontier;

import dev.weft.crawler.politeness.RobotsPolicy;
import dev.weft.crawler.politeness.Throttle;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Everything the crawl knows about one host (an origin, {@code scheme://host[:port]}, the unit
 * of robots.txt): its robots rules, its clock (when the next request may start, blocked until
 * when), its adaptive {@link Throttle}, its queue of URLs (a bounded window in memory, the rest
 * "spilled" in the store's frontier table), the visits waiting to be retried or to follow a
 * redirect, and its budget. Persisted as a row of the {@code hosts} table.
 *
 * <pre>
 *  robots:  UNKNOWN --first turn--> FETCHING --2xx/4xx--> READY --24 h--> UNKNOWN
 *                                      |
 *                                      +--5xx/429/network--> UNREACHABLE --retry time--> FETCHING
 * </pre>
 *
 * <p>Not thread-safe: owned by the crawl's loop; the fields are package-private to the
 * {@link Frontier} and public through methods.
 */
public final class HostRecord {

    /** Where its robots.txt stands (see the diagram). */
    public enum RobotsState {
        /** Never fetched (or expired): the next turn fetches it. */
        UNKNOWN,
        /** A fetch is in flight. */
        FETCHING,
        /** Rules known. */
        READY,
        /** Could not be fetched: nothing allowed until the retry time. */
        UNREACHABLE
    }

    private final String origin;
    private final Throttle throttle;

    // Robots.
    RobotsState robotsState = RobotsState.UNKNOWN;
    RobotsPolicy.Robots robots;
    long robotsFetchedAt;
    int robotsFailures;
    long robotsRetryAt;
    String robotsNote;

    // Queue.
    final ArrayDeque<FrontierEntry> window = new ArrayDeque<>();
    final PriorityQueue<Visit> waiting = new PriorityQueue<>(Comparator.comparingLong(Visit::notBefore));
    long spilled;
    long lastSeqInMemory = -1;
    boolean refilling;
    long spilledAtRefill; // spilled when the refill under way read the store

    // Clock and load.
    int inFlight;
    long nextStartAt = Long.MIN_VALUE / 4;
    long lastStartAt = Long.MIN_VALUE / 4;
    long blockedUntil = Long.MIN_VALUE / 4;

    // Budget.
    long admitted;
    long stored;
    boolean deferred;
    String deferredReason;

    // Scheduling: the time it sits in the heap at, or Long.MIN_VALUE when not in the heap.
    long heapAt = Long.MIN_VALUE;

    HostRecord(String origin, Throttle throttle) {
        this.origin = origin;
        this.throttle = throttle;
    }

    /** {@return {@code scheme://host[:port]}} */
    public String origin() {
        return origin;
    }

    /** {@return its adaptive speed} */
    public Throttle throttle() {
        return throttle;
    }

    /** {@return where its robots.txt stands} */
    public RobotsState robotsState() {
        return robotsState;
    }

    /** {@return its robots rules, or null before they are known} */
    public RobotsPolicy.Robots robots() {
        return robots;
    }

    /** {@return requests to it in flight} */
    public int inFlight() {
        return inFlight;
    }

    /** {@return URLs admitted for it in this crawl (queued or done)} */
    public long admitted() {
        return admitted;
    }

    /** {@return pages stored for it} */
    public long stored() {
        return stored;
    }

    /** {@return the loop time until which Retry-After blocks it} */
    public long blockedUntil() {
        return blockedUntil;
    }

    /** {@return true if set aside for this run (a Crawl-delay too long, robots.txt never reachable)} */
    public boolean deferred() {
        return deferred;
    }

    /** {@return why it was deferred, or null} */
    public String deferredReason() {
        return deferredReason;
    }

    /** {@return URLs queued for it: in memory, spilled to the store, and waiting visits} */
    public long queued() {
        return window.size() + spilled + waiting.size();
    }

    /** {@return URLs in its store-side queue that are not in memory} */
    public long spilled() {
        return spilled;
    }

    /** {@return the highest frontier sequence number held in memory (refills read past it)} */
    public long lastSeqInMemory() {
        return lastSeqInMemory;
    }

    /** {@return true if it has nothing in memory and its queue goes on in the store} */
    public boolean needsRefill() {
        return window.isEmpty() && spilled > 0 && !refilling;
    }

    /** {@return why its robots rules refuse everything when it could not be read, or null} */
    public String robotsNote() {
        return robotsNote;
    }

    /** {@return how many times in a row its robots.txt could not be read} */
    public int robotsFailures() {
        return robotsFailures;
    }

    /** {@return the loop time before which no request to it may start} */
    public long nextStartAt() {
        return nextStartAt;
    }

    /** {@return true if a refill from the store is under way} */
    public boolean refilling() {
        return refilling;
    }

    /** {@return true if it has any URL left to crawl} */
    public boolean hasWork() {
        return !window.isEmpty() || spilled > 0 || !waiting.isEmpty();
    }

    /**
     * When this host may next be given a turn, or {@code Long.MAX_VALUE} if not until something
     * changes (at its in-flight limit, robots.txt being fetched, a refill under way, deferred,
     * nothing to do).
     *
     * @param now the loop's clock
     * @return the loop time of its next turn
     */
    long readyAt(long now) {
        if (deferred || robotsState == RobotsState.FETCHING || inFlight >= throttle.limit()) {
            return Long.MAX_VALUE;
        }
        long work;
        if (!window.isEmpty() || (spilled > 0 && !refilling)) {
            work = now;
        } else if (!waiting.isEmpty()) {
            work = waiting.peek().notBefore();
        } else {
            return Long.MAX_VALUE;
        }
        long t = Math.max(work, Math.max(nextStartAt, blockedUntil));
        if (robotsState == RobotsState.UNREACHABLE) {
            t = Math.max(t, robotsRetryAt);
        }
        return t;
    }

    @Override
    public String toString() {
        return "HostRecord[" + origin + ", queued=" + queued() + ", inFlight=" + inFlight + ", robots=" + robotsState + "]";
    }
}
