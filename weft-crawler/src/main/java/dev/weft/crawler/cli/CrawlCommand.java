package dev.weft.crawler.cli;

import dev.weft.CancelledException;
import dev.weft.Weft;
import dev.weft.crawler.CrawlListener;
import dev.weft.crawler.CrawlStats;
import dev.weft.crawler.Crawler;
import dev.weft.crawler.Scope;
import dev.weft.crawler.progress.ProgressDisplay;
import dev.weft.crawler.store.StoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./weft crawl URL... [options]}: the {@link Crawler} behind picocli. Prints live
 * progress on standard error (a line redrawn in place on a terminal, a plain line every few
 * seconds otherwise) and a summary at the end. Ctrl-C (SIGINT) or SIGTERM stops the crawl
 * within a few seconds — pages in flight finish or go back to the frontier, everything is
 * flushed, the summary is printed — and the process exits with 130 or 143; {@code --resume}
 * continues where it stopped.
 *
 * <p>Exit codes: 0 done (or stopped with hosts deferred: run again with {@code --resume}),
 * 1 the store failed or holds an unfinished crawl, 2 a usage error, 130/143 interrupted.
 */
@Command(name = "./weft crawl", mixinStandardHelpOptions = true, versionProvider = CrawlCommand.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = "Crawls the web from the seed URLs, politely, into SQLite, PostgreSQL, MariaDB/MySQL or JSONL. "
            + "robots.txt and its Crawl-delay are obeyed; each host gets at most --per-host requests at once and "
            + "--delay between two request starts; a host that answers 429 or 503, times out or slows down is "
            + "slowed down. Every page ends as one row; a crawl stopped (Ctrl-C) or killed at any moment continues "
            + "with --resume.",
        footer = {"", "Examples:",
            "  ./weft crawl https://example.com/ --max-pages 1000",
            "  ./weft crawl https://example.com/ --extract price=.price --out jsonl:pages.jsonl",
            "  ./weft crawl https://example.com/ --out postgresql://postgres@127.0.0.1/crawl",
            "  ./weft crawl --resume --out sqlite:crawl.db"})
public final class CrawlCommand implements Callable<Integer> {

    @Parameters(paramLabel = "URL", arity = "0..*", description = "Seed URLs (http or https). With --resume they may be left out: the stored crawl's seeds are used.")
    List<String> urls = new ArrayList<>();

    @Option(names = "--seeds-file", paramLabel = "FILE",
            description = "More seed URLs, one per line (blank lines and lines starting with # are skipped; - reads standard input): a list crawl of many URLs.")
    String seedsFile;

    @Option(names = "--out", paramLabel = "URI", defaultValue = "sqlite:crawl.db",
            description = "Where pages and the crawl's state go: sqlite:PATH, jsonl:PATH, postgresql://user@host:port/db, mysql://user@host:port/db (default: ${DEFAULT-VALUE}).")
    String out;

    @Option(names = "--max-pages", paramLabel = "N", description = "Store at most N pages (default: no limit).")
    Long maxPages;

    @Option(names = "--max-depth", paramLabel = "D", defaultValue = "20",
            description = "Follow links at most D deep from the seeds; -1 for no limit (default: ${DEFAULT-VALUE}).")
    int maxDepth;

    @Option(names = "--max-pages-per-host", paramLabel = "N", description = "Store at most N pages per host (default: no limit).")
    Long maxPagesPerHost;

    @Option(names = "--concurrency", paramLabel = "C", defaultValue = "64",
            description = "Requests in flight in total (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--per-host", paramLabel = "P", defaultValue = "2",
            description = "Requests in flight per host (default: ${DEFAULT-VALUE}).")
    int perHost;

    @Option(names = "--delay", paramLabel = "MS", defaultValue = "500",
            description = "Least gap between two request starts to one host, in milliseconds; robots.txt's Crawl-delay wins when larger (default: ${DEFAULT-VALUE}).")
    long delayMs;

    @Option(names = "--host-limit", paramLabel = "HOST=P/MS",
            description = "Other limits for one host (a site of your own), e.g. 127.0.0.1=16/0: 16 in flight, no delay. Repeatable.")
    List<String> hostLimits = new ArrayList<>();

    @Option(names = "--scope", paramLabel = "host|domain|any", defaultValue = "host",
            description = "How far from the seeds: their hosts, their registered domains, or anywhere (default: ${DEFAULT-VALUE}).")
    String scope;

    @Option(names = "--allow", paramLabel = "REGEX", description = "Follow only links matching one of these regexes (repeatable).")
    List<String> allow = new ArrayList<>();

