package dev.weft.crawler.store;

import dev.weft.crawler.frontier.FrontierEntry;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where a crawl keeps its pages <em>and</em> its state: the {@code pages} table and the
 * {@code frontier}, {@code hosts}, {@code items} and {@code crawl} tables that make a crawl
 * resumable after {@code kill -9} (see docs/crawler.md, "Schema" and "Resume"). Made by
 * {@link Stores#open(String)} from a URI: {@code sqlite:PATH}, {@code postgresql://…},
 * {@code mysql://…}, {@code jsonl:PATH}.
 *
 * <p><b>Threads.</b> A store is used by one thread at a time — the crawler calls every method
 * on its own store thread, in order, never on a loop (drivers block, SQLite's is native code).
 *
 * <pre>
 *   open() --> [resume: forEachKnownUrl, queuedByHost, hosts] --> commit()* / frontier()* --> close()
 * </pre>
 */
public interface Store extends AutoCloseable {

    /** {@return the store's URI, without any password (for messages)} */
    String describe();

    /**
     * Connects, creates the tables that are missing, checks that it can write, and says what
     * crawl it holds.
     *
     * @return the stored crawl ({@link StoredCrawl#none()} if none)
     * @throws StoreException if it cannot be opened or written, with a message saying why
     */
    StoredCrawl open();

    /**
     * Applies a batch in one transaction (all or nothing).
     *
     * @param batch the batch
     * @throws StoreException if it fails (nothing of the batch is then stored)
     */
    void commit(Batch batch);

    /**
     * Reads queued URLs of one host, in order.
     *
     * @param host     the origin
     * @param afterSeq read rows with a larger {@code seq}
     * @param limit    at most this many
     * @return the entries, by {@code seq}
     */
    List<FrontierEntry> frontier(String host, long afterSeq, int limit);

    /**
     * Gives every URL the crawl has admitted (stored pages and queued URLs), to rebuild the seen
     * set on resume.
     *
     * @param sink receives each canonical URL
     */
    void forEachKnownUrl(Consumer<String> sink);

    /** {@return queued URLs per host (the frontier's row counts)} */
    Map<String, Long> queuedByHost();

    /** {@return every host row} */
    List<HostRow> hosts();

    /**
     * Closes the connection(s). Idempotent.
     */
    @Override
    void close();
}
