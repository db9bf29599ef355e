package dev.weft.crawler.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./weft serve demo-site [--pages N] [--latency MS] [--port P] [--export DIR] …}: serves
 * the demo shop ({@link DemoSite}) until killed, or writes it as static files
 * ({@link SiteExport}). The first line of standard output says where it serves
 * ({@code serving demo-site … on http://127.0.0.1:8080/}), handy with {@code --port 0}.
 */
@Command(name = "./weft serve demo-site", mixinStandardHelpOptions = true, version = "weft demo-site 0.1",
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Serves the demo shop that ./weft demo crawls: category pages with pagination, product"
                + " pages (title, price, rating, image URL), broken links, duplicate links, a robots.txt that"
                + " disallows /private/, and a delay before every response. The same seed gives the same site.",
            "With --export DIR, writes the very same site as static files instead (for nginx)."})
public final class ServeDemoSite implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    /** The command, its options at their defaults (picocli sets them from the command line). */
    public ServeDemoSite() {
    }

    @Option(names = "--pages", paramLabel = "N", defaultValue = "2000",
            description = "pages answered with 200, all hosts together (default: ${DEFAULT-VALUE})")
    private int pages;

    @Option(names = "--latency", paramLabel = "MS", defaultValue = "200",
            description = "milliseconds before every response (default: ${DEFAULT-VALUE})")
    private long latencyMillis;

    @Option(names = {"--port", "-p"}, paramLabel = "P", defaultValue = "8080",
            description = "port; 0 picks a free one (default: ${DEFAULT-VALUE})")
    private int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "address to bind (default: ${DEFAULT-VALUE})")
    private String host;

    @Option(names = "--hosts", paramLabel = "H", defaultValue = "1",
            description = "serve H shops on 127.0.0.1 to 127.0.0.H, same port (default: ${DEFAULT-VALUE})")
    private int hosts;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "seed of names, prices, ratings and dates (default: ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--loops", paramLabel = "L", defaultValue = "1",
            description = "loop threads answering requests (default: ${DEFAULT-VALUE})")
    private int loops;

    @Option(names = "--exact",
            description = "shops without crawler traps (no broken links, no query variants): a crawl fetches exactly the pages")
    private boolean exact;

    @Option(names = "--export", paramLabel = "DIR",
            description = "write the site as static files into DIR (new, empty or a previous export) and exit")
    private Path export;

    /**
     * Entry point: exits 0 after an export, 2 on a usage error, 1 if the site cannot be served
     * or written; otherwise serves until the process is killed.
     *
     * @param args the command line after {@code serve demo-site}
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** @return the command, ready to {@code execute} */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ServeDemoSite());
        cl.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println("weft: " + e.getMessage());
            e.getCommandLine().getErr().println("Try './weft serve demo-site --help' for the options.");
            return 2;
        });
        return cl;
    }

    @Override
    public Integer call() throws IOException {
        if (latencyMillis < 0) {
            throw new ParameterException(spec.commandLine(), "--latency must not be negative, not " + latencyMillis);
        }
        DemoSite.Options options;
        try {
            options = new DemoSite.Options(pages, Duration.ofMillis(latencyMillis), host, port, hosts, seed, loops, exact);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
        }
        if (export != null) {
            if (hosts > 1) {
                throw new ParameterException(spec.commandLine(), "--export writes one shop: leave out --hosts");
            }
            long t0 = System.nanoTime();
            long files;
            try {
                files = SiteExport.write(options.shop(0), export);
            } catch (IOException e) {
                spec.commandLine().getErr().println("weft: cannot export the demo site: " + e.getMessage());
                return 1;
            }
            System.out.printf("exported demo-site (%d pages, seed %d) as %d files into %s in %.1f s%n",
                    pages, seed, files, export.toAbsolutePath(), (System.nanoTime() - t0) / 1e9);
            return 0;
        }
        DemoSite site;
        try {
            site = DemoSite.start(options);
        } catch (IOException e) {
            spec.commandLine().getErr().println("weft: " + e.getMessage());
            return 1;
        }
        System.out.println("serving demo-site (" + pages + " pages, latency " + latencyMillis + " ms) on "
                + String.join(" ", site.baseUrls()));
        System.out.flush();
        site.awaitClosed();
        return 0;
    }
}
