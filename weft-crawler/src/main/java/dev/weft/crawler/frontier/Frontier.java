package dev.weft.crawler.frontier;

import dev.weft.crawler.politeness.RobotsPolicy;
import dev.weft.crawler.politeness.Throttle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * The crawl's frontier: one {@link HostRecord} per host, each with its own queue, and a
 * scheduler of <em>hosts</em> — a heap ordered by the time each host may next be given a turn
 * (its next allowed request start, Retry-After block, retry times), as in Mercator, Heritrix
 * and BUbiNG. Breadth-first within a host: its queue is in discovery order.
 *
 * <p><b>Memory stays flat.</b> Every admitted URL is written to the store's {@code frontier}
 * table by the crawler; only a window of them is kept here — at most {@code windowPerHost} per
 * host and {@code windowTotal} in all. The rest are "spilled": counted, and read back from the
 * store in order ({@code seq} past {@link HostRecord#lastSeqInMemory()}) when the host's window
 * runs dry. Once a host has spilled a URL, every later URL of that host spills too until the
 * store side is drained, which keeps each host's queue in order.
 *
 * <p>Not thread-safe: owned by the crawl's loop, like the host records. Time is passed in
 * (nanoseconds of the loop's clock).
 */
public final class Frontier {

    private record Slot(long at, long order, HostRecord host) {
    }

    private final Map<String, HostRecord> hosts = new HashMap<>();
    private final PriorityQueue<Slot> heap = new PriorityQueue<>((a, b) -> a.at != b.at
            ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
    private final Function<String, Throttle> throttles;
    private final int windowPerHost;
    private final int windowTotal;
    private long order;
    private long inMemory;
    private long spilledTotal;
    private long waitingTotal;
    /** Hands out no more queued URLs this run (the page limit is reached): see {@link #closeQueues}. */
    private boolean closed;
    /** Hosts that hand out no more queued URLs this run (their page limit is reached): see {@link #closeQueue}. */
    private final java.util.Set<HostRecord> closedHosts = new java.util.HashSet<>();

    /**
     * An empty frontier.
     *
     * @param throttles     makes the throttle of a new host (from its origin)
     * @param windowPerHost the most URLs kept in memory per host
     * @param windowTotal   the most URLs kept in memory in all
     */
    public Frontier(Function<String, Throttle> throttles, int windowPerHost, int windowTotal) {
        this.throttles = throttles;
        this.windowPerHost = windowPerHost;
        this.windowTotal = windowTotal;
    }

    /**
     * The record of a host, made if new.
     *
     * @param origin {@code scheme://host[:port]}
     * @return its record
     */
    public HostRecord host(String origin) {
        return hosts.computeIfAbsent(origin, o -> new HostRecord(o, throttles.apply(o)));
    }

    /**
     * The record of a host, if it has one.
     *
     * @param origin {@code scheme://host[:port]}
     * @return its record, or null
     */
    public HostRecord existingHost(String origin) {
        return hosts.get(origin);
    }

    /** {@return every host record} */
    public Collection<HostRecord> hosts() {
        return hosts.values();
    }

    /** {@return URLs queued in all: in memory, spilled, waiting for a retry or a redirect turn} */
    public long queued() {
        return inMemory + spilledTotal + waitingTotal;
    }

    /** {@return URLs held in memory (windows)} */
    public long inMemory() {
        return inMemory;
    }

    /**
     * Queues an admitted URL behind the others of its host (the caller has written it, or will
     * write it, to the store's frontier table).
     *
     * @param e   the entry
     * @param now the loop's clock
     * @return true if kept in memory, false if spilled to the store
     */
    public boolean enqueue(FrontierEntry e, long now) {
        HostRecord h = host(e.origin());
        h.admitted++;
        if (closed || closedHosts.contains(h)) {
            return false; // its row waits in the store's frontier table for a later run
        }
        boolean keep = h.spilled == 0 && h.window.size() < windowPerHost && inMemory < windowTotal;
        if (keep) {
            h.window.add(e);
            h.lastSeqInMemory = Math.max(h.lastSeqInMemory, e.seq());
            inMemory++;
        } else {
            h.spilled++;
            spilledTotal++;
        }
        reschedule(h, now);
        return keep;
    }

    /**
     * Restores a host's queue and budget from the store on resume: all its queued URLs are on
     * the store side.
     *
     * @param origin   the host's origin
     * @param queued   its URLs in the store's frontier table
     * @param stored   its pages already stored
     * @param delayNanos its saved adaptive delay
     * @param limit    its saved adaptive concurrency, or 0 when not known
     * @param refusedNanos the delay it last struggled at, or -1
     * @param blockedUntil the loop time until which its saved Retry-After blocks it (in the past
     *                 when none)
     * @param now      the loop's clock
     */
    public void restore(String origin, long queued, long stored, long delayNanos, int limit, long refusedNanos,
            long blockedUntil, long now) {
        HostRecord h = host(origin);
        h.spilled += queued;
        spilledTotal += queued;
        h.stored = stored;
        h.admitted = stored + queued;
        h.throttle().restore(delayNanos, limit, refusedNanos);
        h.blockedUntil = Math.max(h.blockedUntil, blockedUntil);
        reschedule(h, now);
    }

    /**
     * The next host whose turn has come, taken off the heap; null if none is due at {@code now}.
     * The caller gives it a turn (or not) and then calls {@link #reschedule}.
     *
     * @param now the loop's clock
     * @return a host, or null
     */
    public HostRecord pollReady(long now) {
        while (!heap.isEmpty()) {
            Slot s = heap.peek();
            if (s.host.heapAt != s.at) {
                heap.poll(); // stale
                continue;
            }
            if (s.at > now) {
                return null;
            }
            heap.poll();
            s.host.heapAt = Long.MIN_VALUE;
            return s.host;
        }
        return null;
    }

    /** {@return the loop time of the earliest turn in the heap, or {@code Long.MAX_VALUE} if none} */
    public long nextReadyAt() {
        while (!heap.isEmpty()) {
            Slot s = heap.peek();
            if (s.host.heapAt != s.at) {
                heap.poll();
                continue;
            }
            return s.at;
        }
        return Long.MAX_VALUE;
    }

    /**
     * Puts a host back in the heap at its next turn (or leaves it out if it has none until
     * something changes). Call after anything that changes when a host may go.
     *
     * @param h   the host
     * @param now the loop's clock
     */
    public void reschedule(HostRecord h, long now) {
        long at = h.readyAt(now);
        if (at == Long.MAX_VALUE) {
            h.heapAt = Long.MIN_VALUE;
            return;
        }
        if (h.heapAt == at) {
            return;
        }
        h.heapAt = at;
        heap.add(new Slot(at, order++, h));
    }

    /**
     * The next visit of a host that may start now: a due retry or redirect first, else the next
     * queued URL. Null if nothing is due (its window is empty: see {@link HostRecord#needsRefill()}).
     *
     * @param h   the host
     * @param now the loop's clock
     * @return a visit, or null
     */
    public Visit take(HostRecord h, long now) {
        Visit w = h.waiting.peek();
        if (w != null && w.notBefore() <= now) {
            waitingTotal--;
            return h.waiting.poll();
        }
        FrontierEntry e = h.window.poll();
        if (e == null) {
            return null;
        }
        inMemory--;
        return new Visit(e);
    }

    /**
     * Puts a visit back: a retry or a redirect hop, due at its {@link Visit#notBefore()}.
     *
     * @param v   the visit
     * @param now the loop's clock
     */
    public void requeue(Visit v, long now) {
        HostRecord h = host(UrlNormalizer.origin(v.target()));
        h.waiting.add(v);
        waitingTotal++;
        reschedule(h, now);
    }

    /**
     * A request to the host starts now: counts it in flight and sets when the next may start.
     *
     * @param h   the host
     * @param now the loop's clock
     */
    public void started(HostRecord h, long now) {
        h.inFlight++;
        spaced(h, now);
    }

    /**
     * One more request of a turn already counted in flight starts now (a sitemap read while
     * robots.txt is being handled): sets when the next may start.
     *
     * @param h   the host
     * @param now the loop's clock
     */
    public void spaced(HostRecord h, long now) {
        h.lastStartAt = now;
        h.nextStartAt = now + h.throttle().delayNanos();
    }

    /**
     * The host's throttle just slowed down: the next request waits the new delay from now.
     *
     * @param h   the host
     * @param now the loop's clock
     */
    public void slowedDown(HostRecord h, long now) {
        h.nextStartAt = Math.max(h.nextStartAt, now + h.throttle().delayNanos());
        reschedule(h, now);
    }

    /**
     * The host's throttle just shortened its delay (a success, or a slow-down undone): the next
     * request may start the new delay after the last one, instead of the delay in force when the
     * last one started. While a slowed host recovers, one answer comes back per gap; without this
     * every gap would be one answer late, a quarter longer than the throttle says.
     *
     * @param h   the host
     * @param now the loop's clock
     */
    public void spedUp(HostRecord h, long now) {
        long next = h.lastStartAt + h.throttle().delayNanos();
        if (next < h.nextStartAt) {
            h.nextStartAt = next;
            reschedule(h, now);
        }
    }

    /**
     * A request to the host ended.
     *
     * @param h   the host
     * @param now the loop's clock
     */
    public void finished(HostRecord h, long now) {
        h.inFlight--;
        reschedule(h, now);
    }

    /**
     * A page of the host was stored (its budget counts it).
     *
     * @param h the host
     */
    public void stored(HostRecord h) {
        h.stored++;
    }

    /**
     * Blocks the host until a time (Retry-After).
     *
     * @param h     the host
     * @param until the loop time
     * @param now   the loop's clock
     */
    public void block(HostRecord h, long until, long now) {
        h.blockedUntil = Math.max(h.blockedUntil, until);
        reschedule(h, now);
    }

    /**
     * Sets the host aside for this run: its queued URLs stay in the store's frontier table for a
     * later {@code --resume}.
     *
     * @param h      the host
     * @param reason why (shown in the stats)
     * @return the visits that were waiting (retries, redirect hops): the caller puts their pages back
     */
    public List<Visit> defer(HostRecord h, String reason) {
        h.deferred = true;
        h.deferredReason = reason;
        inMemory -= h.window.size();
        spilledTotal -= h.spilled;
        waitingTotal -= h.waiting.size();
        h.window.clear();
        h.spilled = 0;
        List<Visit> visits = new ArrayList<>(h.waiting);
        h.waiting.clear();
        h.heapAt = Long.MIN_VALUE;
        return visits;
    }

    /**
     * Hands out no more queued URLs for the rest of this run: the crawl's page limit is reached
     * (on resume it can be lower than the limit the URLs were queued under). Every host's window
     * and spilled URLs are dropped from memory — their rows stay in the store's frontier table,
     * for a later resume with a higher limit — and so is anything queued or refilled from now on.
     * Retries and redirect hops of pages already started stay and are handed out as before.
     *
     * @param now the loop's clock
     * @return how many queued URLs were dropped
     */
    public long closeQueues(long now) {
        closed = true;
        long dropped = 0;
        for (HostRecord h : hosts.values()) {
            dropped += dropQueue(h, now);
        }
        return dropped;
    }

    /**
     * Like {@link #closeQueues}, for one host: its page limit ({@code maxPagesPerHost}) is reached.
     *
     * @param h   the host
     * @param now the loop's clock
     * @return how many queued URLs were dropped
     */
    public long closeQueue(HostRecord h, long now) {
        closedHosts.add(h);
        return dropQueue(h, now);
    }

    private long dropQueue(HostRecord h, long now) {
        long dropped = h.window.size() + h.spilled;
        inMemory -= h.window.size();
        spilledTotal -= h.spilled;
        h.window.clear();
        h.spilled = 0;
        reschedule(h, now); // out of the heap unless a retry waits
        return dropped;
    }

    // ------------------------------------------------------------------ robots

    /**
     * Its robots.txt is being fetched (the turn that does it counts as a request in flight).
     *
     * @param h   the host
     * @param now the loop's clock
     */
    public void robotsFetching(HostRecord h, long now) {
        h.robotsState = HostRecord.RobotsState.FETCHING;
        started(h, now);
    }

    /**
     * Its robots.txt came back (rules, or unavailable: allow all).
     *
     * @param h      the host
     * @param robots the rules
     * @param now    the loop's clock
     */
    public void robotsReady(HostRecord h, RobotsPolicy.Robots robots, long now) {
        h.robots = robots;
        h.robotsState = HostRecord.RobotsState.READY;
        h.robotsFetchedAt = now;
        h.robotsFailures = 0;
        h.robotsNote = null;
        long delay = robots.crawlDelayMillis();
        if (delay > 0) {
            h.throttle().raiseFloor(delay * 1_000_000L);
        }
        finished(h, now);
    }

    /**
     * Its robots.txt could not be read: nothing is allowed until {@code retryAt}.
     *
     * @param h       the host
     * @param robots  the disallow-all rules
     * @param retryAt when to ask again
     * @param now     the loop's clock
     * @return how many times in a row it failed
     */
    public int robotsUnreachable(HostRecord h, RobotsPolicy.Robots robots, long retryAt, long now) {
        h.robots = robots;
        h.robotsState = HostRecord.RobotsState.UNREACHABLE;
        h.robotsFailures++;
        h.robotsRetryAt = retryAt;
        finished(h, now);
        return h.robotsFailures;
    }

    /**
     * Its robots.txt could not be read and the tries are spent: everything stays disallowed (its
     * URLs are stored as refused, with the note, never requested) until the rules expire.
     *
     * @param h      the host
     * @param robots the disallow-all rules
     * @param note   why, for the stored rows
     * @param now    the loop's clock
     */
    public void robotsGaveUp(HostRecord h, RobotsPolicy.Robots robots, String note, long now) {
        h.robots = robots;
        h.robotsState = HostRecord.RobotsState.READY;
        h.robotsFetchedAt = now;
        h.robotsNote = note;
        finished(h, now);
    }

    /**
     * Makes its robots.txt due again (its rules are older than the cache time).
     *
     * @param h the host
     */
    public void robotsExpired(HostRecord h) {
        h.robotsState = HostRecord.RobotsState.UNKNOWN;
    }

    /**
     * When its rules were fetched.
     *
     * @param h the host
     * @return the loop time
     */
    public long robotsFetchedAt(HostRecord h) {
        return h.robotsFetchedAt;
    }

    // ------------------------------------------------------------------ refills

    /**
     * A refill from the store starts: the host waits for it. Call it when the refill's read is
     * submitted, after every frontier row queued so far (the store reads what is committed by then).
     *
     * @param h the host
     */
    public void refillStarted(HostRecord h) {
        h.refilling = true;
        h.spilledAtRefill = h.spilled;
    }

    /**
     * A refill came back from the store: the next spilled URLs of the host, in order.
     *
     * @param h       the host
     * @param entries the entries read (seq past {@link HostRecord#lastSeqInMemory()})
     * @param asked   how many were asked for
     * @param now     the loop's clock
     */
    public void refilled(HostRecord h, List<FrontierEntry> entries, int asked, long now) {
        h.refilling = false;
        if (h.deferred || closed || closedHosts.contains(h)) {
            return; // set aside, or the page limit reached, meanwhile: its URLs stay in the store
        }
        for (FrontierEntry e : entries) {
            h.window.add(e);
            h.lastSeqInMemory = Math.max(h.lastSeqInMemory, e.seq());
        }
        inMemory += entries.size();
        long taken = Math.min(h.spilled, entries.size());
        if (entries.size() < asked) {
            // The store had no more when it was asked: whatever the count said then is drained. URLs
            // spilled while the refill was under way were not committed yet when the store read its
            // rows; they stay counted, and the next refill reads them.
            taken = Math.min(h.spilled, h.spilledAtRefill);
        }
        h.spilled -= taken;
        spilledTotal -= taken;
        reschedule(h, now);
    }

    /** {@return the most URLs kept in memory per host} */
    public int windowPerHost() {
        return windowPerHost;
    }
}
