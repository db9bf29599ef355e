package dev.weft.crawler;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.crawler.store.PageRecord;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The crawl's counters. Written on the crawl's loop, read from any thread: every method holds
 * the monitor for a few field updates (uncontended, so cheap), which makes {@link #snapshot}
 * consistent. The totals are saved with every batch (the {@code crawl} row's {@code stats}) and
 * restored on resume.
 */
final class Counters {

    private static final ObjectMapper JSON = new ObjectMapper();

    // Guarded by this.
    private CrawlStats.State state = CrawlStats.State.NEW;
    private long pagesDone;
    private long pagesThisRun;
    private long urlsKnown;
    private int inFlight;
    private long queued;
    private long errors;
    private final Map<Integer, Long> byStatus = new TreeMap<>();
    private long bytes;
    private final Map<String, Long> byErrorKind = new TreeMap<>();
    private long retries;
    private long robotsBlocked;
    private long deduplicated;
    private long filtered;
    private long items;
    private int hosts;
    private long deferred;
    private long responseNanos;
    private long startedNanos = -1;
    private long endedNanos = -1;

    synchronized void state(CrawlStats.State s) {
        state = s;
    }

    synchronized CrawlStats.State state() {
        return state;
    }

    synchronized void started(long nowNanos) {
        startedNanos = nowNanos;
        state = CrawlStats.State.RUNNING;
    }

    synchronized void ended(long nowNanos, CrawlStats.State s) {
        endedNanos = nowNanos;
        state = s;
    }

    synchronized void page(PageRecord p) {
        pagesDone++;
        pagesThisRun++;
        if (p.status() != null) {
            byStatus.merge(p.status(), 1L, Long::sum);
        }
        if (p.error() != null) {
            errors++;
            byErrorKind.merge(p.errorKind(), 1L, Long::sum);
        }
    }

    synchronized void response(long nanos, long bodyBytes) {
        responseNanos += nanos;
        bytes += bodyBytes;
    }

    synchronized void retry() {
        retries++;
    }

    synchronized void robotsBlocked() {
        robotsBlocked++;
    }

    synchronized void deduplicated() {
        deduplicated++;
    }

    synchronized void deduplicated(int n) {
        deduplicated += n;
    }

    synchronized void filtered() {
        filtered++;
    }

    synchronized void items(int n) {
        items += n;
    }

    synchronized void deferred(long n) {
        deferred += n;
    }

    synchronized void gauges(long known, int flying, long queue, int hostCount) {
        urlsKnown = known;
        inFlight = flying;
        queued = queue;
        hosts = hostCount;
    }

    synchronized CrawlStats snapshot(long nowNanos) {
        long end = endedNanos >= 0 ? endedNanos : nowNanos;
        long elapsed = startedNanos < 0 ? 0 : Math.max(0, end - startedNanos);
        double rate = elapsed <= 0 ? 0 : pagesThisRun / (elapsed / 1e9);
        return new CrawlStats(state, pagesDone, pagesThisRun, urlsKnown, inFlight, queued, errors,
                java.util.Collections.unmodifiableMap(new TreeMap<>(byStatus)), bytes,
                java.util.Collections.unmodifiableMap(new TreeMap<>(byErrorKind)), retries, robotsBlocked, deduplicated, filtered,
                items, hosts, deferred, Duration.ofNanos(elapsed), rate, Duration.ofNanos(responseNanos));
    }

    /** The totals as JSON (saved in the crawl row). */
    synchronized String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pages", pagesDone);
        m.put("errors", errors);
        m.put("byStatus", byStatus);
        m.put("bytes", bytes);
        m.put("byErrorKind", byErrorKind);
        m.put("retries", retries);
        m.put("robotsBlocked", robotsBlocked);
        m.put("deduplicated", deduplicated);
        m.put("filtered", filtered);
        m.put("items", items);
        try {
            return JSON.writeValueAsString(m);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Restores the totals saved by {@link #toJson()} (unknown or missing keys are left at 0). */
    synchronized void restore(String json) {
        if (json == null || json.isBlank()) {
            return;
        }
        try {
            Map<String, Object> m = JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
            pagesDone = num(m.get("pages"));
            errors = num(m.get("errors"));
            bytes = num(m.get("bytes"));
            retries = num(m.get("retries"));
            robotsBlocked = num(m.get("robotsBlocked"));
            deduplicated = num(m.get("deduplicated"));
            filtered = num(m.get("filtered"));
            items = num(m.get("items"));
            // responseNanos is not restored: like elapsed, it is this run's (so the speed-up compares like with like)
            if (m.get("byStatus") instanceof Map<?, ?> bs) {
                bs.forEach((k, v) -> byStatus.put(Integer.valueOf(k.toString()), num(v)));
            }
            if (m.get("byErrorKind") instanceof Map<?, ?> be) {
                be.forEach((k, v) -> byErrorKind.put(k.toString(), num(v)));
            }
        } catch (java.io.IOException | RuntimeException e) {
            // informative only: a crawl resumes without its old counters
        }
    }

    private static long num(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }
}
