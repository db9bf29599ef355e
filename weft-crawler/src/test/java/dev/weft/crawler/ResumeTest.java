package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.Weft;
import dev.weft.http.server.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash and interrupt, then resume, with real processes: {@code ./weft crawl}'s main class in a
 * child JVM crawls a site served by this JVM; the child is killed with SIGKILL (or interrupted
 * with SIGINT/SIGTERM) at moments chosen at random (after a random number of requests), then
 * run again with {@code --resume}. At the end every page of the site is stored exactly once —
 * none missing, none twice — in SQLite, PostgreSQL, MariaDB and JSONL alike.
 */
class ResumeTest {

    private static final int PAGES = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final Random random = new Random();

    /** A binary tree of pages, each answering after 5 ms, with a back link to the root. */
    static ServedSite tree() throws InterruptedException {
        return ServedSite.start(site -> site.otherwise(treePages()));
    }

    /** The pages of {@link #tree()}: {@code /n/0} to {@code /n/99}. */
    static dev.weft.http.server.Handler treePages() {
        return r -> {
            String p = r.path();
            if (!p.startsWith("/n/")) {
                return Response.of(404);
            }
            int i = Integer.parseInt(p.substring(3));
            if (i >= PAGES) {
                return Response.of(404);
            }
            Weft.sleep(Duration.ofMillis(5));
            StringBuilder b = new StringBuilder("<title>node ").append(i).append("</title><a href=/n/0>root</a>");
            for (int c = 2 * i + 1; c <= 2 * i + 2 && c < PAGES; c++) {
                b.append("<a href=/n/").append(c).append(">child</a>");
            }
            return Response.html(b.toString());
        };
    }

    private Set<String> expected(TestSite site) {
        Set<String> s = new TreeSet<>();
        for (int i = 0; i < PAGES; i++) {
            s.add(site.url("/n/" + i));
        }
        return s;
    }

