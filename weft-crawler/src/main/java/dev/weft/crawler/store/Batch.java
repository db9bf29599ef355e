package dev.weft.crawler.store;

import dev.weft.crawler.frontier.FrontierEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one transaction commits: pages stored (each deletes its own frontier row), the URLs they
 * discovered (new frontier rows), their items, the hosts whose state changed, and the crawl's
 * row. A store applies it all or nothing, in this order: frontier inserts, pages, items, frontier
 * deletes, hosts, crawl — so a URL discovered and stored within one batch ends up stored and not
 * queued. Built on the crawl's loop, then handed to the store's thread (not shared after).
 */
public final class Batch {

    /**
     * The crawl row's values.
     *
     * @param state    where the crawl stands
     * @param seeds    its seed URLs
     * @param settings its settings as JSON (written with the starting row; null in later rows)
     * @param nextSeq  the next frontier sequence number
     * @param stats    its counters as JSON
     * @param starting true for the first row of a new crawl (the previous crawl's frontier and
     *                 hosts are cleared, and the start time is set)
     */
    public record CrawlRow(StoredCrawl.State state, List<String> seeds, String settings, long nextSeq, String stats,
            boolean starting) {
    }

    private final List<FrontierEntry> frontier = new ArrayList<>();
    private final List<PageRecord> pages = new ArrayList<>();
    private final List<ItemRow> items = new ArrayList<>();
    private final Map<String, HostRow> hosts = new LinkedHashMap<>();
    private CrawlRow crawl;

    /** An empty batch. */
    public Batch() {
    }

    /**
     * Queues a URL (a new frontier row; ignored if the row exists).
     *
     * @param e the entry
     */
    public void queue(FrontierEntry e) {
        frontier.add(e);
    }

    /**
     * Stores a page (an upsert keyed by its URL) and deletes its frontier row.
     *
     * @param p the record
     */
    public void store(PageRecord p) {
        pages.add(p);
    }

    /**
     * Stores an item of a page.
     *
     * @param item the row
     */
    public void item(ItemRow item) {
        items.add(item);
    }

    /**
     * Upserts a host's row (the last one given per host wins).
     *
     * @param h the row
     */
    public void host(HostRow h) {
        hosts.put(h.host(), h);
    }

    /**
     * Sets the crawl row.
     *
     * @param c the row
     */
    public void crawl(CrawlRow c) {
        crawl = c;
    }

    /** {@return the new frontier rows} */
    public List<FrontierEntry> frontier() {
        return frontier;
    }

    /** {@return the page rows} */
    public List<PageRecord> pages() {
        return pages;
    }

    /** {@return the item rows} */
    public List<ItemRow> items() {
        return items;
    }

    /** {@return the host rows} */
    public List<HostRow> hosts() {
        return List.copyOf(hosts.values());
    }

    /** {@return the crawl row, or null if unchanged} */
    public CrawlRow crawl() {
        return crawl;
    }

    /** {@return true if there is nothing to write} */
    public boolean isEmpty() {
        return frontier.isEmpty() && pages.isEmpty() && items.isEmpty() && hosts.isEmpty() && crawl == null;
    }

    /** {@return how many rows it writes (pages and frontier rows)} */
    public int size() {
        return frontier.size() + pages.size();
    }
}
