package dev.weft.crawler;

/**
 * Hooks into the engine's steps, for tests that need a witness of the order of events inside
 * the engine (for example, that the loop kept serving while a page was parsed). Package-private;
 * called from the thread where the step happens.
 */
interface EngineTrace {

    /** No hooks. */
    EngineTrace NONE = new EngineTrace() { };

    /**
     * A crawl without a store made a temporary SQLite file for its frontier (on the loop).
     *
     * @param db the file (removed at the end, with what SQLite and the crawl put beside it)
     */
    default void temporaryStore(java.nio.file.Path db) {
    }

    /**
     * A page's parse is handed to the parse pool (on the loop).
     *
     * @param url the page
     */
    default void parseStarted(String url) {
    }

    /**
     * A page's parse ended (on the parse thread).
     *
     * @param url the page
     */
    default void parseEnded(String url) {
    }

    /**
     * A host's queue was read back from the store (on the loop).
     *
     * @param origin  the host
     * @param entries how many URLs came back
     */
    default void refilled(String origin, int entries) {
    }

    /**
     * How many queued URLs the frontier holds in memory, after each round of the scheduler (on
     * the loop).
     *
     * @param urls the count
     */
    default void inMemory(long urls) {
    }

    /**
     * No fetch is in flight and none starts until the parsers catch up: too many pages, or too
     * many bytes of them, wait to be handled (on the loop; again at each turn of the scheduler
     * while it lasts).
     *
     * @param pages the pages fetched and not yet handled
     * @param bytes the bytes of their bodies
     */
    default void parsersBehind(int pages, long bytes) {
    }

    /**
     * A fetch took or gave back its share of the memory for large bodies (on the loop).
     *
     * @param held how many shares are taken now
     */
    default void largeBodies(int held) {
    }

    /** Every seed is admitted (on the loop). */
    default void seedsAdmitted() {
    }
}
