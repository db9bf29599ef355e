package dev.weft.crawler.store;

import java.util.List;

/**
 * The crawl a store holds (its {@code crawl} row), as found when it is opened. Immutable.
 *
 * @param state     where it stands
 * @param seeds     its seed URLs
 * @param settings  its settings as JSON (informative)
 * @param nextSeq   the next frontier sequence number
 * @param stats     its counters as JSON (see the crawler's stats), or null
 * @param startedAt when it started (ISO-8601 UTC), or null if none
 * @param pages     rows in {@code pages}
 * @param queued    rows in {@code frontier}
 */
public record StoredCrawl(State state, List<String> seeds, String settings, long nextSeq, String stats,
        String startedAt, long pages, long queued) {

    /** Where a stored crawl stands. */
    public enum State {
        /** The store holds no crawl. */
        NONE,
        /** Running, or killed while running: unfinished. */
        RUNNING,
        /** Stopped cleanly before the end (Ctrl-C, {@code stop()}, hosts deferred): unfinished. */
        STOPPED,
        /** Ran to its end (frontier empty, or a limit reached). */
        FINISHED;

        /** {@return true for a crawl that {@code --resume} continues} */
        public boolean unfinished() {
            return this == RUNNING || this == STOPPED;
        }
    }

    /** {@return an empty store's answer} */
    public static StoredCrawl none() {
        return new StoredCrawl(State.NONE, List.of(), null, 0, null, null, 0, 0);
    }
}