    private Process crawl(TestSite site, String out, boolean resume, Path log, String... more) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Djdk.pollerMode=1",
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "dev.weft.crawler.cli.CrawlCommand",
                site.url("/n/0"), "--out", out, "--per-host", "4", "--delay", "0", "-q"));
        if (resume) {
            cmd.add("--resume");
        }
        cmd.addAll(List.of(more));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /**
     * Runs the crawl {@code kills} times, killing it each time after a random number of
     * requests, then once more to its end; returns what the last run printed.
     */
    private String killAndResume(TestSite site, String out, int kills, String signal) throws Exception {
        return interruptAndResume(site, out, java.util.Collections.nCopies(kills, signal));
    }

    /** Like {@link #killAndResume}, with one signal per interrupted run. */
    private String interruptAndResume(TestSite site, String out, List<String> signals) throws Exception {
        for (int k = 0; k < signals.size(); k++) {
            String signal = signals.get(k);
            Path log = dir.resolve("run-" + k + ".log");
            int before = site.hitCount();
            Process p = crawl(site, out, k > 0, log);
            int target = before + 5 + random.nextInt(20);
            boolean reached = site.awaitHits(target, p::isAlive);
            assertTrue(reached, "run " + k + " ended before it could be interrupted:\n" + Files.readString(log));
            if (signal.equals("KILL")) {
                p.destroyForcibly();
            } else {
                new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the crawl did not stop");
            int expectedExit = switch (signal) {
                case "KILL" -> 137;
                case "INT" -> 130;
                case "TERM" -> 143;
                default -> throw new IllegalArgumentException(signal);
            };
            assertEquals(expectedExit, p.exitValue(), Files.readString(log));
            Path lock = lockFile(out);
            if (!signal.equals("KILL")) {
                String printed = Files.readString(log);
                assertTrue(printed.contains("Interrupted: everything fetched is stored"), printed);
                assertTrue(lock == null || Files.notExists(lock), lock + " was left behind by an interrupted crawl");
            } else {
                // SIGKILL: no code of the crawl ran; the OS dropped the lock, the file stays, the next run takes it
                assertTrue(lock == null || Files.exists(lock), lock + " after kill -9");
            }
        }
        Path last = dir.resolve("last.log");
        Process p = crawl(site, out, true, last);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the last run did not end");
        String printed = Files.readString(last);
        assertEquals(0, p.exitValue(), printed);
        assertTrue(printed.contains("Crawl finished"), printed);
        Path lock = lockFile(out);
        assertTrue(lock == null || Files.notExists(lock), lock + " was left behind by the last run");
        return printed;
    }

    /** The lock file of a file store ({@code --out sqlite:X} or {@code jsonl:X}); null for a server. */
    private static Path lockFile(String out) {
        if (out.startsWith("sqlite:")) {
            return Path.of(out.substring("sqlite:".length()) + ".lock");
        }
        return out.startsWith("jsonl:") ? Path.of(out.substring("jsonl:".length()) + ".state.lock") : null;
    }

    private void assertEveryPageOnce(TestSite site, Map<String, Integer> stored) {
        Set<String> missing = new TreeSet<>(expected(site));
        missing.removeAll(stored.keySet());
        assertEquals(Set.of(), missing, "no page missing");
        Map<String, Integer> twice = new TreeMap<>();
        stored.forEach((url, n) -> {
            if (n != 1) {
                twice.put(url, n);
            }
        });
        assertEquals(Map.of(), twice, "no page stored twice");
        assertEquals(PAGES, stored.size());
    }

    private static Map<String, Integer> urls(String jdbc, String user) {
        Map<String, Integer> m = new TreeMap<>();
        for (Map<String, Object> r : Sql.rows(jdbc, null, null, "SELECT url FROM pages")) {
            m.merge(r.get("url").toString(), 1, Integer::sum);
        }
        assertEquals(0L, ((Number) Sql.rows(jdbc, null, null, "SELECT COUNT(*) AS n FROM frontier").getFirst()
                .get("n")).longValue(), "nothing left in the frontier");
        assertEquals("FINISHED", Sql.rows(jdbc, null, null, "SELECT state FROM crawl").getFirst().get("state"));
        return m;
    }

    @Test
    void sqliteKilledThreeTimesThenResumedHasEveryPageOnce() throws Exception {
        try (ServedSite served = tree()) {
            Path db = dir.resolve("crawl.db");
            killAndResume(served.site(), "sqlite:" + db, 3, "KILL");
            assertEveryPageOnce(served.site(), urls("jdbc:sqlite:" + db, null));
        }
    }

    @Test
    void postgresqlKilledTwiceThenResumedHasEveryPageOnce() throws Exception {
        try (ServedSite served = tree(); Databases.Db db = Databases.postgres()) {
            killAndResume(served.site(), db.uri(), 2, "KILL");
            assertEveryPageOnce(served.site(), urls(db.jdbc(), db.user()));
        }
    }

    @Test
    void mariadbKilledTwiceThenResumedHasEveryPageOnce() throws Exception {
        try (ServedSite served = tree(); Databases.Db db = Databases.mariadb()) {
            killAndResume(served.site(), db.uri(), 2, "KILL");
            assertEveryPageOnce(served.site(), urls(db.jdbc(), db.user()));
        }
    }

    @Test
    void jsonlKilledThenResumedHasEveryPageOnce() throws Exception {
        try (ServedSite served = tree()) {
            Path file = dir.resolve("pages.jsonl");
            killAndResume(served.site(), "jsonl:" + file, 1, "KILL");
            Map<String, Integer> m = new TreeMap<>();
            for (String line : Files.readAllLines(file)) {
                m.merge(JSON.readTree(line).get("url").asText(), 1, Integer::sum);
            }
            assertEveryPageOnce(served.site(), m);
        }
    }

    @Test
    void ctrlCAndSigtermStopWith130And143AndResumeCompletesTheCrawl() throws Exception {
        try (ServedSite served = tree()) {
            Path db = dir.resolve("crawl.db");
            interruptAndResume(served.site(), "sqlite:" + db, List.of("INT", "TERM"));
            assertEveryPageOnce(served.site(), urls("jdbc:sqlite:" + db, null));
            Map<String, Integer> twice = served.site().duplicates();
            assertEquals(3, twice.remove("/robots.txt"), "each of the three runs reads robots.txt");
            assertEquals(Map.of(), twice, "each run goes on exactly where the last stopped: no page fetched twice");
        }
    }

    /**
     * Ctrl-C while a page hangs (its timeout ten minutes away): the pages in flight get the
     * grace period (3 s), then the hung one is cancelled and goes back to the frontier, the
     * crawl exits with 130, and {@code --resume} fetches it again and ends with every page once.
     */
    @Test
    void ctrlCWhileAPageHangsStopsAfterTheGraceAndResumeFetchesThatPageAgain() throws Exception {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        try (ServedSite served = ServedSite.start(site -> {
            dev.weft.http.server.Handler tree = treePages();
            site.otherwise(tree).page("/n/3", r -> {
                if (asked.incrementAndGet() == 1) {
                    Weft.sleep(Duration.ofHours(1));
                }
                return tree.handle(r);
            });
        })) {
            TestSite site = served.site();
            Path db = dir.resolve("crawl.db");
            Path log = dir.resolve("hang.log");
            Process p = crawl(site, "sqlite:" + db, false, log, "--timeout", "600");
            while (asked.get() == 0) {
                assertTrue(site.awaitHits(site.hitCount() + 1, p::isAlive), Files.readString(log));
            }
            assertTrue(site.awaitHits(site.hitCount() + 5, p::isAlive), Files.readString(log));
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the crawl did not stop while /n/3 hung");
            String printed = Files.readString(log);
            assertEquals(130, p.exitValue(), printed);
            assertTrue(printed.contains("Interrupted: everything fetched is stored"), printed);
            assertEquals(1L, Sql.count(db, "SELECT COUNT(*) FROM frontier WHERE url = '" + site.url("/n/3") + "'"),
                    "the hung page is queued again");

            Process again = crawl(site, "sqlite:" + db, true, dir.resolve("again.log"));
            assertTrue(again.waitFor(120, TimeUnit.SECONDS), "the resumed run did not end");
            assertEquals(0, again.exitValue(), Files.readString(dir.resolve("again.log")));
            assertEquals(2, asked.get(), "asked again on resume");
            assertEveryPageOnce(site, urls("jdbc:sqlite:" + db, null));
        }
    }
}
