package dev.weft.crawler.demo;

import dev.weft.crawler.cli.CrawlCommand;
import dev.weft.crawler.progress.CrawlProgress;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The training run of the crawler's AOT cache (JDK 25, JEPs 483, 514 and 515), which the
 * {@code ./weft} launcher makes once per build for {@code ./weft crawl} and {@code ./weft demo}:
 * it crawls the demo shop on loopback, with no latency, the way those two commands do — through
 * {@link CrawlCommand} into SQLite, then through {@link Demo} — so that the JVM records which
 * classes they load and link and how their methods behave. A later run with the cache starts
 * with those classes ready and compiles its hot methods from the recorded profiles, spending
 * less of a short crawl on class loading and JIT warm-up.
 *
 * <p>{@code AotTraining DIR [PAGES]}: scratch files go into {@code DIR}; {@code PAGES} (default
 * 4,000) sizes the shop. Exits 0 when both crawls finished.
 */
public final class AotTraining {

    private AotTraining() {
    }

    /**
     * Runs the training crawls.
     *
     * @param args the scratch folder, and optionally the number of pages
     * @throws Exception if the shop cannot start or a crawl fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: AotTraining DIR [PAGES]");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        int pages = args.length > 1 ? Integer.parseInt(args[1]) : 4_000;
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        int status;
        // The command line, as ./weft crawl runs it, over several hosts as the latency benchmark does.
        try (DemoSite site = DemoSite.start(DemoSite.Options.defaults().pages(pages).latency(Duration.ZERO).hosts(4))) {
            List<String> cli = new ArrayList<>(site.baseUrls());
            cli.addAll(List.of("--out", "sqlite:" + dir.resolve("crawl.db"), "--concurrency", "64", "--per-host", "16",
                    "--delay", "0", "--sort-query", "-q"));
            status = CrawlCommand.execute(cli.toArray(String[]::new));
        }
        // The demo, as ./weft demo runs it (its shop, its extraction rules, its summary).
        Demo.Settings demo = new Demo.Settings(Math.max(Shop.MIN_PAGES, pages / 4), Duration.ZERO,
                Demo.Settings.DEFAULT_PER_HOST, dir.resolve("demo.db"));
        Demo.Summary summary = Demo.run(demo, new PrintStream(OutputStream.nullOutputStream()),
                CrawlProgress.onStandardError(), Duration.ofSeconds(1));
        boolean ok = status == 0 && summary.stats().pagesDone() > 0;
        System.err.println("AOT training: " + (ok ? "done" : "failed (crawl exit status " + status + ")"));
        System.exit(ok ? 0 : 1);
    }
}