    @Option(names = "--deny", paramLabel = "REGEX", description = "Never follow links matching this regex (repeatable).")
    List<String> deny = new ArrayList<>();

    @Option(names = "--extract", paramLabel = "NAME=CSS[@attr]",
            description = "Store a field of every HTML page, as JSON in the fields column: the first match's text, or its attribute (abs:href for an absolute URL). Repeatable.")
    List<String> extract = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Time limit of one request, body included (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "3",
            description = "Tries again after a timeout, a connection error, a 5xx or a 429, with exponential backoff (default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--user-agent", paramLabel = "UA", defaultValue = Crawler.Builder.DEFAULT_USER_AGENT,
            description = "The User-Agent; its first word is matched against robots.txt (default: ${DEFAULT-VALUE}).")
    String userAgent;

    @Option(names = "--ca-file", paramLabel = "PEM",
            description = "Trust the CA certificates in this PEM file for https instead of the JDK's (an intranet's private CA).")
    java.nio.file.Path caFile;

    @Option(names = "--insecure",
            description = "Do not verify https certificates or host names (only for sites you own; says so as a warning).")
    boolean insecure;

    @Option(names = "--allow-private-addresses",
            description = "Let the crawl connect to loopback, private and link-local addresses (refused by default, as "
                    + "'blocked' errors, unless a seed is on one).")
    boolean allowPrivateAddresses;

    @Option(names = "--http1-only",
            description = "Crawl https sites over HTTP/1.1 only; by default a server that offers HTTP/2 (ALPN h2) gets it.")
    boolean http1Only;

    @Option(names = "--ignore-robots", description = "Ignore robots.txt and robots meta tags (only for sites you own).")
    boolean ignoreRobots;

    @Option(names = "--follow-nofollow", description = "Follow rel=nofollow links and pages marked nofollow.")
    boolean followNofollow;

    @Option(names = "--sitemaps", description = "Read the sitemaps robots.txt lists and crawl their URLs.")
    boolean sitemaps;

    @Option(names = "--sort-query", description = "Treat ?a=1&b=2 and ?b=2&a=1 as one URL.")
    boolean sortQuery;

    @Option(names = "--max-body-size", paramLabel = "BYTES", defaultValue = "10485760",
            description = "Read at most this much of a page; a longer one is stored as truncated (default: ${DEFAULT-VALUE}).")
    long maxBodySize;

    @Option(names = "--max-url-length", paramLabel = "N", defaultValue = "2000",
            description = "Ignore links longer than this (default: ${DEFAULT-VALUE}).")
    int maxUrlLength;

    @Option(names = "--max-host-wait", paramLabel = "SECONDS", defaultValue = "300",
            description = "A host asking for a longer Crawl-delay or Retry-After is set aside for a later --resume (default: ${DEFAULT-VALUE}).")
    long maxHostWaitSeconds;

    @Option(names = "--resume", description = "Continue the unfinished crawl stored in --out (a crawl stopped by Ctrl-C or killed).")
    boolean resume;

    @Option(names = {"-q", "--quiet"}, description = "No progress line, only the summary.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Log what the crawler does (robots.txt, deferred hosts, retries).")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** A command with every option at its default (picocli fills them in). */
    public CrawlCommand() {
    }

