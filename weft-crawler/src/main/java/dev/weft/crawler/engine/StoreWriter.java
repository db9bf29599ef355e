package dev.weft.crawler.engine;

import dev.weft.EventLoop;
import dev.weft.Future;
import dev.weft.TimerHandle;
import dev.weft.crawler.frontier.FrontierEntry;
import dev.weft.crawler.store.Batch;
import dev.weft.crawler.store.HostRow;
import dev.weft.crawler.store.ItemRow;
import dev.weft.crawler.store.PageRecord;
import dev.weft.crawler.store.Store;
import dev.weft.crawler.store.StoreException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The commit pipeline: gathers pages, their new frontier rows, items and host rows into a
 * {@link Batch} on the loop, and commits batches one at a time on the store's own thread (never
 * on the loop: JDBC blocks, SQLite's driver is native code). While one batch commits, the next
 * fills (group commit). A batch goes when it holds {@code batchPages} pages, when
 * {@code maxDelay} has passed, or when asked ({@link #flush()}, a refill, the end).
 *
 * <p>Store work is ordered: everything runs on one thread in submission order, so a refill
 * query submitted after a batch sees it. {@link #needsBackout()} is the engine's back-pressure
 * signal (Scrapy's name): too much waits for the store, stop starting fetches.
 *
 * <p>Loop-only, except where noted. If a commit fails, the writer stops taking work and
 * {@link #failure()} holds the error; the engine stops the crawl. What was committed stays.
 */
public final class StoreWriter {

    private final EventLoop loop;
    private final Store store;
    private final ExecutorService storeThread;
    private final int batchPages;
    private final Duration maxDelay;
    private final Supplier<Batch.CrawlRow> crawlRow;
    private final Consumer<StoreException> onFailure;

    // Loop thread only.
    private Batch current = new Batch();
    private Future<Void> committing;
    private TimerHandle timer;
    private StoreException failure;
    private Runnable committed = () -> { };

    /**
     * A writer.
     *
     * @param loop        the crawl's loop
     * @param store       the store (used on {@code storeThread} only)
     * @param storeThread the store's single thread
     * @param batchPages  pages per batch
     * @param maxDelay    the longest a page waits before its batch goes
     * @param crawlRow    the crawl row to write with each batch
     * @param onFailure   told (on the loop) when a commit fails
     */
    public StoreWriter(EventLoop loop, Store store, ExecutorService storeThread, int batchPages, Duration maxDelay,
            Supplier<Batch.CrawlRow> crawlRow, Consumer<StoreException> onFailure) {
        this.loop = loop;
        this.store = store;
        this.storeThread = storeThread;
        this.batchPages = batchPages;
        this.maxDelay = maxDelay;
        this.crawlRow = crawlRow;
        this.onFailure = onFailure;
    }

    /**
     * What to run (on the loop) after each commit that succeeds: the engine pumps again, since a
     * commit is what ends {@link #needsBackout()} — without it, a crawl held back while its last
     * requests finished would wait for ever with URLs still queued.
     *
     * @param r the callback
     */
    public void onCommitted(Runnable r) {
        assert loop.holdsLoop();
        committed = r;
    }

    /**
     * Queues a new frontier row.
     *
     * @param e the entry
     */
    public void queue(FrontierEntry e) {
        assert loop.holdsLoop();
        current.queue(e);
        maybeFlush();
    }

    /**
     * Stores a page, with its items and its host's new row.
     *
     * @param page  the page
     * @param items its items
     * @param host  its host's row
     */
    public void store(PageRecord page, List<ItemRow> items, HostRow host) {
        assert loop.holdsLoop();
        current.store(page);
        items.forEach(current::item);
        if (host != null) {
            current.host(host);
        }
        maybeFlush();
    }

    /**
     * Updates a host's row (a deferral, a new delay).
     *
     * @param host the row
     */
    public void host(HostRow host) {
        assert loop.holdsLoop();
        current.host(host);
        maybeFlush();
    }

    /**
     * Sends the current batch now (after the one committing, if any).
     *
     * @return done when it is committed
     */
    public Future<Void> flush() {
        assert loop.holdsLoop();
        return send(true);
    }

    /**
     * Reads the next queued URLs of a host from the store, after everything queued so far is
     * committed.
     *
     * @param host     the origin
     * @param afterSeq rows past this sequence number
     * @param limit    at most this many
     * @return the entries, in order
     */
    public Future<List<FrontierEntry>> refill(String host, long afterSeq, int limit) {
        assert loop.holdsLoop();
        send(true);
        return loop.runInExecutor(storeThread, () -> store.frontier(host, afterSeq, limit));
    }

    /**
     * Runs a store call on the store's thread, after everything queued so far.
     *
     * @param call the call
     * @param <T>  its result
     * @return its result
     */
    public <T> Future<T> onStoreThread(dev.weft.Coroutine<T> call) {
        return loop.runInExecutor(storeThread, call);
    }

    /** {@return true if too much waits for the store: start no new fetches until it catches up} */
    public boolean needsBackout() {
        return committing != null && current.pages().size() >= 4 * batchPages;
    }

    /** {@return the error of a failed commit, or null} */
    public StoreException failure() {
        return failure;
    }

    /** {@return pages in the batch being filled} */
    public int pending() {
        return current.pages().size();
    }

    private void maybeFlush() {
        if (current.pages().size() >= batchPages || current.frontier().size() >= 20 * batchPages) {
            send(false);
        } else if (timer == null && !current.isEmpty()) {
            timer = loop.callLater(maxDelay, () -> {
                timer = null;
                send(false);
            });
        }
    }

    /**
     * Sends the current batch if no other is committing (else it goes when that one is done);
     * with {@code force}, queues it behind the committing one at once.
     */
    private Future<Void> send(boolean force) {
        if (failure != null) {
            return Future.failed(failure);
        }
        if (committing != null && !force) {
            return committing;
        }
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        Batch b = current;
        current = new Batch();
        b.crawl(crawlRow.get());
        Future<Void> f = loop.runInExecutor(storeThread, () -> {
            store.commit(b);
            return null;
        });
        committing = f;
        f.addDoneCallback(done -> {
            if (committing == done) {
                committing = null;
            }
            if (done.state() == Future.State.FAILED) {
                Throwable t = done.exception();
                StoreException e = t instanceof StoreException se ? se
                        : new StoreException("cannot write to " + store.describe() + ": " + t, t);
                if (failure == null) {
                    failure = e;
                    onFailure.accept(e);
                }
                return;
            }
            if (committing == null && (current.pages().size() >= batchPages
                    || current.frontier().size() >= 20 * batchPages)) {
                send(false);
            } else if (committing == null && !current.isEmpty() && timer == null) {
                timer = loop.callLater(maxDelay, () -> {
                    timer = null;
                    send(false);
                });
            }
            committed.run();
        });
        return f;
    }

    /** Stops the flush timer (the engine flushes one last time itself). */
    public void close() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }
}
