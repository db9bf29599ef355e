package dev.weft.crawler;

import dev.weft.EventLoop;
import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.crawler.fetch.AddressGuard;
import dev.weft.crawler.frontier.UrlNormalizer;
import dev.weft.crawler.parse.FieldRule;
import dev.weft.crawler.store.Store;
import dev.weft.crawler.store.StoreException;
import dev.weft.internal.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A polite, resumable, high-concurrency web crawler (Scrapy's spider and engine, Colly's
 * collector): seeds and rules in, one stored row per page out — into SQLite, PostgreSQL,
 * MariaDB/MySQL or JSONL — with a per-page callback that sees the parsed document and may emit
 * items and follow links. The CLI ({@code ./weft crawl}) is this class behind picocli: one
 * engine, two front doors.
 *
 * <pre>{@code
 * import dev.weft.Weft;
 * import dev.weft.crawler.CrawlStats;
 * import dev.weft.crawler.Crawler;
 * import dev.weft.crawler.Scope;
 * import java.time.Duration;
 *
 * public class ShopCrawl {
 *     record Article(String url, String title, String price) { }
 *
 *     public static void main(String[] args) {
 *         Weft.run(() -> {
 *             Crawler crawler = Crawler.builder()
 *                     .seeds("http://127.0.0.1:8080/")
 *                     .maxPages(10_000).maxDepth(5)
 *                     .concurrency(64)                        // requests in flight in total
 *                     .perHost(2)                             // in flight per host
 *                     .delay(Duration.ofMillis(500))          // least gap between request starts to one host
 *                     .scope(Scope.HOST)
 *                     .deny("/logout")
 *                     .extract("price", ".price")             // stored per page in `fields`
 *                     .store("sqlite:crawl.db")               // or postgresql://…, mysql://…, jsonl:PATH
 *                     .onPage((page, ctx) -> {                // optional, Scrapy-spider style
 *                         if (page.url().contains("/product/")) {
 *                             ctx.emit(new Article(page.url(), page.title(), page.fields().get("price")));
 *                         }
 *                     })
 *                     .onItem(item -> System.out.println(item))
 *                     .build();
 *             CrawlStats stats = crawler.run();       // blocks this task until done, a limit or stop()
 *             System.out.printf("%d pages, %.0f pages/s%n", stats.pagesDone(), stats.pagesPerSecond());
 *         });
 *     }
 * }
 * }</pre>
 *
 * <p><b>How it works</b> (docs/crawler.md, "Architecture"): a frontier of hosts ordered by when
 * each may next be asked; one task per request through Weft's {@code ClientSession}; parsing on a
 * small thread pool; every page, its new links and the crawl's state committed together in
 * batched transactions on the store's own thread. So a crawl killed at any moment — even
 * {@code kill -9} — continues with {@code resume(true)} and stores every page exactly once.
 *
 * <p><b>Politeness by default</b>: robots.txt (RFC 9309) and its {@code Crawl-delay}, two
 * requests in flight per host, 500 ms between request starts to one host, an adaptive throttle
 * that slows a host down on 429, 503, timeouts and rising latency, and {@code Retry-After}. For a
 * site of your own, raise the limits for that host only with
 * {@link Builder#hostLimits(String, int, Duration)}.
 *
 * <pre>
 *   build()      run()                              frontier empty / limit / stop()
 *  --------> NEW -------> RUNNING ---------------------------------------------> FINISHED | STOPPED
 *                            |  stop(), Ctrl-C: in-flight pages finish (or go back to the frontier)
 *                            +--> STOPPING --> STOPPED           a store failure --> FAILED
 * </pre>
 *
 * <p><b>Threads.</b> {@link #run()} is called once, from a Weft task (or a plain thread, which
 * then runs its own loop). {@link #stop()} and {@link #stats()} are safe from any thread.
 */
public final class Crawler {

    private final CrawlConfig config;
    private final Counters counters = new Counters();
    private final AtomicReference<CrawlRun> run = new AtomicReference<>();
    private final AtomicReference<Task<CrawlStats>> started = new AtomicReference<>();
    private volatile boolean stopRequested;
    private volatile EventLoop loop;

    private Crawler(CrawlConfig config) {
        this.config = config;
    }

    /** {@return a builder with the polite defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Crawls until the frontier is empty, a limit is reached or {@link #stop()} is called, and
     * returns the final counters. Everything is flushed to the store before it returns.
     * Call it once, from a Weft task; from a plain thread it runs the crawl on a loop of its own.
     * If the calling task is cancelled (Ctrl-C under {@code Weft.run}), the crawl stops as with
     * {@link #stop()}, is flushed, and the cancellation is rethrown.
     *
     * @return the final counters
     * @throws UnfinishedCrawlException if the store holds an unfinished crawl and {@code resume} is off
     * @throws StoreException           if the store cannot be opened or written (the message says why)
     * @throws CrawlFailedException     if the crawl ran out of memory (the message says what to change)
     * @throws IllegalStateException    if called twice
     */
    public CrawlStats run() {
        if (EventLoop.current() == null) {
            return Weft.run(this::run);
        }
        EventLoop l = EventLoop.running();
        CrawlRun r = new CrawlRun(config, counters, l);
        if (!run.compareAndSet(null, r)) {
            throw new IllegalStateException("a Crawler runs once; build another one for another crawl");
        }
        loop = l;
        if (stopRequested) {
            r.requestStop();
        }
        return r.run();
    }

    /**
     * Starts the crawl in a new task of the current loop and returns at once (asyncio's
     * {@code create_task}); the caller goes on and later calls {@link #await()} (or awaits the
     * returned task), and may call {@link #stop()} meanwhile. Call it once, from a Weft task.
     *
     * <pre>{@code
     * Crawler crawler = Crawler.builder().seeds("http://127.0.0.1:8080/").store("sqlite:crawl.db").build();
     * crawler.start();
     * while (crawler.stats().pagesDone() < 100) {     // the calling task is free meanwhile
     *     Weft.sleep(Duration.ofSeconds(1));
     * }
     * crawler.stop();                                 // enough: in-flight pages finish, all is flushed
     * CrawlStats stats = crawler.await();             // STOPPED; resume(true) continues it later
     * }</pre>
     *
     * @return the crawl's task; its result is what {@link #run()} would have returned
     * @throws IllegalStateException if not called from a Weft task, or if the crawl already started
     */
    public Task<CrawlStats> start() {
        if (Task.current() == null) {
            throw new IllegalStateException("start() runs the crawl in a task of the current loop: call it from a"
                    + " Weft task (under Weft.run), or call run() from a plain thread");
        }
        synchronized (started) {
            if (started.get() != null || run.get() != null) {
                throw new IllegalStateException("a Crawler runs once; build another one for another crawl");
            }
            Task<CrawlStats> t = Weft.spawn(taskName(), this::run);
            started.set(t);
            return t;
        }
    }

    private String taskName() {
        List<String> seeds = config.seeds();
        return seeds.isEmpty() ? "crawler (resumed)" : "crawler " + seeds.getFirst()
                + (seeds.size() > 1 ? " and " + (seeds.size() - 1) + " more" : "");
    }

    /**
     * Waits for the end of the crawl {@link #start()} started and returns its final counters
     * (from a Weft task or any plain thread). If the crawl failed, its exception is thrown here.
     *
     * @return the final counters
     * @throws IllegalStateException    if {@link #start()} was not called
     * @throws UnfinishedCrawlException if the store holds an unfinished crawl and {@code resume} is off
     * @throws StoreException           if the store cannot be opened or written
     * @throws CrawlFailedException     if the crawl ran out of memory
     */
    public CrawlStats await() {
        Task<CrawlStats> t = started.get();
        if (t == null) {
            throw new IllegalStateException("await() waits for the crawl start() started: call start() first"
                    + " (or run(), which does both)");
        }
        return t.await();
    }

    /**
     * Stops the crawl: nothing new starts, pages in flight finish (or, after a few seconds, go
     * back to the frontier), everything is flushed, and {@link #run()} returns with state
     * {@code STOPPED}; {@code resume(true)} continues it. Safe from any thread; idempotent.
     */
    public void stop() {
        stopRequested = true;
        CrawlRun r = run.get();
        EventLoop l = loop;
        if (r != null && l != null) {
            l.callSoonThreadsafe(r::requestStop);
        }
    }

    /** {@return a consistent snapshot of the live counters; safe from any thread} */
    public CrawlStats stats() {
        EventLoop l = loop;
        return counters.snapshot(l != null ? l.nanoTime() : System.nanoTime());
    }

    /** {@return the canonical seed URLs} */
    public List<String> seeds() {
        return config.seeds();
    }

    // ------------------------------------------------------------------ builder

    /**
     * The settings of a crawl, with polite defaults. Not thread-safe; {@link #build()} checks
     * everything and says what is wrong.
     */
    public static final class Builder {

        /** The default User-Agent. */
        public static final String DEFAULT_USER_AGENT = "WeftCrawler/0.1 (+https://weft.dev)";

        private final List<String> seeds = new ArrayList<>();
        private long maxPages = Long.MAX_VALUE;
        private int maxDepth = 20;
        private long maxPagesPerHost = Long.MAX_VALUE;
        private int concurrency = 64;
        private int perHost = 2;
        private Duration delay = Duration.ofMillis(500);
        private Scope scope = Scope.HOST;
        private final List<Pattern> allow = new ArrayList<>();
        private final List<Pattern> deny = new ArrayList<>();
        private final List<FieldRule> fields = new ArrayList<>();
        private Duration timeout = Duration.ofSeconds(30);
        private int retries = 3;
        private String userAgent = DEFAULT_USER_AGENT;
        private dev.weft.net.TlsOptions tls = dev.weft.net.TlsOptions.client();
        private boolean http2 = true;
        private boolean ignoreRobots;
        private boolean followNofollow;
        private boolean sitemaps;
        private long maxBodySize = 10L << 20;
        private int maxUrlLength = 2000;
        private boolean sortQuery;
        private int maxRedirects = 10;
        private Duration maxHostWait = Duration.ofMinutes(5);
        private final List<HostLimits> hostLimits = new ArrayList<>();
        private String storeUri;
        private Store store;
        private boolean resume;
        private PageHandler onPage;
        private Consumer<Object> onItem;
        private final List<CrawlListener> listeners = new ArrayList<>();
        private Duration progressInterval = Duration.ofSeconds(1);
        private Duration stopGrace = Duration.ofSeconds(3);
        private EngineTrace trace = EngineTrace.NONE;
        private int windowPerHost = 1000;
        private long largeBodyMemory;
        private int windowTotal = 200_000;
        private boolean allowPrivateAddresses;
        private dev.weft.net.Resolver resolver = dev.weft.net.Resolver.system();
        private java.util.function.Predicate<java.net.InetAddress> publicAddress = AddressGuard::isPublic;

        private Builder() {
        }

        /** The frontier's memory window (package-private: tests make it small to see the spill). */
        Builder window(int perHost, int total) {
            windowPerHost = perHost;
            windowTotal = total;
            return this;
        }

        /**
         * The test seam of the address guard (package-private): how host names resolve, and which
         * addresses count as public (default: the system's resolver, {@link AddressGuard#isPublic}).
         * A test serves a "public" site on a loopback address under a made-up name, and counts that
         * one address as public; everything else keeps the real rule.
         */
        Builder addresses(dev.weft.net.Resolver names, java.util.function.Predicate<java.net.InetAddress> isPublic) {
            resolver = Objects.requireNonNull(names, "names");
            publicAddress = Objects.requireNonNull(isPublic, "isPublic");
            return this;
        }

        /** Hooks for tests (package-private). */
        Builder trace(EngineTrace t) {
            trace = t;
            return this;
        }

        /**
         * Adds seed URLs (absolute http or https).
         *
         * @param urls the seeds
         * @return this builder
         */
        public Builder seeds(String... urls) {
            return seeds(List.of(urls));
        }

        /**
         * Adds seed URLs (absolute http or https).
         *
         * @param urls the seeds
         * @return this builder
         */
        public Builder seeds(List<String> urls) {
            seeds.addAll(urls);
            return this;
        }

        /**
         * The most pages stored in all (default: no limit). Every admitted URL ends as one
         * stored page, so the crawl admits at most this many URLs.
         *
         * @param n the limit (at least 1)
         * @return this builder
         */
        public Builder maxPages(long n) {
            maxPages = n;
            return this;
        }

        /**
         * The deepest page followed: seeds are depth 0, their links 1, … (default 20, a trap defence).
         *
         * @param d the depth; negative for no limit
         * @return this builder
         */
        public Builder maxDepth(int d) {
            maxDepth = d;
            return this;
        }

        /**
         * The most pages stored per host (default: no limit; a trap defence).
         *
         * @param n the limit (at least 1)
         * @return this builder
         */
        public Builder maxPagesPerHost(long n) {
            maxPagesPerHost = n;
            return this;
        }

        /**
         * Requests in flight in total (default 64).
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder concurrency(int n) {
            concurrency = n;
            return this;
        }

        /**
         * Requests in flight per host at most (default 2). The adaptive throttle may use fewer
         * while a host struggles. See {@link #hostLimits} to raise it for one host.
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder perHost(int n) {
            perHost = n;
            return this;
        }

        /**
         * The least gap between two request starts to one host (default 500 ms). robots.txt's
         * {@code Crawl-delay} wins when it is larger.
         *
         * @param d zero or more
         * @return this builder
         */
        public Builder delay(Duration d) {
            delay = d;
            return this;
        }

        /**
         * Raises (or lowers) the politeness limits of one host — e.g. a local site of your own
         * that may be crawled fast — while every other host keeps {@link #perHost(int)} and
         * {@link #delay(Duration)}.
         *
         * @param host    a host name (every port) or an origin {@code http://host:port}
         * @param perHost requests in flight to it
         * @param delay   least gap between request starts to it
         * @return this builder
         */
        public Builder hostLimits(String host, int perHost, Duration delay) {
            hostLimits.add(new HostLimits(host, perHost, delay));
            return this;
        }

        /**
         * How far from the seeds (default {@link Scope#HOST}).
         *
         * @param s the scope
         * @return this builder
         */
        public Builder scope(Scope s) {
            scope = Objects.requireNonNull(s, "scope");
            return this;
        }

        /**
         * Follows only links whose canonical URL matches one of these patterns (repeatable;
         * {@code find}, not a whole-string match). Seeds are exempt.
         *
         * @param regex a Java regular expression
         * @return this builder
         */
        public Builder allow(String regex) {
            allow.add(compile("allow", regex));
            return this;
        }

        /**
         * Never follows links whose canonical URL matches this pattern (repeatable).
         *
         * @param regex a Java regular expression
         * @return this builder
         */
        public Builder deny(String regex) {
            deny.add(compile("deny", regex));
            return this;
        }

        /**
         * Extracts a field from every HTML page: the first match's text, or an attribute with
         * {@code CSS@attr} ({@code abs:href} for an absolute URL). Stored as JSON in
         * {@code fields}; repeatable.
         *
         * @param name the field's name
         * @param css  a CSS selector, optionally followed by {@code @attribute}
         * @return this builder
         */
        public Builder extract(String name, String css) {
            fields.add(FieldRule.of(name, css));
            return this;
        }

        /**
         * Extracts a field given as {@code NAME=CSS[@attr]} (the CLI's form).
         *
         * @param spec the rule
         * @return this builder
         */
        public Builder extract(String spec) {
            fields.add(FieldRule.parse(spec));
            return this;
        }

        /**
         * The time limit of one request, body included (default 30 s).
         *
         * @param d more than zero
         * @return this builder
         */
        public Builder timeout(Duration d) {
            timeout = d;
            return this;
        }

        /**
         * How many times a request is tried again after a timeout, a connection error, a 5xx or
         * a 429, with exponential backoff and jitter (default 3).
         *
         * @param n zero or more
         * @return this builder
         */
        public Builder retries(int n) {
            retries = n;
            return this;
        }

        /**
         * TLS for https pages (default {@code TlsOptions.client()}: the JDK's trust store, host
         * names checked). {@code TlsOptions.client().trustPem(caFile)} trusts a private CA (an
         * intranet); {@code TlsOptions.insecure()} turns verification off (logged as a warning;
         * only for sites you own). A page whose certificate is refused is stored with a
         * {@code tls} error naming the reason, and is not asked again.
         *
         * @param options the TLS settings
         * @return this builder
         */
        public Builder tls(dev.weft.net.TlsOptions options) {
            tls = Objects.requireNonNull(options, "tls");
            return this;
        }

        /**
         * Lets the crawl connect to non-public addresses: loopback, private (RFC 1918, {@code fc00::/7}),
         * link-local (the cloud metadata service {@code 169.254.169.254} among them), unspecified,
         * multicast (see {@link AddressGuard}). By default they are refused at connect time, on the
         * address the host resolves to, and the page is stored with a {@code blocked} error: a link,
         * a redirect or a DNS answer cannot steer a crawl of public sites into the machine's own
         * network. They are allowed anyway when a seed resolves to one (the crawl of an intranet,
         * of a local site): this switch allows them always (default false).
         *
         * @param on whether to allow them
         * @return this builder
         */
        public Builder allowPrivateAddresses(boolean on) {
            allowPrivateAddresses = on;
            return this;
        }

        /**
         * Whether https pages may come over HTTP/2 (default true): TLS offers {@code h2} and
         * {@code http/1.1} by ALPN, and a host whose server picks {@code h2} gets all its requests
         * as streams of one connection — still at most {@link #perHost(int)} at once — while a
         * server that picks {@code http/1.1} is crawled as before. False: HTTP/1.1 only
         * ({@code --http1-only}). Plain http is HTTP/1.1 either way (no h2c).
         *
         * @param on false to crawl over HTTP/1.1 only
         * @return this builder
         */
        public Builder http2(boolean on) {
            http2 = on;
            return this;
        }

        /**
         * The User-Agent header; its first word is matched against robots.txt groups (default
         * {@value #DEFAULT_USER_AGENT}).
         *
         * @param ua the header value
         * @return this builder
         */
        public Builder userAgent(String ua) {
            userAgent = ua;
            return this;
        }

        /**
         * Ignores robots.txt and robots meta tags (default false). Only for sites you own.
         *
         * @param on whether to ignore them
         * @return this builder
         */
        public Builder ignoreRobots(boolean on) {
            ignoreRobots = on;
            return this;
        }

        /**
         * Follows links marked {@code rel=nofollow} and pages marked nofollow (default false).
         *
         * @param on whether to follow them
         * @return this builder
         */
        public Builder followNofollow(boolean on) {
            followNofollow = on;
            return this;
        }

        /**
         * Reads the sitemaps robots.txt lists and admits their URLs (default false).
         *
         * @param on whether to read them
         * @return this builder
         */
        public Builder sitemaps(boolean on) {
            sitemaps = on;
            return this;
        }

        /**
         * The most body bytes read per page (default 10 MiB); a longer page is stored as
         * truncated, not dropped.
         *
         * @param bytes at least 1
         * @return this builder
         */
        public Builder maxBodySize(long bytes) {
            maxBodySize = bytes;
            return this;
        }

        /**
         * The memory for page bodies larger than 1 MiB, shared by the requests in flight (default
         * 0: a quarter of the heap). As many bodies at {@link #maxBodySize} as fit in it are read
         * at once; a page whose body outgrows 1 MiB while that memory is taken is asked again
         * when it is free, holding its share before its request is sent (never a timeout, never
         * a retry). With the defaults (10 MiB, a 2 GiB heap) 51 bodies may be past 1 MiB at once;
         * with {@code maxBodySize(100_000_000)}, 5 — 64 bodies of 60 MB in flight filled the heap
         * ({@code OutOfMemoryError}) before.
         *
         * @param bytes the memory, or 0 for a quarter of the heap
         * @return this builder
         */
        public Builder largeBodyMemory(long bytes) {
            largeBodyMemory = bytes;
            return this;
        }

        /**
         * The longest canonical URL admitted (default 2,000; at most 2,048, the key size of the SQL stores).
         *
         * @param chars the limit
         * @return this builder
         */
        public Builder maxUrlLength(int chars) {
            maxUrlLength = chars;
            return this;
        }

        /**
         * Sorts query parameters when making URLs canonical, so that {@code ?b=1&a=2} and
         * {@code ?a=2&b=1} are one page (default false: kept in order).
         *
         * @param on whether to sort
         * @return this builder
         */
        public Builder sortQuery(boolean on) {
            sortQuery = on;
            return this;
        }

        /**
         * How many redirects one page may follow (default 10).
         *
         * @param n zero or more
         * @return this builder
         */
        public Builder maxRedirects(int n) {
            maxRedirects = n;
            return this;
        }

        /**
         * The longest a host may make the crawl wait between two requests (a robots.txt
         * {@code Crawl-delay}, a {@code Retry-After}) within one run (default 5 minutes). A host
         * asking for more is deferred: its URLs stay queued in the store for a later
         * {@code resume}, and the crawl ends as {@code STOPPED}.
         *
         * @param d the limit
         * @return this builder
         */
        public Builder maxHostWait(Duration d) {
            maxHostWait = d;
            return this;
        }

        /**
         * Where pages and the crawl's state go: {@code sqlite:PATH}, {@code jsonl:PATH},
         * {@code postgresql://user@host:port/db}, {@code mysql://user@host:port/db}. Without a
         * store, pages are not kept (a temporary SQLite file holds the frontier during the run).
         *
         * @param uri the store's URI
         * @return this builder
         */
        public Builder store(String uri) {
            storeUri = Objects.requireNonNull(uri, "uri");
            store = null;
            return this;
        }

        /**
         * A store of your own making (see {@link dev.weft.crawler.store.Stores}).
         *
         * @param s the store; the crawler opens and closes it
         * @return this builder
         */
        public Builder store(Store s) {
            store = Objects.requireNonNull(s, "store");
            storeUri = null;
            return this;
        }

        /**
         * Continues the unfinished crawl the store holds (default false: a store holding one is
         * refused). Without seeds, the stored crawl's seeds are used.
         *
         * @param on whether to resume
         * @return this builder
         */
        public Builder resume(boolean on) {
            resume = on;
            return this;
        }

        /**
         * The per-page callback (see {@link PageHandler}).
         *
         * @param handler the callback
         * @return this builder
         */
        public Builder onPage(PageHandler handler) {
            onPage = handler;
            return this;
        }

        /**
         * Receives every item the page callback emits (on the crawl's loop: keep it short).
         *
         * @param sink the sink
         * @return this builder
         */
        public Builder onItem(Consumer<Object> sink) {
            onItem = sink;
            return this;
        }

        /**
         * Adds a listener (progress, pages done, the end).
         *
         * @param l the listener
         * @return this builder
         */
        public Builder listener(CrawlListener l) {
            listeners.add(Objects.requireNonNull(l, "listener"));
            return this;
        }

        /**
         * How often listeners get {@link CrawlListener#progress} (default 1 s).
         *
         * @param d more than zero
         * @return this builder
         */
        public Builder progressInterval(Duration d) {
            progressInterval = d;
            return this;
        }

        /**
         * How long pages in flight may finish after {@link Crawler#stop()} before they are
         * cancelled and go back to the frontier (default 3 s).
         *
         * @param d zero or more
         * @return this builder
         */
        public Builder stopGrace(Duration d) {
            stopGrace = d;
            return this;
        }

        /**
         * Checks the settings and makes the crawler.
         *
         * @return the crawler
         * @throws IllegalArgumentException naming the setting that is wrong
         */
        public Crawler build() {
            UrlNormalizer n = new UrlNormalizer(sortQuery);
            java.util.Set<String> canonical = new java.util.LinkedHashSet<>(); // a list of 1,000,000 seeds too
            for (String s : seeds) {
                String c = n.normalize(s);
                if (c == null) {
                    throw new IllegalArgumentException("not an absolute http(s) URL: " + s);
                }
                canonical.add(c);
            }
            if (canonical.isEmpty() && !resume) {
                throw new IllegalArgumentException("no seed URLs: give at least one (or resume a stored crawl)");
            }
            positive("maxPages", maxPages);
            positive("maxPagesPerHost", maxPagesPerHost);
            positive("concurrency", concurrency);
            positive("perHost", perHost);
            positive("maxBodySize", maxBodySize);
            if (retries < 0) {
                throw new IllegalArgumentException("retries must not be negative: " + retries);
            }
            if (maxRedirects < 0) {
                throw new IllegalArgumentException("maxRedirects must not be negative: " + maxRedirects);
            }
            if (maxUrlLength < 16 || maxUrlLength > 2048) {
                throw new IllegalArgumentException("maxUrlLength must be between 16 and 2048: " + maxUrlLength);
            }
            notNegative("delay", delay);
            notNegative("stopGrace", stopGrace);
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must be more than zero: " + Durations.format(timeout));
            }
            if (progressInterval == null || progressInterval.isZero() || progressInterval.isNegative()) {
                throw new IllegalArgumentException("progressInterval must be more than zero: " + Durations.format(progressInterval));
            }
            notNegative("maxHostWait", maxHostWait);
            for (var d : java.util.Map.of("delay", delay, "stopGrace", stopGrace, "timeout", timeout,
                    "progressInterval", progressInterval, "maxHostWait", maxHostWait).entrySet()) {
                atMostAWeek(d.getKey(), d.getValue());
            }
            for (HostLimits h : hostLimits) {
                atMostAWeek("the delay of " + h.host(), h.delay());
            }
            if (userAgent == null || userAgent.isBlank()) {
                throw new IllegalArgumentException("userAgent must not be empty");
            }
            for (int i = 0; i < userAgent.length(); i++) {
                char c = userAgent.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7F) {
                    throw new IllegalArgumentException("userAgent must not hold control characters (a line break"
                            + " would end the header): " + visible(userAgent));
                }
            }
            if (largeBodyMemory < 0) {
                throw new IllegalArgumentException("largeBodyMemory must not be negative: " + largeBodyMemory);
            }
            if (storeUri != null) {
                dev.weft.crawler.store.Stores.open(storeUri); // checks the URI (opens nothing)
            }
            return new Crawler(new CrawlConfig(List.copyOf(canonical), maxPages, maxDepth, maxPagesPerHost,
                    concurrency, perHost, delay, scope, List.copyOf(allow), List.copyOf(deny), List.copyOf(fields),
                    timeout, retries, userAgent, ignoreRobots, followNofollow, sitemaps, maxBodySize, maxUrlLength,
                    sortQuery, maxRedirects, maxHostWait, List.copyOf(hostLimits), storeUri, store, resume, onPage,
                    onItem, List.copyOf(listeners), progressInterval, stopGrace, trace, windowPerHost, windowTotal, tls,
                    http2, allowPrivateAddresses, resolver, publicAddress, largeBodyMemory));
        }

        /** Control characters as escapes ({@code \r}, {@code \n}, {@code \x01}), the rest as it is. */
        private static String visible(String s) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\r') {
                    out.append("\\r");
                } else if (c == '\n') {
                    out.append("\\n");
                } else if ((c < 0x20 && c != '\t') || c == 0x7F) {
                    out.append(String.format("\\x%02X", (int) c));
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }

        private static Pattern compile(String what, String regex) {
            try {
                return Pattern.compile(Objects.requireNonNull(regex, what));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("not a valid " + what + " pattern: " + regex + " ("
                        + e.getDescription() + ")", e);
            }
        }

        private static void positive(String name, long v) {
            if (v < 1) {
                throw new IllegalArgumentException(name + " must be at least 1: " + v);
            }
        }

        /** Longer ones overflow the loop's clock (nanoseconds) once added to it, and mean nothing sane. */
        private static void atMostAWeek(String name, Duration d) {
            if (d.compareTo(Duration.ofDays(7)) > 0) {
                throw new IllegalArgumentException(name + " must be at most 7 days: " + Durations.format(d));
            }
        }

        private static void notNegative(String name, Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + Durations.format(d));
            }
        }
    }
}