    /**
     * Runs the command and exits.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        boolean verbose = List.of(args).contains("-v") || List.of(args).contains("--verbose");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        System.setProperty("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "warn");
        // The MariaDB driver logs a refused login or an unknown database as a WARN line of its
        // own before the crawl reports the same error in words: once is enough.
        System.setProperty("org.slf4j.simpleLogger.log.org.mariadb.jdbc", verbose ? "warn" : "error");
        System.exit(execute(args));
    }

    /**
     * Runs the command (without exiting).
     *
     * @param args the command line
     * @return the exit code
     */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /**
     * The command line parser, with usage errors reported the way command-line tools do: the
     * message, a suggestion for a mistyped option, the synopsis and where to find the help —
     * not the whole help, which would bury the message.
     *
     * @return a parser for one run
     */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new CrawlCommand());
        cmd.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            java.io.PrintWriter err = c.getErr();
            err.println("weft crawl: " + ex.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
                err.print(c.getHelp().fullSynopsis());
            }
            err.println("Try './weft crawl --help' for more information.");
            err.flush();
            return c.getCommandSpec().exitCodeOnInvalidInput();
        });
        return cmd;
    }

    /** Builder names in messages, as the options a user of the CLI typed. */
    private static final Map<String, String> OPTION_NAMES = Map.ofEntries(Map.entry("maxPages", "--max-pages"),
            Map.entry("maxPagesPerHost", "--max-pages-per-host"), Map.entry("concurrency", "--concurrency"),
            Map.entry("perHost", "--per-host"), Map.entry("maxBodySize", "--max-body-size"),
            Map.entry("retries", "--retries"), Map.entry("maxUrlLength", "--max-url-length"),
            Map.entry("timeout", "--timeout"), Map.entry("userAgent", "--user-agent"), Map.entry("delay", "--delay"),
            Map.entry("maxHostWait", "--max-host-wait"));

    static String inOptionNames(String message) {
        if (message == null) {
            return null;
        }
        int space = message.indexOf(' ');
        String first = space < 0 ? message : message.substring(0, space);
        String option = OPTION_NAMES.get(first);
        return option == null ? message : option + message.substring(first.length());
    }

    @Override
    public Integer call() {
        ProgressDisplay progress = quiet ? null : ProgressDisplay.onStandardError();
        Crawler crawler;
        try {
            crawler = build(progress);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), inOptionNames(e.getMessage()), e);
        }
        return Weft.run(() -> run(crawler, progress));
    }

    private int run(Crawler crawler, ProgressDisplay progress) {
        CrawlStats stats;
        try {
            stats = crawler.run();
        } catch (CancelledException e) {
            finishProgress(progress, crawler.stats());
            summary(crawler.stats());
            out().println("Interrupted: everything fetched is stored. Continue with the same command and --resume.");
            out().flush();
            throw e; // Weft.run hands the signal back: exit 130 (SIGINT) or 143 (SIGTERM)
        } catch (StoreException | dev.weft.crawler.CrawlFailedException e) {
            finishProgress(progress, crawler.stats());
            spec.commandLine().getErr().println("weft crawl: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        } catch (IllegalArgumentException e) {
            // --resume without seeds, and the store holds no crawl: a usage error found at run time
            finishProgress(progress, crawler.stats());
            spec.commandLine().getErr().println("weft crawl: " + inOptionNames(e.getMessage()));
            spec.commandLine().getErr().flush();
            return 2;
        }
        finishProgress(progress, stats);
        summary(stats);
        if (stats.state() == CrawlStats.State.STOPPED && stats.deferred() > 0) {
            out().println(stats.deferred() + " URLs wait on hosts set aside for this run (a long Crawl-delay or "
                    + "Retry-After): they stay queued; continue later with --resume.");
        }
        return 0;
    }

    private List<String> seedsFromFile() {
        if (seedsFile == null) {
            return List.of();
        }
        List<String> seeds = new ArrayList<>();
        try (java.io.BufferedReader in = seedsFile.equals("-")
                ? new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))
                : java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(seedsFile))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String u = line.strip();
                if (!u.isEmpty() && !u.startsWith("#")) {
                    seeds.add(u);
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("--seeds-file " + seedsFile + ": no such file", e);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException("--seeds-file " + seedsFile + ": cannot read it (" + e.getMessage() + ")", e);
        }
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("--seeds-file " + seedsFile + " holds no URL");
        }
        return seeds;
    }

    private dev.weft.net.TlsOptions tls() {
        if (insecure && caFile != null) {
            throw new IllegalArgumentException("--insecure and --ca-file cannot go together: choose one");
        }
        if (insecure) {
            return dev.weft.net.TlsOptions.insecure();
        }
        if (caFile == null) {
            return dev.weft.net.TlsOptions.client();
        }
        try {
            return dev.weft.net.TlsOptions.client().trustPem(caFile);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--ca-file " + caFile + ": " + dev.weft.crawler.store.IoErrors.why(e), e);
        }
    }

    private static void finishProgress(ProgressDisplay progress, CrawlStats s) {
        if (progress != null) {
            progress.finish(s.pagesDone(), s.urlsKnown(), s.inFlight(), s.queued(), s.errors());
        }
    }

    Crawler build(ProgressDisplay progress) {
        Crawler.Builder b = Crawler.builder()
                .seeds(urls)
                .seeds(seedsFromFile())
                .maxDepth(maxDepth)
                .concurrency(concurrency)
                .perHost(perHost)
                .delay(Duration.ofMillis(nonNegative("--delay", delayMs)))
                .scope(scope())
                .timeout(Duration.ofMillis(Math.round(timeoutSeconds * 1000)))
                .retries(retries)
                .userAgent(userAgent)
                .tls(tls())
                .http2(!http1Only)
                .ignoreRobots(ignoreRobots)
                .followNofollow(followNofollow)
                .sitemaps(sitemaps)
                .sortQuery(sortQuery)
                .maxBodySize(maxBodySize)
                .maxUrlLength(maxUrlLength)
                .maxHostWait(Duration.ofSeconds(nonNegative("--max-host-wait", maxHostWaitSeconds)))
                .store(out)
                .resume(resume)
                .allowPrivateAddresses(allowPrivateAddresses);
        if (maxPages != null) {
            b.maxPages(maxPages);
        }
        if (maxPagesPerHost != null) {
            b.maxPagesPerHost(maxPagesPerHost);
        }
        for (String a : allow) {
            b.allow(a);
        }
        for (String d : deny) {
            b.deny(d);
        }
        for (String e : extract) {
            b.extract(e);
        }
        for (String h : hostLimits) {
            hostLimit(b, h);
        }
        if (timeoutSeconds <= 0) {
            throw new IllegalArgumentException("--timeout must be more than 0 seconds: " + timeoutSeconds);
        }
        if (progress != null) {
            b.progressInterval(progress.isTerminal() ? ProgressDisplay.TERMINAL_INTERVAL : Duration.ofSeconds(1));
            b.listener(new CrawlListener() {
                @Override
                public void progress(CrawlStats s) {
                    progress.update(s.pagesDone(), s.urlsKnown(), s.inFlight(), s.queued(), s.errors());
                }
            });
        }
        return b.build();
    }

    private Scope scope() {
        try {
            return Scope.valueOf(scope.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--scope must be host, domain or any, not '" + scope + "'");
        }
    }

    private static long nonNegative(String option, long v) {
        if (v < 0) {
            throw new IllegalArgumentException(option + " must not be negative: " + v);
        }
        return v;
    }

    private static void hostLimit(Crawler.Builder b, String spec) {
        int eq = spec.lastIndexOf('=');
        int slash = spec.lastIndexOf('/');
        if (eq <= 0 || slash < eq) {
            throw new IllegalArgumentException("--host-limit wants HOST=PERHOST/DELAY_MS, e.g. 127.0.0.1=16/0, not '"
                    + spec + "'");
        }
        try {
            int per = Integer.parseInt(spec.substring(eq + 1, slash).trim());
            long ms = Long.parseLong(spec.substring(slash + 1).trim());
            b.hostLimits(spec.substring(0, eq).trim(), per, Duration.ofMillis(nonNegative("--host-limit delay", ms)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--host-limit wants HOST=PERHOST/DELAY_MS, e.g. 127.0.0.1=16/0, not '"
                    + spec + "'");
        }
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Prints the end-of-crawl summary. */
    void summary(CrawlStats s) {
        java.io.PrintWriter o = out();
        String what = switch (s.state()) {
            case FINISHED -> "Crawl finished";
            case STOPPED, STOPPING -> "Crawl stopped";
            case FAILED -> "Crawl failed";
            default -> "Crawl";
        };
        o.printf(Locale.ROOT, "%s in %s: %,d pages stored (%,d this run), %.1f pages/s, %,d URLs known, %,d queued%n",
                what, human(s.elapsed()), s.pagesDone(), s.pagesThisRun(), s.pagesPerSecond(), s.urlsKnown(),
                s.queued());
        o.println("  by status: " + (s.pagesByStatus().isEmpty() ? "none" : join(s.pagesByStatus())));
        o.printf(Locale.ROOT, "  errors: %,d%s%n", s.errors(), s.errorsByKind().isEmpty() ? ""
                : " (" + join(s.errorsByKind()) + ")");
        o.printf(Locale.ROOT, "  bytes: %s · retries: %,d · robots-blocked: %,d · deduplicated: %,d · filtered: %,d%s%n",
                bytes(s.bytes()), s.retries(), s.robotsBlocked(), s.deduplicated(), s.filtered(),
                s.items() > 0 ? " · items: " + s.items() : "");
        if (s.elapsed().toMillis() > 0 && s.responseTimeSum().toMillis() > 0) {
            o.printf(Locale.ROOT, "  one request at a time would have taken %s (%.1fx)%n", human(s.responseTimeSum()),
                    s.speedUp());
        }
        o.println("  store: " + out);
        o.flush();
    }

    private static String join(Map<?, Long> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(b.isEmpty() ? "" : " · ").append(k).append(": ")
                .append(String.format(Locale.ROOT, "%,d", v)));
        return b.toString();
    }

    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** The version printed by {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = CrawlCommand.class.getPackage().getImplementationVersion();
            return new String[] {"weft crawl " + (v != null ? v : "0.1.0-SNAPSHOT"),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
