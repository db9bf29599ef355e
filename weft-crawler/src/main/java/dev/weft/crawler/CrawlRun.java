package dev.weft.crawler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import crawlercommons.sitemaps.AbstractSiteMap;
import crawlercommons.sitemaps.SiteMap;
import crawlercommons.sitemaps.SiteMapIndex;
import crawlercommons.sitemaps.SiteMapParser;
import crawlercommons.sitemaps.SiteMapURL;
import dev.weft.CancelledException;
import dev.weft.Coroutine;
import dev.weft.EventLoop;
import dev.weft.Future;
import dev.weft.Task;
import dev.weft.TaskFailedException;
import dev.weft.TimerHandle;
import dev.weft.Weft;
import dev.weft.crawler.engine.Backoff;
import dev.weft.crawler.engine.StoreWriter;
import dev.weft.crawler.engine.Turns;
import dev.weft.crawler.fetch.AddressGuard;
import dev.weft.crawler.fetch.ErrorKind;
import dev.weft.crawler.fetch.FetchResult;
import dev.weft.crawler.fetch.Fetcher;
import dev.weft.crawler.frontier.Frontier;
import dev.weft.crawler.frontier.FrontierEntry;
import dev.weft.crawler.frontier.HostRecord;
import dev.weft.crawler.frontier.Sieve;
import dev.weft.crawler.frontier.UrlNormalizer;
import dev.weft.crawler.frontier.UrlRules;
import dev.weft.crawler.frontier.Visit;
import dev.weft.crawler.parse.PageParser;
import dev.weft.crawler.parse.ParsedPage;
import dev.weft.crawler.politeness.RetryAfter;
import dev.weft.crawler.politeness.RobotsPolicy;
import dev.weft.crawler.politeness.Throttle;
import dev.weft.crawler.store.Batch;
import dev.weft.crawler.store.HostRow;
import dev.weft.crawler.store.ItemRow;
import dev.weft.crawler.store.PageRecord;
import dev.weft.crawler.store.SqlStore;
import dev.weft.crawler.store.Store;
import dev.weft.crawler.store.StoreException;
import dev.weft.crawler.store.StoredCrawl;
import dev.weft.crawler.store.Stores;
import dev.weft.http.client.ClientSession;
import dev.weft.net.Resolver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a crawl: the engine. It follows the data flow of docs/crawler.md
 * ("Architecture"); the numbers in the comments below are the steps of that page.
 *
 * <pre>
 *  run(): open store -> (resume: rebuild sieve + frontier) -> seeds -> pump ... -> end -> flush -> close
 *
 *  phase:  STARTING --> RUNNING --(frontier empty, limits)--> DONE(FINISHED)
 *                          |
 *                          +--(stop, Ctrl-C)--> STOPPING --(in flight done / grace over)--> DONE(STOPPED)
 *                          +--(store fails)-----------------------------------------------> DONE(FAILED)
 * </pre>
 *
 * <p><b>Threads.</b> Everything here runs on the crawl's loop (the loop of the task that called
 * {@link #run()}): the frontier, the sieve, the counters of work in flight, and every fetch task.
 * Parsing runs on {@code parsePool}, the store on {@code storeThread}; their results come back as
 * futures awaited by tasks of the loop. So no field needs a lock; loop-only methods assert it.
 */
final class CrawlRun {

    private static final Logger LOG = LoggerFactory.getLogger(CrawlRun.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long ROBOTS_TTL_NANOS = Duration.ofHours(24).toNanos();
    private static final int BATCH_PAGES = 200;
    private static final Duration BATCH_DELAY = Duration.ofMillis(200);
    private static final int REFILL_SIZE = 500;
    private static final int MAX_REFILLS = 8;
    private static final int MAX_SITEMAPS = 50;
    private static final long NO_TICKET = -1;
    /** The largest page whose links wait for the pages answered before it (see complete). */
    private static final int ORDERED_PARSE_MAX = 256 * 1024;
    /** What parsing a page costs in memory, in times its bytes (its tree and its links). */
    static final int PARSE_COST = 8;
    /** The largest robots.txt parsed on the loop (about 70 us, see readRobots); larger ones go to the parse pool. */
    static final int ROBOTS_ON_LOOP_MAX = 4 * 1024;
    /** Seed hosts resolved at once at the start (see connectionResolver). */
    private static final int SEED_LOOKUPS_AT_ONCE = 32;
    /** How long seeds are admitted before the loop gets a turn (see admitSeeds): real time, not the loop's clock. */
    private static final long SEEDS_TURN_NANOS = 1_000_000;
    /** URLs kept per sitemap file: the sitemaps protocol's limit (sitemaps.org). */
    static final int MAX_SITEMAP_URLS = 50_000;
    private static final AtomicInteger RUNS = new AtomicInteger();

    private enum Phase { STARTING, RUNNING, STOPPING, DONE }

    private final CrawlConfig cfg;
    private final Counters counters;
    private final EventLoop loop;
    private final int id = RUNS.incrementAndGet();
    private final UrlNormalizer normalizer;
    private final PageParser parser;
    private final RobotsPolicy robotsPolicy;
    private final Backoff backoff = Backoff.DEFAULT;
    private final ExecutorService storeThread;
    private final ExecutorService parsePool;
    private final Future<CrawlStats.State> done;
    private Store store;
    private Path temporaryStore;

    // Loop thread only.
    private Phase phase = Phase.STARTING;
    private UrlRules rules;
    private Frontier frontier;
    private Sieve sieve;
    private StoreWriter writer;
    private ClientSession session;
    private Fetcher fetcher;
    private Fetcher robotsFetcher;
    private List<String> seeds;
    private boolean freshCrawl;
    private boolean crawlRowWritten;
    private long nextSeq;
    private long admitted;
    /**
     * New pages this run may still start: {@code maxPages} less the pages stored before it. The
     * admission limit ({@code admitted}) keeps a fresh crawl within {@code maxPages}; this one
     * holds when a resume lowers it below what was admitted under the old limit.
     */
    private long pageBudget;
    /**
     * Per host (origin), the pages started this run and not stored yet: with the host's stored
     * pages, what {@code maxPagesPerHost} bounds when a resume lowers it.
     */
    private final Map<String, Long> pendingPages = new java.util.HashMap<>();
    private int inFlight;
    /** Pages fetched and not yet handled, and the bytes of their bodies (see needsBackout). */
    private int processing;
    private long processingBytes;
    /** Four times the concurrency, at least 64: the parsers may lag that far behind the fetches. */
    private final int maxProcessing;
    /** Sixteen bodies of the largest size a page may have. */
    private final long maxProcessingBytes;
    /** Parsed pages admit their links in the order their answers came in (see complete). */
    private final Turns linkTurns;
    /** True while {@link #admitSeeds} runs: the crawl cannot end before every seed is in. */
    private boolean admittingSeeds;
    private int refills;
    private final Set<Task<?>> tasks = new HashSet<>();
    /** What a task gives back if it is cancelled before its first step (its body's finally never runs). */
    private final Map<Task<?>, Runnable> notStarted = new java.util.HashMap<>();
    private final java.util.ArrayDeque<HostRecord> refillQueue = new java.util.ArrayDeque<>();
    private boolean stopRequested;
    private TimerHandle wake;
    private long wakeAt = Long.MAX_VALUE;
    private TimerHandle progress;
    private TimerHandle grace;
    private boolean pumping;
    private boolean repump;
    private RuntimeException failure; // a StoreException, or a CrawlFailedException
    private dev.weft.sync.Semaphore largeBodies; // null: no limit (see largeBodyPermits)
    private int largeHeld; // its permits taken
    private dev.weft.sync.Semaphore largeParses; // null: no limit (see largeParsePermits)

    CrawlRun(CrawlConfig cfg, Counters counters, EventLoop loop) {
        this.cfg = cfg;
        this.counters = counters;
        this.loop = loop;
        this.normalizer = new UrlNormalizer(cfg.sortQuery());
        this.parser = new PageParser(normalizer, cfg.fields(), cfg.followNofollow(), !cfg.ignoreRobots());
        this.maxProcessing = (int) Math.min(Integer.MAX_VALUE, Math.max(64L, 4L * cfg.concurrency()));
        this.maxProcessingBytes = cfg.maxBodySize() > Long.MAX_VALUE / 16 ? Long.MAX_VALUE : 16 * cfg.maxBodySize();
        this.robotsPolicy = new RobotsPolicy(cfg.userAgent());
        this.storeThread = Executors.newSingleThreadExecutor(r -> daemon(r, "weft-crawler-" + id + "-store"));
        int parsers = Math.max(1, Runtime.getRuntime().availableProcessors());
        AtomicInteger n = new AtomicInteger();
        this.parsePool = Executors.newFixedThreadPool(parsers,
                r -> daemon(r, "weft-crawler-" + id + "-parse-" + n.incrementAndGet()));
        this.done = new Future<>(loop);
        this.linkTurns = new Turns(loop);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    // ------------------------------------------------------------------ run

    /** Runs the crawl to its end; called once, from a task of {@code loop}. */
    CrawlStats run() {
        counters.started(loop.nanoTime());
        warmUpRobotsParser();
        try {
            try {
                open();
            } catch (CancelledException e) {
                counters.ended(loop.nanoTime(), CrawlStats.State.STOPPED);
                throw e;
            }
            phase = Phase.RUNNING;
            progress = loop.callLater(cfg.progressInterval(), this::progressTick);
            if (failure != null) { // the first commit (the crawl row) failed already
                crawlFailed(failure);
            } else if (stopRequested) {
                requestStop();
            }
            CancelledException early = admitSeeds();
            pump();
            CancelledException cancelled = awaitEnd(early);
            CrawlStats.State end = done.result();
            finish(end);
            if (cancelled != null) {
                throw cancelled;
            }
            if (failure != null) {
                throw failure;
            }
            return counters.snapshot(loop.nanoTime());
        } finally {
            shutdown();
        }
    }

    /**
     * (1a) Has a parse thread run crawler-commons' robots.txt parser once on a made-up robots.txt,
     * while the store opens and the first robots.txt are on their way: the first real one, parsed
     * on the loop (see readRobots), does not load and initialise the parser there.
     */
    private void warmUpRobotsParser() {
        parsePool.execute(() -> {
            try {
                robotsPolicy.parsed("http://warm-up.invalid/robots.txt", WARM_UP_ROBOTS, "text/plain");
            } catch (RuntimeException e) {
                LOG.debug("warming the robots.txt parser up failed (the crawl goes on without)", e);
            }
        });
    }

    private static final byte[] WARM_UP_ROBOTS = """
            User-agent: *
            Disallow: /private/
            Allow: /private/open.html
            Crawl-delay: 1
            Sitemap: http://warm-up.invalid/sitemap.xml
            """.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * (1b) Admits the seeds: each host's first, then the others in their order; every
     * millisecond ({@link #SEEDS_TURN_NANOS}) it lets the hosts start (robots.txt first) and
     * yields, so that a list of 100,000 seeds does not hold up the first requests. (Every 1,000
     * seeds was 20-35 ms in a fresh JVM: the robots.txt requests of 50 hosts, their connections
     * open, left only then.) Then opens the connections of the hosts
     * whose robots.txt is on its way (see preconnect). A stop meanwhile ends the admission: the crawl row holds every seed, and a resume
     * admits those not stored. Returns a cancellation that came meanwhile (the crawl is stopping).
     */
    private CancelledException admitSeeds() {
        admittingSeeds = true;
        try {
            if (pageBudget <= 0) { // resumed with maxPages at or below the pages stored: nothing more is fetched
                for (String s : seeds) {
                    admitSeed(s, loop.nanoTime());
                }
                pageLimitReached(loop.nanoTime());
                return null;
            }
            for (HostRecord h : List.copyOf(frontier.hosts())) {
                if (h.stored() >= cfg.maxPagesPerHost()) {
                    hostLimitReached(h, loop.nanoTime()); // resumed with maxPagesPerHost at or below its pages stored
                }
            }
            // Each host's first seed goes first (among the seeds maxPages leaves in), so that every
            // host's robots.txt is on its way while the rest are admitted, in their order.
            int eligible = (int) Math.min(seeds.size(), cfg.maxPages());
            boolean[] early = new boolean[seeds.size()];
            Set<String> origins = new HashSet<>();
            long turnStarted = System.nanoTime();
            for (int i = 0; i < eligible && phase == Phase.RUNNING; i++) {
                if (origins.add(UrlNormalizer.origin(seeds.get(i)))) {
                    early[i] = true;
                    admitSeed(seeds.get(i), loop.nanoTime());
                }
                turnStarted = seedTurn(turnStarted); // the robots.txt requests of the hosts found so far go out
            }
            pump();
            letIoIn(); // their robots.txt requests go out now, before the rest is admitted
            turnStarted = System.nanoTime();
            for (int i = 0; i < seeds.size() && phase == Phase.RUNNING; i++) {
                if (!early[i]) {
                    admitSeed(seeds.get(i), loop.nanoTime());
                    turnStarted = seedTurn(turnStarted);
                }
            }
            for (HostRecord h : frontier.hosts()) { // their queues are known now
                if (h.robotsState() == HostRecord.RobotsState.FETCHING) {
                    preconnect(h);
                }
            }
            return null;
        } catch (CancelledException e) {
            LOG.info("stopping: pages in flight finish or go back to the frontier");
            requestStop();
            return e;
        } finally {
            admittingSeeds = false;
            cfg.trace().seedsAdmitted();
            updateGauges();
        }
    }

    /**
     * Lets the loop poll its sockets before admitting more seeds. {@code Weft.yieldNow()} would
     * not: while tasks are ready the loop polls only every 64 steps, so the robots.txt connections
     * waited for the whole seed list (0.17 s for 10,000 seeds in a fresh JVM; 0.03 s now). A
     * sleep of 1 ns parks this task on a timer, and a loop with nothing ready polls at once.
     */
    private static void letIoIn() {
        Weft.sleep(Duration.ofNanos(1));
    }

    /**
     * Waits for the end; a cancellation of the caller stops the crawl cleanly and is returned.
     *
     * @param early a cancellation that already stopped the crawl, or null
     */
    private CancelledException awaitEnd(CancelledException early) {
        CancelledException cancelled = early;
        int signals = early == null ? 0 : 1;
        while (true) {
            try {
                Weft.shield(done).await(); // a cancellation must not cancel `done` itself
                return cancelled;
            } catch (CancelledException e) {
                cancelled = e;
                signals++;
                if (signals == 1) {
                    LOG.info("stopping: pages in flight finish or go back to the frontier");
                    requestStop();
                } else {
                    cancelInFlight(); // asked twice: do not wait for the grace period
                }
            }
        }
    }

    /** (1) Opens the store, refuses or resumes a stored crawl, admits the seeds. */
    private void open() {
        store = makeStore();
        StoredCrawl stored = onStore(store::open);
        if (stored.state().unfinished() && !cfg.resume()) {
            throw new UnfinishedCrawlException(store.describe() + " holds an unfinished crawl (" + stored.state()
                    .name().toLowerCase(java.util.Locale.ROOT) + ", started " + stored.startedAt() + ", "
                    + stored.pages() + " pages stored, " + stored.queued() + " URLs queued): add --resume "
                    + "(resume(true)) to continue it, or choose another store");
        }
        Set<String> allSeeds = new java.util.LinkedHashSet<>(cfg.seeds());
        boolean resuming = cfg.resume() && stored.state() != StoredCrawl.State.NONE;
        if (resuming) {
            allSeeds.addAll(stored.seeds());
        }
        if (allSeeds.isEmpty()) {
            throw new IllegalArgumentException("no seed URLs: " + store.describe() + " holds no crawl to resume");
        }
        seeds = List.copyOf(allSeeds);
        rules = new UrlRules(UrlRules.ScopeKind.valueOf(cfg.scope().name()), seeds, cfg.allow(), cfg.deny(),
                cfg.maxDepth(), cfg.maxUrlLength());
        frontier = new Frontier(this::throttleFor, cfg.windowPerHost(), cfg.windowTotal());
        long now = loop.nanoTime();
        if (resuming) {
            LOG.info("resuming the crawl in {}: {} pages stored, {} URLs queued", store.describe(), stored.pages(),
                    stored.queued());
            record Loaded(Sieve sieve, Map<String, Long> queued, List<HostRow> hosts) { }
            long expected = stored.pages() + stored.queued();
            Loaded l = onStore(() -> {
                Sieve s = Sieve.mapped(null, (int) Math.min(Integer.MAX_VALUE / 2, expected));
                try {
                    store.forEachKnownUrl(s::add);
                    return new Loaded(s, store.queuedByHost(), store.hosts());
                } catch (RuntimeException e) {
                    s.close();
                    throw e;
                }
            });
            sieve = l.sieve();
            counters.restore(stored.stats());
            nextSeq = stored.nextSeq();
            Map<String, HostRow> rows = new java.util.HashMap<>();
            for (HostRow h : l.hosts()) {
                rows.put(h.host(), h);
            }
            Set<String> origins = new HashSet<>(rows.keySet());
            origins.addAll(l.queued().keySet());
            for (String origin : origins) {
                HostRow row = rows.get(origin);
                long queued = l.queued().getOrDefault(origin, 0L);
                if (row == null) {
                    frontier.restore(origin, queued, 0, 0, 0, -1, Long.MIN_VALUE / 4, now);
                    continue;
                }
                long blockedUntil = Long.MIN_VALUE / 4;
                if (row.blockedUntil() != null) {
                    // Wall time, since the loop's clock does not outlive the process.
                    Duration left = Duration.between(Instant.now(), row.blockedUntil());
                    if (left.isPositive()) {
                        blockedUntil = now + Math.min(left.toNanos(), cfg.maxHostWait().toNanos());
                    }
                }
                frontier.restore(origin, queued, row.pages(), row.delayMs() * 1_000_000L, row.concurrency(),
                        row.refusedMs() < 0 ? -1 : row.refusedMs() * 1_000_000L, blockedUntil, now);
            }
            admitted = stored.pages() + stored.queued();
            pageBudget = cfg.maxPages() - stored.pages();
        } else {
            pageBudget = cfg.maxPages();
            sieve = Sieve.mapped(null, 0); // its heap stays flat: large tables live in mapped files
            freshCrawl = true;
        }
        writer = new StoreWriter(loop, store, storeThread, BATCH_PAGES, BATCH_DELAY, this::crawlRow, this::storeFailed);
        writer.onCommitted(this::pump); // a commit ends needsBackout(): go on
        session = ClientSession.builder()
                .limit(0)
                .limitPerHost(0)
                .maxRedirects(5)
                .maxBodySize(cfg.maxBodySize())
                .defaultHeader("User-Agent", cfg.userAgent())
                .tls(cfg.tls())
                .resolver(connectionResolver())
                .http2(cfg.http2()) // ALPN h2 for https; HTTP/1.1 for http
                .build();
        fetcher = new Fetcher(session, cfg.userAgent(), cfg.maxBodySize(), cfg.timeout());
        long largeMemory = cfg.largeBodyMemory() > 0 ? cfg.largeBodyMemory() : Runtime.getRuntime().maxMemory() / 4;
        largeBodies = largeBodyPermits(cfg.maxBodySize(), cfg.concurrency(), largeMemory);
        largeParses = largeParsePermits(cfg.maxBodySize(), largeMemory);
        robotsFetcher = new Fetcher(session, cfg.userAgent(), Math.min(cfg.maxBodySize(), RobotsPolicy.MAX_BYTES),
                cfg.timeout());
        if (freshCrawl) {
            // The crawl row (with its seeds) goes first, ahead of every page row (the store runs
            // its batches in order), while the first requests start: writing 100,000 seeds does
            // not hold them up. A store that cannot write at all has failed in open() already (a
            // write there); one that fails now stops the crawl like any failed commit.
            writer.flush();
        }
        updateGauges();
    }

    /**
     * How the crawl's connections find their addresses: through the {@link AddressGuard}, unless
     * non-public addresses are allowed — by {@code allowPrivateAddresses}, or because a seed
     * resolves to one (the crawl of an intranet or of a local site goes where its seeds are).
     * The seeds' distinct hosts are resolved here, {@value #SEED_LOOKUPS_AT_ONCE} at a time (in
     * turn, 10,000 seed hosts would hold the start up for 10,000 lookups); one that does not
     * resolve counts as public (its fetch fails with its own error).
     */
    private Resolver connectionResolver() {
        Resolver names = cfg.resolver();
        if (cfg.allowPrivateAddresses()) {
            LOG.info("non-public addresses are allowed (allowPrivateAddresses)");
            return names;
        }
        Set<String> hosts = new java.util.LinkedHashSet<>();
        for (String s : seeds) {
            String host = URI.create(s).getHost();
            if (host != null) {
                hosts.add(host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host);
            }
        }
        List<String> all = List.copyOf(hosts);
        for (int from = 0; from < all.size(); from += SEED_LOOKUPS_AT_ONCE) {
            List<Task<String>> lookups = new ArrayList<>();
            for (String host : all.subList(from, Math.min(all.size(), from + SEED_LOOKUPS_AT_ONCE))) {
                lookups.add(loop.spawn("resolve " + host, () -> nonPublicAddress(names, host)));
            }
            List<String> found = Weft.gather(lookups);
            for (int i = 0; i < found.size(); i++) {
                if (found.get(i) != null) {
                    LOG.info("the seed host {} is on a non-public address ({}): the crawl may connect to non-public "
                            + "addresses", all.get(from + i), found.get(i));
                    return names;
                }
            }
        }
        return new AddressGuard(names, cfg.publicAddress());
    }

    /** A non-public address {@code host} resolves to, or null (none, or no answer). */
    private String nonPublicAddress(Resolver names, String host) {
        List<InetAddress> addresses;
        try {
            addresses = names.resolve(host);
        } catch (IOException e) {
            return null;
        }
        for (InetAddress a : addresses) {
            if (!cfg.publicAddress().test(a)) {
                return a.getHostAddress();
            }
        }
        return null;
    }

    private Store makeStore() {
        if (cfg.store() != null) {
            return cfg.store();
        }
        if (cfg.storeUri() != null) {
            if (cfg.resume() && cfg.seeds().isEmpty()) { // nothing to resume: say so before making a file
                Stores.file(cfg.storeUri()).filter(f -> !Files.exists(f)).ifPresent(f -> {
                    throw new IllegalArgumentException("no seed URLs: " + f + " does not exist: no crawl to resume");
                });
            }
            return Stores.open(cfg.storeUri());
        }
        try {
            temporaryStore = Files.createTempFile("weft-crawl-", ".db");
            Files.delete(temporaryStore);
            cfg.trace().temporaryStore(temporaryStore);
        } catch (IOException e) {
            throw new StoreException("cannot make a temporary store: " + e.getMessage(), e);
        }
        return SqlStore.sqlite(temporaryStore);
    }

    private Batch.CrawlRow crawlRow() {
        StoredCrawl.State s = switch (phase) {
            case STARTING, RUNNING, STOPPING -> StoredCrawl.State.RUNNING;
            case DONE -> counters.state() == CrawlStats.State.FINISHED ? StoredCrawl.State.FINISHED
                    : StoredCrawl.State.STOPPED;
        };
        boolean starting = freshCrawl && !crawlRowWritten;
        crawlRowWritten = true;
        String settings = null; // written with the first row only
        if (starting) {
            try {
                settings = JSON.writeValueAsString(cfg.describe());
            } catch (JsonProcessingException e) {
                settings = null;
            }
        }
        return new Batch.CrawlRow(s, seeds, settings, nextSeq, counters.toJson(), starting);
    }

    private Throttle throttleFor(String origin) {
        int per = cfg.perHost();
        Duration delay = cfg.delay();
        for (HostLimits h : cfg.hostLimits()) {
            if (h.matches(origin)) {
                per = h.perHost();
                delay = h.delay();
            }
        }
        return new Throttle(delay.toNanos(), per);
    }

    /** Ends the run: the last batch with the crawl's final state, then the listeners. */
    private void finish(CrawlStats.State end) {
        counters.ended(loop.nanoTime(), end);
        if (frontier != null) {
            // Every admitted URL not stored is in the store's frontier table, the pages that were in
            // flight at a stop included (the frontier in memory no longer counts those).
            long stored = counters.snapshot(loop.nanoTime()).pagesDone();
            counters.gauges(admitted, 0, Math.max(0, admitted - stored), frontier.hosts().size());
        }
        if (failure == null) {
            try {
                writer.close();
                Weft.shield(writer.flush()).await();
            } catch (CancelledException e) {
                // a third Ctrl-C: what is committed stays; the rest is fetched again on resume
            } catch (RuntimeException e) {
                failure = e instanceof StoreException se ? se : new StoreException(e.getMessage(), e);
                counters.ended(loop.nanoTime(), CrawlStats.State.FAILED);
            }
        }
        CrawlStats stats = counters.snapshot(loop.nanoTime());
        for (CrawlListener l : cfg.listeners()) {
            try {
                l.finished(stats);
            } catch (RuntimeException e) {
                LOG.warn("a crawl listener failed", e);
            }
        }
    }

    private void shutdown() {
        if (progress != null) {
            progress.cancel();
        }
        if (wake != null) {
            wake.cancel();
        }
        if (grace != null) {
            grace.cancel();
        }
        if (session != null) {
            session.close();
        }
        if (store != null) {
            Store s = store;
            try {
                Weft.shield(loop.runInExecutor(storeThread, () -> {
                    s.close();
                    return null;
                })).await();
            } catch (RuntimeException e) {
                LOG.debug("closing {} failed: {}", s.describe(), e.toString());
            }
        }
        storeThread.shutdown();
        parsePool.shutdown();
        try {
            // Their last jobs report back to the loop: let them finish before the loop may close.
            storeThread.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
            parsePool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sieve != null) {
            sieve.close(); // unmaps its files
        }
        if (temporaryStore != null) {
            for (String suffix : List.of("", "-wal", "-shm", ".lock")) {
                try {
                    Files.deleteIfExists(Path.of(temporaryStore + suffix));
                } catch (IOException e) {
                    LOG.debug("cannot delete {}: {}", temporaryStore, e.toString());
                }
            }
        }
    }

    private <T> T onStore(Coroutine<T> call) {
        try {
            return loop.runInExecutor(storeThread, call).await();
        } catch (TaskFailedException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new StoreException(c.getMessage(), c);
        }
    }

    // ------------------------------------------------------------------ stop

    /** Stops starting work; in-flight pages get {@code stopGrace} to finish. Loop only. */
    void requestStop() {
        assert loop.holdsLoop();
        stopRequested = true; // if still starting, run() stops right after opening
        if (phase != Phase.RUNNING) {
            return;
        }
        phase = Phase.STOPPING;
        counters.state(CrawlStats.State.STOPPING);
        if (wake != null) {
            wake.cancel();
            wake = null;
            wakeAt = Long.MAX_VALUE;
        }
        grace = loop.callLater(cfg.stopGrace(), this::cancelInFlight);
        checkEnd();
    }

    private void cancelInFlight() {
        for (Task<?> t : List.copyOf(tasks)) {
            t.cancel("the crawl is stopping");
            Runnable giveBack = notStarted.remove(t);
            if (giveBack != null) { // cancelled before its first step: its body will never run
                tasks.remove(t);
                giveBack.run();
            }
        }
        checkEnd();
    }

    private void storeFailed(StoreException e) {
        crawlFailed(e);
    }

    private void crawlFailed(RuntimeException e) {
        if (failure == null) {
            failure = e;
            // Not an ERROR line: run() throws it to the caller, who reports it (the CLI says it once).
            LOG.info("the crawl stops: {}", e.getMessage());
        }
        if (phase == Phase.RUNNING) {
            phase = Phase.STOPPING;
            counters.state(CrawlStats.State.STOPPING);
        }
        cancelInFlight();
        checkEnd();
    }

    private void checkEnd() {
        if (phase == Phase.RUNNING && !admittingSeeds && inFlight == 0 && processing == 0 && refills == 0
                && frontier.queued() == 0) {
            end(counters.snapshot(loop.nanoTime()).deferred() > 0 ? CrawlStats.State.STOPPED : CrawlStats.State.FINISHED);
        } else if (phase == Phase.STOPPING && inFlight == 0 && processing == 0) {
            end(failure != null ? CrawlStats.State.FAILED : CrawlStats.State.STOPPED);
        }
    }

    private void end(CrawlStats.State state) {
        phase = Phase.DONE;
        counters.state(state);
        if (wake != null) {
            wake.cancel();
            wake = null;
        }
        if (grace != null) {
            grace.cancel();
        }
        done.trySetResult(state);
    }

    // ------------------------------------------------------------------ (2) the scheduler of hosts

    /**
     * Gives turns to the hosts whose time has come, while the crawl has room: at most
     * {@code concurrency} requests in flight, and no more than the store and the parsers keep
     * up with. Then sets a timer for the next host's time. Loop only; re-entrant calls fold
     * into one.
     */
    private void pump() {
        assert loop.holdsLoop();
        if (pumping) {
            repump = true;
            return;
        }
        pumping = true;
        try {
            do {
                repump = false;
                pumpOnce();
            } while (repump);
        } finally {
            pumping = false;
        }
    }

    private void pumpOnce() {
        if (phase == Phase.RUNNING) {
            long now = loop.nanoTime();
            while (inFlight < cfg.concurrency() && !needsBackout()) {
                HostRecord h = frontier.pollReady(now);
                if (h == null) {
                    break;
                }
                turn(h, now);
            }
            if (inFlight == 0 && parsersBehind()) {
                cfg.trace().parsersBehind(processing, processingBytes);
            }
            arm(frontier.nextReadyAt(), now);
            cfg.trace().inMemory(frontier.inMemory());
        }
        updateGauges();
        checkEnd();
    }

    /**
     * True while no more fetches start: the store is behind (see StoreWriter), or the pages
     * fetched and not yet handled (parsed, admitted, stored) reach {@link #maxProcessing} pages or
     * {@link #maxProcessingBytes} bytes of bodies. A count of pages alone held a crawl of small
     * pages back while its first answers were parsed in a fresh JVM (its next requests waited), and
     * let one of large pages hold up to {@code concurrency} bodies of {@code maxBodySize} each.
     */
    private boolean needsBackout() {
        return writer.needsBackout() || parsersBehind();
    }

    /** Too many pages, or bytes of them, wait to be handled (see needsBackout). */
    private boolean parsersBehind() {
        return processing >= maxProcessing || processingBytes >= maxProcessingBytes;
    }

    private void arm(long at, long now) {
        if (at == Long.MAX_VALUE || phase != Phase.RUNNING) {
            return;
        }
        if (at <= now) {
            if (inFlight < cfg.concurrency() && !needsBackout()) {
                repump = true;
            }
            return; // a finishing task, a commit (StoreWriter.onCommitted) or a refill pumps again
        }
        if (wake != null && wakeAt <= at) {
            return;
        }
        if (wake != null) {
            wake.cancel();
        }
        wakeAt = at;
        wake = loop.callAtNanos(at, () -> {
            wake = null;
            wakeAt = Long.MAX_VALUE;
            pump();
        });
    }

    /** (3) One turn of a host: its robots.txt first, a refill, a robots check, or a fetch. */
    private void turn(HostRecord h, long now) {
        if (!cfg.ignoreRobots()) {
            switch (h.robotsState()) {
                case UNKNOWN, UNREACHABLE -> {
                    startRobots(h, now);
                    return;
                }
                case READY -> {
                    if (now - frontier.robotsFetchedAt(h) > ROBOTS_TTL_NANOS) {
                        frontier.robotsExpired(h);
                        startRobots(h, now);
                        return;
                    }
                }
                case FETCHING -> {
                    return;
                }
                default -> throw new AssertionError(h.robotsState());
            }
        }
        Visit v = frontier.take(h, now);
        if (v == null) {
            if (h.needsRefill()) {
                refill(h);
            } else {
                frontier.reschedule(h, now);
            }
            return;
        }
        if (v.attempt() == 0 && v.chain().isEmpty()) { // a new page (not a retry, not a redirect hop)
            if (cfg.maxDepth() >= 0 && v.entry().depth() > cfg.maxDepth()) { // negative: no limit
                // Queued under a higher maxDepth, and resumed with a lower one: its row stays
                // queued in the store for a later run, and nothing else of it happens now.
                counters.filtered();
                frontier.reschedule(h, now);
                return;
            }
            if (--pageBudget == 0) {
                pageLimitReached(now);
            }
            long pending = pendingPages.merge(h.origin(), 1L, Long::sum);
            if (h.stored() + pending >= cfg.maxPagesPerHost()) {
                hostLimitReached(h, now);
            }
        }
        if (h.spilled() > 0 && !h.refilling() && h.queued() - h.spilled() < cfg.windowPerHost() / 4) {
            refill(h);
        }
        if (!cfg.ignoreRobots() && !h.robots().allows(v.target())) {
            robotsRefused(v, h.robotsNote());
            frontier.reschedule(h, now);
            return;
        }
        frontier.started(h, now);
        inFlight++;
        spawnNext("crawl " + v.target(), () -> visit(h, v), () -> {
            inFlight--; // what visit's finally does
            frontier.finished(h, loop.nanoTime());
        });
        frontier.reschedule(h, now);
    }

    /**
     * The permits for bodies past {@link Fetcher#SMALL_BODY}: as many bodies at the cap as fit in
     * the memory for them (a quarter of the heap by default; at least one), or null when there
     * are as many as the crawl has requests in flight (then none ever waits). The defaults: 51
     * permits (10 MiB bodies in a quarter of a 2 GiB heap) for 64 requests in flight.
     * A fetch whose body outgrows the small size without a free permit gives up and is asked
     * again later holding one, before its request, so that waiting never counts against its time
     * limit.
     */
    static dev.weft.sync.Semaphore largeBodyPermits(long maxBodySize, int concurrency, long memory) {
        if (maxBodySize <= Fetcher.SMALL_BODY) {
            return null;
        }
        long permits = Math.max(1, memory / maxBodySize);
        return permits >= concurrency ? null : new dev.weft.sync.Semaphore((int) permits);
    }

    /**
     * The permits for parsing bodies past {@link Fetcher#SMALL_BODY}: a page's tree (jsoup's DOM
     * and its links) takes several times its bytes — a 60 MB page of 1.5 million links several
     * hundred MB — so as many parses at once as fit in the memory for large bodies at
     * {@value #PARSE_COST} times {@code maxBodySize} each (at least one), whatever the number of
     * parse threads (one per CPU: eight parses of 60 MB pages filled a 2 GiB heap). Null when
     * bodies never grow past the small size.
     */
    static dev.weft.sync.Semaphore largeParsePermits(long maxBodySize, long memory) {
        if (maxBodySize <= Fetcher.SMALL_BODY) {
            return null;
        }
        long cost = maxBodySize > Long.MAX_VALUE / PARSE_COST ? Long.MAX_VALUE : PARSE_COST * maxBodySize;
        return new dev.weft.sync.Semaphore((int) Math.max(1, Math.min(1024, memory / cost)));
    }

    private void spawn(String name, dev.weft.VoidCoroutine body) {
        spawn(name, body, false, null);
    }

    private void spawn(String name, dev.weft.VoidCoroutine body, Runnable unstarted) {
        spawn(name, body, false, unstarted);
    }

    /**
     * Spawns a page's fetch to run next, ahead of the loop's queue: its request goes out as soon
     * as the step that freed its place ends. Queued behind the other answers of a burst (500 at
     * once at the start), every next request waited for the whole burst to be handled, and went
     * out with the others in a new burst, round after round.
     */
    private void spawnNext(String name, dev.weft.VoidCoroutine body, Runnable unstarted) {
        spawn(name, body, true, unstarted);
    }

    /**
     * Spawns one of the crawl's tasks. A task cancelled before its first step (cancelInFlight
     * while it waits in the loop's queue) never runs its body, nor the body's finally blocks:
     * {@code unstarted} (if not null) gives back what the spawner took (a place in flight), and
     * cancelInFlight runs it for a task that had not started, else a stopping crawl would wait for
     * it for ever.
     */
    private void spawn(String name, dev.weft.VoidCoroutine body, boolean next, Runnable unstarted) {
        dev.weft.VoidCoroutine wrapped = () -> {
            notStarted.remove(Task.current());
            try {
                body.run();
            } catch (CancelledException e) {
                // stopping: the page stays in the frontier table and is fetched again on resume
            } catch (RuntimeException e) {
                LOG.error("{} failed", name, e);
            } catch (OutOfMemoryError e) {
                crawlFailed(new CrawlFailedException("out of memory in " + name + ": the crawl stops (--resume"
                        + " continues it); give it more heap (WEFT_JAVA_OPTS=-Xmx…) or lower --max-body-size", e));
            } finally {
                tasks.remove(Task.current());
                pump();
            }
        };
        Task<Void> t = next ? loop.spawnNext(name, wrapped) : loop.spawn(name, wrapped);
        tasks.add(t);
        if (unstarted != null) {
            notStarted.put(t, unstarted);
        }
    }

    private void refill(HostRecord h) {
        frontier.refillStarted(h);
        if (refills >= MAX_REFILLS) {
            refillQueue.add(h); // its turn comes when a refill in flight is back
            return;
        }
        refills++;
        // As many as the window has room for (at least one, so that a host never starves while
        // others hold the memory).
        long room = Math.min(cfg.windowPerHost() - (h.queued() - h.spilled()), cfg.windowTotal() - frontier.inMemory());
        int ask = (int) Math.max(1, Math.min(REFILL_SIZE, room));
        Future<List<FrontierEntry>> f = writer.refill(h.origin(), h.lastSeqInMemory(), ask);
        f.addDoneCallback(result -> {
            refills--;
            if (result.state() != Future.State.RESULT) {
                Throwable t = result.exception();
                storeFailed(t instanceof StoreException se ? se : new StoreException(String.valueOf(t), t));
                return;
            }
            cfg.trace().refilled(h.origin(), result.result().size());
            frontier.refilled(h, result.result(), ask, loop.nanoTime());
            HostRecord next = refillQueue.poll();
            if (next != null) {
                refill(next);
            }
            pump();
        });
    }

    // ------------------------------------------------------------------ (4) robots.txt

    private void startRobots(HostRecord h, long now) {
        frontier.robotsFetching(h, now);
        inFlight++;
        spawn("robots " + h.origin(), () -> fetchRobots(h), () -> {
            inFlight--; // what fetchRobots's finally does when robots.txt was not settled
            frontier.robotsExpired(h);
            frontier.finished(h, loop.nanoTime());
        });
        if (!admittingSeeds) { // else once the seeds are in (admitSeeds)
            preconnect(h);
        }
    }

    /**
     * While robots.txt is on its way, opens the connections the host's known URLs will need
     * (robots.txt's own carries one of them): up to its concurrency limit, no more than it has
     * URLs queued. They cost a round trip each, which the first requests after robots.txt would
     * otherwise pay all at once. Over HTTP/2 nothing is opened (see ClientSession.preconnect).
     */
    private void preconnect(HostRecord h) {
        long wanted = Math.min(h.throttle().limit(), h.queued()) - 1;
        for (long i = 0; i < wanted; i++) {
            spawn("preconnect " + h.origin(), () -> {
                try {
                    session.preconnect(h.origin() + "/");
                } catch (java.io.IOException e) {
                    LOG.debug("{}: could not open a connection ahead: {}", h.origin(), e.toString());
                }
            });
        }
    }

    /**
     * The robots phase of a host: robots.txt (and its sitemaps); the host is counted in flight
     * until it ends, however it ends (a cancellation makes robots.txt due again).
     */
    private void fetchRobots(HostRecord h) {
        boolean settled = false;
        try {
            settled = readRobots(h);
        } catch (CancelledException e) {
            throw e;
        } catch (RuntimeException e) {
            // A failure of our own (not the host's): asked again after a backoff, never in a hot loop.
            LOG.warn("{}/robots.txt could not be read: {}", h.origin(), e.toString());
            settled = robotsUnreachable(h, robotsPolicy.unreachable(), e.toString(), loop.nanoTime(), false);
        } finally {
            inFlight--;
            if (!settled) {
                frontier.robotsExpired(h);
                frontier.finished(h, loop.nanoTime());
            }
        }
    }

    /** Reads robots.txt and settles the host's robots state; false if interrupted before. */
    private boolean readRobots(HostRecord h) {
        FetchResult r = robotsFetcher.fetch(h.origin() + "/robots.txt", true, 5);
        long now = loop.nanoTime();
        counters.response(r.elapsedNanos(), r.bodyBytes());
        RobotsPolicy.Robots robots;
        String why;
        if (r.responded()) {
            why = "HTTP " + r.status();
            robots = switch (RobotsPolicy.classify(r.status())) {
                case RULES -> {
                    // Read up to RobotsPolicy.MAX_BYTES (whole lines). A small one is parsed here (warm:
                    // 4 us for 50 bytes, 71 us for 4 KiB): a trip through the parse pool put the loop's
                    // whole queue of other hosts' requests between robots.txt and the host's first
                    // request (20-40 ms in a fresh JVM, up to 70). A larger one is parsed off the loop
                    // (16 KiB: 0.3 ms).
                    byte[] body = r.body() == null ? new byte[0] : java.util.Arrays.copyOf(r.body(),
                            r.truncated() ? RobotsPolicy.wholeLines(r.body(), r.length()) : r.length());
                    java.util.function.Supplier<RobotsPolicy.Robots> parse =
                            () -> robotsPolicy.parsed(r.url(), body, r.contentType());
                    yield body.length <= ROBOTS_ON_LOOP_MAX ? parse.get()
                            : loop.runInExecutor(parsePool, parse::get).await();
                }
                case UNAVAILABLE -> robotsPolicy.unavailable();
                case UNREACHABLE -> robotsPolicy.unreachable();
            };
        } else {
            why = r.errorKind().label() + ": " + r.error();
            // A redirect gone wrong: no rules. A blocked host: no rules either, and each of its
            // pages is refused in turn (stored as blocked), never requested.
            robots = r.errorKind() == ErrorKind.REDIRECT || r.errorKind() == ErrorKind.BLOCKED
                    ? robotsPolicy.unavailable() : robotsPolicy.unreachable();
        }
        if (robots.availability() == RobotsPolicy.Availability.UNREACHABLE) {
            // asking again will not change a refused certificate
            return robotsUnreachable(h, robots, why, now, r.errorKind() == ErrorKind.TLS);
        }
        long crawlDelay = robots.crawlDelayMillis();
        if (crawlDelay > cfg.maxHostWait().toMillis()) {
            frontier.robotsReady(h, robots, now);
            defer(h, "its robots.txt Crawl-delay (" + crawlDelay / 1000.0 + " s) is longer than the longest wait ("
                    + cfg.maxHostWait().toSeconds() + " s)");
            return true;
        }
        if (crawlDelay > 0) {
            h.throttle().raiseFloor(crawlDelay * 1_000_000L);
        }
        if (cfg.sitemaps() && robots.availability() == RobotsPolicy.Availability.RULES) {
            readSitemaps(h, robots.sitemaps());
        }
        frontier.robotsReady(h, robots, loop.nanoTime());
        writer.host(hostRow(h));
        return true;
    }

    /**
     * robots.txt could not be had (5xx, 429, no answer): everything is disallowed for now and it
     * is asked again after a backoff; after {@code retries + 1} failures, or the first one that
     * asking again cannot mend ({@code permanent}), the host's URLs are stored as refused, with the
     * reason.
     */
    private boolean robotsUnreachable(HostRecord h, RobotsPolicy.Robots robots, String why, long now,
            boolean permanent) {
        int failures = h.robotsFailures() + 1;
        if (failures > cfg.retries() || permanent) {
            String note = "robots.txt unreachable (" + why + ")"
                    + (permanent ? ", not retried" : " after " + failures + " tries");
            LOG.warn("{}: {}; its URLs are stored as refused", h.origin(), note);
            frontier.robotsGaveUp(h, robots, note, now);
        } else {
            LOG.debug("{}/robots.txt unreachable ({}); asking again later", h.origin(), why);
            frontier.robotsUnreachable(h, robots, now + backoff.delayNanos(failures), now);
        }
        return true;
    }

    /** Reads the sitemaps of the host's own origin, each request spaced like any other. */
    private void readSitemaps(HostRecord h, List<String> urls) {
        List<String> todo = new ArrayList<>(urls);
        Set<String> seen = new HashSet<>(); // an index that lists itself, or two that list each other
        int read = 0;
        while (!todo.isEmpty() && read < MAX_SITEMAPS && phase == Phase.RUNNING) {
            String url = normalizer.normalize(todo.removeFirst());
            if (url == null || !UrlNormalizer.origin(url).equals(h.origin()) || !seen.add(url)) {
                continue;
            }
            read++;
            long wait = h.nextStartAt() - loop.nanoTime();
            if (wait > 0) {
                Weft.sleep(Duration.ofNanos(wait));
            }
            frontier.spaced(h, loop.nanoTime());
            FetchResult r = fetcher.fetch(url, true, 5);
            counters.response(r.elapsedNanos(), r.bodyBytes());
            if (!r.responded() || r.status() / 100 != 2 || r.body() == null) {
                LOG.debug("sitemap {} unusable: {}", url, r.responded() ? "HTTP " + r.status() : r.error());
                continue;
            }
            try {
                byte[] body = java.util.Arrays.copyOf(r.body(), r.length());
                SitemapRead map = loop.runInExecutor(parsePool, () -> readSitemap(r.contentType(), body, url)).await();
                long now = loop.nanoTime();
                if (map.index()) {
                    todo.addAll(map.urls());
                } else {
                    for (String c : map.urls()) {
                        admit(c, 1, url, now);
                    }
                }
            } catch (RuntimeException e) {
                LOG.debug("sitemap {} unreadable: {}", url, e.toString());
            }
        }
    }

    /** What a sitemap file holds: other sitemaps (an index), or pages, as canonical URLs. */
    private record SitemapRead(boolean index, List<String> urls) { }

    /**
     * Parses a sitemap off the loop (crawler-commons), its URLs made canonical as they are read
     * and at most {@link #MAX_SITEMAP_URLS} of them kept: a sitemap of millions of URLs (a few
     * megabytes gzipped) neither fills the heap nor holds the loop while they are normalised.
     */
    private SitemapRead readSitemap(String contentType, byte[] body, String url) throws Exception {
        SiteMapParser sp = new SiteMapParser(false);
        int[] kept = {0};
        sp.setURLFilter((java.util.function.Function<String, String>) u -> {
            if (kept[0] >= MAX_SITEMAP_URLS) {
                return null;
            }
            String c = normalizer.normalize(u);
            if (c != null) {
                kept[0]++;
            }
            return c;
        });
        AbstractSiteMap map = sp.parseSiteMap(contentType, body, URI.create(url).toURL());
        List<String> out = new ArrayList<>();
        if (map instanceof SiteMapIndex index) {
            for (AbstractSiteMap m : index.getSitemaps()) {
                out.add(m.getUrl().toString());
            }
            return new SitemapRead(true, out);
        }
        if (map instanceof SiteMap sm) {
            for (SiteMapURL u : sm.getSiteMapUrls()) {
                out.add(u.getUrl().toString());
            }
        }
        return new SitemapRead(false, out);
    }

    /** The last page the limit allows has started: nothing queued is handed out any more. */
    private void pageLimitReached(long now) {
        long left = frontier.closeQueues(now);
        if (left > 0) {
            LOG.info("the page limit ({}) is reached: {} queued URLs stay in the store for a resume with a higher "
                    + "limit", cfg.maxPages(), left);
        }
    }

    /** The last page of the host its limit allows has started: nothing queued of it is handed out any more. */
    private void hostLimitReached(HostRecord h, long now) {
        long left = frontier.closeQueue(h, now);
        if (left > 0) {
            LOG.info("{} reached its page limit ({}): {} queued URLs stay in the store for a resume with a higher "
                    + "limit", h.origin(), cfg.maxPagesPerHost(), left);
        }
    }

    /** For {@code Map.merge}: the sum, or null (the entry goes) at zero. */
    private static Long sumOrNone(Long a, Long b) {
        long sum = a + b;
        return sum == 0 ? null : sum;
    }

    /** A page started this run ends without a row (its host set aside): it gives back its place in the limits. */
    private void pageNotStored(Visit v) {
        pageBudget++;
        pendingPages.merge(v.entry().origin(), -1L, CrawlRun::sumOrNone);
    }

    private void defer(HostRecord h, String reason) {
        long left = h.queued();
        // The retries and redirect hops that waited: started, and now left for a later run.
        frontier.defer(h, reason).forEach(this::pageNotStored);
        counters.deferred(left);
        writer.host(hostRow(h));
        LOG.warn("{} is set aside for this run: {} ({} URLs stay queued for --resume)", h.origin(), reason, left);
    }

    // ------------------------------------------------------------------ (5) fetch one page

    private void visit(HostRecord h, Visit v) {
        boolean[] large = {false}; // holds one of the large-body permits, until the page is handled
        try {
            FetchResult r;
            try {
                Fetcher.BodyGate gate = Fetcher.BodyGate.ANY;
                if (largeBodies != null) {
                    if (v.large()) {
                        largeBodies.acquire(); // before the request: its time limit is not running yet
                        large[0] = true;
                        cfg.trace().largeBodies(++largeHeld);
                    } else {
                        gate = () -> {
                            large[0] = largeBodies.tryAcquire();
                            if (large[0]) {
                                cfg.trace().largeBodies(++largeHeld);
                            }
                            return large[0];
                        };
                    }
                }
                r = fetcher.fetch(v.target(), false, 0, gate);
            } finally {
                inFlight--;
                frontier.finished(h, loop.nanoTime());
            }
            long held = r.body() == null ? 0 : r.body().length;
            processing++; // before anything pumps: the crawl cannot look finished while this page is handled
            processingBytes += held;
            try {
                handle(h, v, r);
            } finally {
                processing--;
                processingBytes -= held;
            }
        } finally {
            if (large[0]) {
                cfg.trace().largeBodies(--largeHeld);
                largeBodies.release();
            }
        }
    }

    /** (6) What a response (or a failure) means: retry, slow down, follow, or store. */
    private void handle(HostRecord h, Visit v, FetchResult r) {
        long now = loop.nanoTime();
        if (r.errorKind() == ErrorKind.LARGE_BODY_WAIT) {
            // Not the host's doing, and not a try: asked again, once memory for a large body is free.
            if (phase == Phase.RUNNING) {
                v.needsLargeBody();
                requeue(v, now);
            }
            return;
        }
        v.addElapsed(r.elapsedNanos());
        counters.response(r.elapsedNanos(), r.bodyBytes());
        Throttle t = h.throttle();
        if (!r.responded()) {
            if (r.errorKind() == ErrorKind.TIMEOUT && t.onSlowDown(now)) {
                slowedDown(h, now);
            }
            if (r.errorKind().retryable() && retry(v, now, 0)) {
                return;
            }
            complete(v, r, null, r.errorKind().label() + ": " + r.error() + triesNote(v));
            return;
        }
        int s = r.status();
        if (s == 429 || (s >= 500 && s < 600)) { // a status past 599 is no server error: stored as it is
            if ((s == 429 || s == 503 || s == 502 || s == 504) && t.onSlowDown(now)) {
                slowedDown(h, now);
            }
            long notBefore = 0;
            Duration ra = s == 429 || s == 503 ? RetryAfter.parse(r.header("Retry-After"), Instant.now()) : null;
            if (ra != null) {
                if (ra.compareTo(cfg.maxHostWait()) > 0) {
                    String asked = ra.equals(RetryAfter.FOREVER) ? r.header("Retry-After").trim()
                            : Long.toString(ra.toSeconds());
                    defer(h, "Retry-After of " + asked + " s is longer than the longest wait ("
                            + cfg.maxHostWait().toSeconds() + " s)");
                    counters.deferred(1); // this page too: it stays in the frontier table
                    pageNotStored(v);
                    return;
                }
                notBefore = now + ra.toNanos();
                frontier.block(h, notBefore, now);
                writer.host(hostRow(h)); // a resumed crawl honours it too
            }
            if (retry(v, now, notBefore)) {
                return;
            }
            ErrorKind kind = s == 429 ? ErrorKind.TOO_MANY_REQUESTS : ErrorKind.SERVER_ERROR;
            complete(v, r, null, kind.label() + ": HTTP " + s + triesNote(v));
            return;
        }
        int before = t.slowDowns();
        long pace = t.delayNanos();
        t.onSuccess(r.elapsedNanos(), now);
        if (t.slowDowns() != before) {
            slowedDown(h, now); // latency rose
        } else if (t.delayNanos() < pace) {
            frontier.spedUp(h, now);
        }
        String location = r.header("Location");
        if (s >= 300 && s < 400 && location != null) {
            redirect(v, r, location, now);
            return;
        }
        complete(v, r, null, null);
    }

    /** The host's throttle slowed it down: the frontier paces it, and a resumed crawl starts at that pace. */
    private void slowedDown(HostRecord h, long now) {
        frontier.slowedDown(h, now);
        writer.host(hostRow(h));
    }

    private String triesNote(Visit v) {
        return v.attempt() == 0 ? "" : " (after " + v.attempt() + (v.attempt() == 1 ? " retry)" : " retries)");
    }

    /** Plans another try if the retries allow; false if they are spent. */
    private boolean retry(Visit v, long now, long notBefore) {
        if (phase != Phase.RUNNING) {
            return true; // stopping: the page goes back to the frontier (its row stays there)
        }
        if (v.attempt() >= cfg.retries()) {
            return false;
        }
        counters.retry();
        v.retryAt(Math.max(now + backoff.delayNanos(v.attempt() + 1), notBefore));
        requeue(v, now);
        return true;
    }

    private void requeue(Visit v, long now) {
        HostRecord target = frontier.host(UrlNormalizer.origin(v.target()));
        if (target.deferred()) {
            counters.deferred(1); // its row stays in the frontier table for a later run
            pageNotStored(v);
            return;
        }
        frontier.requeue(v, now);
    }

    /** (7) A redirect: recorded, and followed as a new hop under its host's politeness. */
    private void redirect(Visit v, FetchResult r, String location, long now) {
        String target = normalizer.resolve(v.target(), dev.weft.http.Headers.urlFromBytes(location));
        if (target == null) {
            complete(v, r, null, ErrorKind.REDIRECT.label() + ": unusable Location: " + location);
            return;
        }
        if (target.length() > cfg.maxUrlLength()) {
            complete(v, r, null, ErrorKind.REDIRECT.label() + ": the Location is " + target.length()
                    + " characters long, more than maxUrlLength (" + cfg.maxUrlLength() + ")");
            return;
        }
        if (v.visited(target)) {
            List<String> loop = new ArrayList<>(v.chain());
            loop.add(v.target());
            loop.add(target);
            complete(v, r, target, ErrorKind.REDIRECT_LOOP.label() + ": " + String.join(" -> ", loop));
            return;
        }
        if (v.chain().size() + 1 > cfg.maxRedirects()) {
            complete(v, r, target, ErrorKind.REDIRECT.label() + ": more than " + cfg.maxRedirects() + " redirects");
            return;
        }
        if (rules.checkScope(target) != UrlRules.Verdict.ACCEPT) {
            counters.filtered();
            complete(v, r, target, null); // not followed: out of scope
            return;
        }
        if (!sieve.add(target)) {
            counters.deduplicated();
            complete(v, r, target, null); // not followed: the target is crawled on its own
            return;
        }
        v.redirectTo(target);
        requeue(v, now);
    }

    private void robotsRefused(Visit v, String note) {
        counters.robotsBlocked();
        String why = note != null ? note : "disallowed by robots.txt";
        String what = v.chain().isEmpty() ? why : "the redirect target " + v.target() + ": " + why;
        FetchResult none = new FetchResult(v.target(), 0, null, null, null, 0, 0, false, 0, ErrorKind.ROBOTS, what);
        complete(v, none, null, ErrorKind.ROBOTS.label() + ": " + what);
    }

    // ------------------------------------------------------------------ (8) parse, callback, links, (9) commit

    /**
     * Ends a visit: parses a 2xx HTML page off the loop, runs the callback, admits the links,
     * and hands the page's row to the commit pipeline.
     *
     * @param finalUrl the URL to record as final when it differs from the visit's target (a
     *                 redirect not followed), or null
     * @param error    the error to record, or null
     */
    private void complete(Visit v, FetchResult r, String finalUrl, String error) {
        FrontierEntry e = v.entry();
        boolean ok2xx = error == null && r.responded() && r.status() / 100 == 2 && finalUrl == null;
        ParsedPage parsed = null;
        List<String> links = List.of();
        List<ItemRow> items = List.of();
        List<Object> emitted = List.of();
        boolean noindex = false;
        long ticket = NO_TICKET;
        try {
            if (ok2xx && r.body() != null && r.isHtml()) {
                // The host's slot is free and its throttle has seen this answer: its next request
                // starts while this page is parsed, not after. The links still go into the frontier in
                // the order the pages came in (ticket), as if each were parsed before the next fetch —
                // except a page so large that its parse would hold the others' links up: its links go
                // in when it is done.
                if (r.length() <= ORDERED_PARSE_MAX) {
                    ticket = linkTurns.take();
                }
                pump();
                boolean largeParse = false;
                try {
                    if (largeParses != null && r.length() > Fetcher.SMALL_BODY) {
                        largeParses.acquire(); // its tree is several times its size: a few at a time
                        largeParse = true;
                    }
                    cfg.trace().parseStarted(e.url());
                    parsed = loop.runInExecutor(parsePool, () -> {
                        try {
                            return parser.parse(r.url(), r.contentType(), r.header("X-Robots-Tag"), r.body(), r.length());
                        } finally {
                            cfg.trace().parseEnded(e.url());
                        }
                    }).await();
                } catch (CancelledException x) {
                    throw x;
                } catch (RuntimeException | StackOverflowError x) {
                    error = ErrorKind.OTHER.label() + ": the page could not be parsed: " + x;
                } finally {
                    if (largeParse) {
                        largeParses.release();
                    }
                }
            }
            if (parsed != null) {
                links = parsed.links();
                counters.deduplicated(parsed.repeatedLinks());
                noindex = parsed.noindex();
            }
            if (cfg.onPage() != null && ok2xx && error == null && !noindex) {
                Context ctx = new Context(new FetchedPage(v, r, parsed, normalizer), links);
                try {
                    cfg.onPage().handle(ctx.page, ctx);
                    links = ctx.links();
                    emitted = ctx.items;
                    items = new ArrayList<>();
                    for (int i = 0; i < emitted.size(); i++) {
                        items.add(new ItemRow(e.url(), i, JSON.writeValueAsString(emitted.get(i))));
                    }
                } catch (CancelledException x) {
                    throw x;
                } catch (Exception x) {
                    error = ErrorKind.CALLBACK.label() + ": " + x;
                    items = List.of();
                    emitted = List.of();
                    LOG.debug("the page callback failed on {}", e.url(), x);
                }
            }
            if (ticket != NO_TICKET) {
                linkTurns.await(ticket);
            }
            long now = loop.nanoTime();
            for (String link : links) {
                admit(link, e.depth() + 1, e.url(), now);
            }
        } finally {
            if (ticket != NO_TICKET) {
                linkTurns.pass(ticket);
            }
        }
        String canonical = parsed == null ? null : parsed.canonical();
        if (canonical != null && canonical.length() > cfg.maxUrlLength()) {
            canonical = null; // as long a link is ignored
        }
        PageRecord rec = new PageRecord(e.url(), finalUrl != null ? finalUrl : v.target(),
                r.responded() ? r.status() : null, r.contentType(), noindex || parsed == null ? null : parsed.title(),
                e.depth(), e.referrer(), Instant.now(), v.elapsedNanos() / 1_000_000, r.bodyBytes(),
                noindex || parsed == null ? Map.of() : parsed.fields(), error, v.chain().size(), r.truncated(),
                canonical);
        HostRecord h = frontier.host(e.origin());
        frontier.stored(h);
        pendingPages.merge(e.origin(), -1L, CrawlRun::sumOrNone); // now counted in h.stored()
        writer.store(rec, items, hostRow(h));
        counters.page(rec);
        counters.items(items.size());
        for (CrawlListener l : cfg.listeners()) {
            try {
                l.pageDone(rec);
            } catch (RuntimeException x) {
                LOG.warn("a crawl listener failed", x);
            }
        }
        if (cfg.onItem() != null) {
            for (Object item : emitted) {
                cfg.onItem().accept(item);
            }
        }
    }

    private HostRow hostRow(HostRecord h) {
        long crawlDelay = h.robots() == null ? -1 : h.robots().crawlDelayMillis();
        Throttle t = h.throttle();
        long refused = t.refusedDelayNanos();
        long blockedFor = h.blockedUntil() - loop.nanoTime();
        return new HostRow(h.origin(), h.stored(), t.delayNanos() / 1_000_000, crawlDelay, h.deferredReason(),
                t.limit(), refused < 0 ? -1 : refused / 1_000_000,
                blockedFor > 0 ? Instant.now().plusNanos(blockedFor) : null);
    }

    /**
     * Ends a turn of seed admission once it has lasted {@link #SEEDS_TURN_NANOS}: the hosts found
     * so far get their turns and the loop its I/O. Timed by {@code System.nanoTime()}, not the
     * loop's clock: a virtual clock stands still while the loop is held, and the admission would
     * never yield.
     *
     * @param started when the turn started
     * @return when the current turn started (now, if one ended)
     */
    private long seedTurn(long started) {
        if (System.nanoTime() - started < SEEDS_TURN_NANOS) {
            return started;
        }
        pump();
        letIoIn();
        return System.nanoTime();
    }

    /** A seed: only the length rule and the limits apply (the seeds define the scope). */
    private void admitSeed(String url, long now) {
        if (url.length() > cfg.maxUrlLength()) {
            LOG.warn("seed {} is longer than maxUrlLength ({}): skipped", url, cfg.maxUrlLength());
            return;
        }
        enqueue(url, 0, null, now);
    }

    /** (8) A discovered link: the rules, the limits, the sieve, then the frontier. */
    private void admit(String url, int depth, String referrer, long now) {
        if (rules.check(url, depth) != UrlRules.Verdict.ACCEPT) {
            counters.filtered();
            return;
        }
        enqueue(url, depth, referrer, now);
    }

    private void enqueue(String url, int depth, String referrer, long now) {
        if (admitted >= cfg.maxPages()) {
            counters.filtered();
            return;
        }
        String origin = UrlNormalizer.origin(url);
        HostRecord existing = frontier.existingHost(origin);
        if (existing != null && existing.admitted() >= cfg.maxPagesPerHost()) {
            counters.filtered();
            return;
        }
        if (!sieve.add(url)) {
            counters.deduplicated();
            return;
        }
        admitted++;
        FrontierEntry entry = new FrontierEntry(url, depth, referrer, nextSeq++);
        writer.queue(entry);
        HostRecord h = frontier.host(origin);
        if (h.deferred()) {
            counters.deferred(1);
            return; // its row waits in the frontier table for a later run
        }
        frontier.enqueue(entry, now);
    }

    // ------------------------------------------------------------------ counters

    private void progressTick() {
        updateGauges();
        CrawlStats s = counters.snapshot(loop.nanoTime());
        for (CrawlListener l : cfg.listeners()) {
            try {
                l.progress(s);
            } catch (RuntimeException e) {
                LOG.warn("a crawl listener failed", e);
            }
        }
        if (phase == Phase.RUNNING || phase == Phase.STOPPING) {
            progress = loop.callLater(cfg.progressInterval(), this::progressTick);
        }
    }

    private void updateGauges() {
        if (frontier != null && phase != Phase.DONE) { // once done, finish() set them for good
            counters.gauges(admitted, inFlight, frontier.queued(), frontier.hosts().size());
        }
    }

    // ------------------------------------------------------------------ the callback's context

    /** The {@link PageContext} of one callback: collects items and links. */
    private final class Context implements PageContext {
        final FetchedPage page;
        final List<Object> items = new ArrayList<>();
        private final List<String> links;

        Context(FetchedPage page, List<String> links) {
            this.page = page;
            this.links = new ArrayList<>(links);
        }

        @Override
        public void emit(Object item) {
            items.add(java.util.Objects.requireNonNull(item, "item"));
        }

        @Override
        public void follow(String url) {
            String c = page.resolve(url);
            if (c != null && !links.contains(c)) {
                links.add(c);
            }
        }

        @Override
        public List<String> links() {
            return List.copyOf(links);
        }

        @Override
        public void dontFollowLinks() {
            links.clear();
        }

        @Override
        public CrawlStats stats() {
            return counters.snapshot(loop.nanoTime());
        }
    }
}
