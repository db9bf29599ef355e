package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.crawler.cli.CrawlCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./weft crawl}: help, version, usage errors that say what is wrong, a crawl and its summary. */
class CrawlCommandTest {

    @TempDir
    Path dir;

    record Run(int status, String out, String err) { }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = CrawlCommand.commandLine().setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true)).execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void helpDocumentsEveryOptionOfTheIssue() {
        Run r = run("--help");
        assertEquals(0, r.status());
        for (String o : new String[] {"--out", "--max-pages", "--max-depth", "--concurrency", "--per-host", "--delay",
            "--scope", "--allow", "--deny", "--extract", "--timeout", "--retries", "--user-agent", "--ignore-robots",
            "--follow-nofollow", "--sitemaps", "--resume", "--version", "--allow-private-addresses"}) {
            assertTrue(r.out().contains(o), o + " missing from:\n" + r.out());
        }
        assertTrue(r.out().contains("default: sqlite:crawl.db"));
    }

    @Test
    void versionSaysWhatItIs() {
        Run r = run("--version");
        assertEquals(0, r.status());
        assertTrue(r.out().startsWith("weft crawl "), r.out());
    }

    @Test
    void usageErrorsSayWhatIsWrongAndExitWith2() {
        assertUsageError("no seed URLs", "--out", "sqlite:" + dir.resolve("x.db"));
        assertUsageError("--scope must be host, domain or any, not 'planet'", "http://a.com/", "--scope", "planet");
        assertUsageError("expected NAME=CSS[@attr], got: price", "http://a.com/", "--extract", "price");
        assertUsageError("not a valid CSS selector for field 'p'", "http://a.com/", "--extract", "p=div[[");
        assertUsageError("Invalid value for option '--concurrency'", "http://a.com/", "--concurrency", "lots");
        assertUsageError("concurrency must be at least 1", "http://a.com/", "--concurrency", "0");
        assertUsageError("not an absolute http(s) URL: ftp://a.com/", "ftp://a.com/");
        assertUsageError("unknown store 'oracle:db'", "http://a.com/", "--out", "oracle:db");
        assertUsageError("not a valid deny pattern: (", "http://a.com/", "--deny", "(");
        assertUsageError("--host-limit wants HOST=PERHOST/DELAY_MS", "http://a.com/", "--host-limit", "a.com");
        assertUsageError("Unknown option: '--fast'", "http://a.com/", "--fast");
        assertUsageError("--per-host must be at least 1: 0", "http://a.com/", "--per-host", "0");
        assertUsageError("--max-pages must be at least 1: 0", "http://a.com/", "--max-pages", "0");
        assertUsageError("--retries must not be negative: -1", "http://a.com/", "--retries", "-1");
        assertUsageError("--timeout must be more than 0 seconds", "http://a.com/", "--timeout", "0");
        assertUsageError("--ca-file " + dir.resolve("none.pem") + ": no such file or folder", "http://a.com/",
                "--ca-file", dir.resolve("none.pem").toString(), "--out", "sqlite:" + dir.resolve("ca.db"));
        assertUsageError("must not hold control characters (a line break would end the header): a\\r\\nX: y",
                "http://a.com/", "--user-agent", "a\r\nX: y", "--out", "sqlite:" + dir.resolve("ua.db"));
        assertUsageError("would end the header): a\\x01b\\x7F", "http://a.com/", "--user-agent", "a\u0001b\u007f",
                "--out", "sqlite:" + dir.resolve("ua.db"));
        assertFalse(java.nio.file.Files.exists(dir.resolve("ua.db")), "refused before the store is made");
        assertFalse(java.nio.file.Files.exists(dir.resolve("ca.db")), "refused before the store is made");
        Run typo = run("http://a.com/", "--per-hots", "3");
        assertTrue(typo.err().contains("--per-host"), "a suggestion for a mistyped option:\n" + typo.err());
    }

    /** The error comes first, named, in a few lines: the synopsis and a pointer to --help, not the whole help. */
    private static void assertUsageError(String message, String... args) {
        Run r = run(args);
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().startsWith("weft crawl: ") && r.err().contains(message),
                "expected '" + message + "' first in:\n" + r.err());
        assertTrue(r.err().contains("Try './weft crawl --help' for more information."), r.err());
        assertTrue(r.err().lines().count() < 15 && !r.err().contains("Follow rel=nofollow links"),
                "not the whole help:\n" + r.err());
    }

    @Test
    void aCrawlPrintsItsSummaryWithEveryCounterTheIssueLists() throws Exception {
        try (ServedSite served = ServedSite.start(site -> site.html("/", "<title>home</title><a href=/a>a</a>"
                        + "<a href=/a#top>again</a><a href=/private/x>p</a><a href=/boom>b</a>")
                .html("/a", "<title>a</title><a href=/missing>m</a>")
                .robots("User-agent: *\nDisallow: /private/\n")
                .page("/boom", r -> dev.weft.http.server.Response.of(500)))) {
            Path db = dir.resolve("c.db");
            Run r = run(served.site().url("/"), "--out", "sqlite:" + db, "--delay", "0", "--retries", "1", "-q");
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().startsWith("Crawl finished in "), r.out());
            for (String expected : new String[] {"5 pages stored", "pages/s", "by status: 200: 2 · 404: 1",
                "errors: 2 (robots: 1 · server-error: 1)", "bytes: ", "retries: 1", "robots-blocked: 1",
                "deduplicated: 1", "one request at a time would have taken", "store: sqlite:" + db}) {
                assertTrue(r.out().contains(expected), "'" + expected + "' missing from:\n" + r.out());
            }
            assertEquals(5, Sql.count(db, "SELECT COUNT(*) FROM pages"));

            Run again = run(served.site().url("/"), "--out", "sqlite:" + db, "-q");
            assertEquals(0, again.status(), "a finished crawl's store takes a new crawl");

            Run unwritable = run(served.site().url("/"), "--out", "mysql://root:nope@127.0.0.1:3306/test", "-q");
            assertEquals(1, unwritable.status());
            assertTrue(unwritable.err().startsWith("weft crawl: cannot connect to mysql://root@127.0.0.1:3306/test"),
                    unwritable.err());
        }
    }

    @Test
    void aSeedsFileIsAListCrawlOfItsUrlsAndAMissingOrEmptyOneIsAUsageError() throws Exception {
        try (ServedSite served = ServedSite.start(site -> site.html("/a", "<title>a</title>")
                .html("/b", "<title>b</title>").html("/c", "<title>c</title><a href=/d>d</a>")
                .html("/d", "<title>d</title>"))) {
            Path list = dir.resolve("seeds.txt");
            java.nio.file.Files.writeString(list, "# the pages to fetch\n" + served.site().url("/a") + "\n\n  "
                    + served.site().url("/b") + "  \n" + served.site().url("/a") + "\n");
            Path db = dir.resolve("list.db");
            Run r = run(served.site().url("/c"), "--seeds-file", list.toString(), "--max-depth", "0", "--out",
                    "sqlite:" + db, "--delay", "0", "-q");
            assertEquals(0, r.status(), r.err());
            assertEquals(3, Sql.count(db, "SELECT COUNT(*) FROM pages WHERE status = 200"),
                    "the argument and the file's two distinct URLs, and not /d (depth 1)");
            assertTrue(r.out().contains("3 pages stored"), r.out());
        }
        assertUsageError("--seeds-file " + dir.resolve("nope.txt") + ": no such file",
                "--seeds-file", dir.resolve("nope.txt").toString(), "--out", "sqlite:" + dir.resolve("n.db"));
        Path empty = java.nio.file.Files.writeString(dir.resolve("empty.txt"), "# nothing\n\n");
        assertUsageError("--seeds-file " + empty + " holds no URL", "--seeds-file", empty.toString());
        Path bad = java.nio.file.Files.writeString(dir.resolve("bad.txt"), "http://a.com/\nnot a url\n");
        assertUsageError("not an absolute http(s) URL: not a url", "--seeds-file", bad.toString());
    }

    @Test
    void aStoreHoldingAnUnfinishedCrawlIsRefusedWithoutResumeSayingSo() throws Exception {
        try (ServedSite served = ServedSite.start(site -> site.html("/", "<a href=/a>a</a><a href=/b>b</a>")
                .html("/a", "<title>a</title>").html("/b", "<title>b</title>"))) {
            Path db = dir.resolve("c.db");
            java.util.List<Crawler> c = new java.util.ArrayList<>();
            c.add(Crawler.builder().seeds(served.site().url("/")).store("sqlite:" + db).delay(java.time.Duration.ZERO)
                    .perHost(1).listener(new CrawlListener() {
                        @Override
                        public void pageDone(dev.weft.crawler.store.PageRecord page) {
                            c.getFirst().stop();
                        }
                    }).build());
            assertEquals(CrawlStats.State.STOPPED, c.getFirst().run().state());
            long before = Sql.count(db, "SELECT COUNT(*) FROM pages");

            Run refused = run(served.site().url("/"), "--out", "sqlite:" + db, "-q");
            assertEquals(1, refused.status(), refused.out() + refused.err());
            assertTrue(refused.err().startsWith("weft crawl: sqlite:" + db + " holds an unfinished crawl (stopped")
                    && refused.err().contains("add --resume"), refused.err());
            assertEquals(before, Sql.count(db, "SELECT COUNT(*) FROM pages"), "nothing mixed in");

            Run resumed = run("--out", "sqlite:" + db, "--resume", "--delay", "0", "-q");
            assertEquals(0, resumed.status(), resumed.err());
            assertTrue(resumed.out().startsWith("Crawl finished"), resumed.out());
            assertEquals(3, Sql.count(db, "SELECT COUNT(*) FROM pages"));
        }
    }

    /** {@code --allow-private-addresses} reaches the crawl: recorded in the crawl row's settings (AddressGuardCrawlTest has what it does). */
    @Test
    void allowPrivateAddressesIsRecordedWithTheCrawl() throws Exception {
        try (ServedSite served = ServedSite.start(site -> site.html("/", "<title>home</title>"))) {
            Path db = dir.resolve("c.db");
            Run allowed = run(served.site().url("/"), "--out", "sqlite:" + db, "--allow-private-addresses", "-q");
            assertEquals(0, allowed.status(), allowed.err());
            String settings = Sql.sqlite(db, "SELECT settings FROM crawl").getFirst().get("settings").toString();
            assertTrue(settings.contains("\"allowPrivateAddresses\":true"), settings);
            Run plain = run(served.site().url("/"), "--out", "sqlite:" + db, "-q");
            assertEquals(0, plain.status(), plain.err());
            settings = Sql.sqlite(db, "SELECT settings FROM crawl").getFirst().get("settings").toString();
            assertTrue(settings.contains("\"allowPrivateAddresses\":false"), settings);
        }
    }
}
