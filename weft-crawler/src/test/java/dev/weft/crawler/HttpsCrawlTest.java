package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./weft crawl} of an https site whose certificate comes from a private CA: refused by
 * default (every page stored with a {@code tls} error, none fetched, and not asked again: the
 * certificate will not change), crawled with {@code --ca-file} or {@code --insecure}, and the two
 * options together a usage error. The site's server offers HTTP/2: it gets it, unless
 * {@code --http1-only}.
 */
class HttpsCrawlTest {

    @TempDir
    Path dir;

    /** url → status (or the error when there is none) of every stored page. */
    private static Map<String, String> pages(Path db) throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                ResultSet r = c.createStatement().executeQuery("SELECT url, status, error FROM pages")) {
            while (r.next()) {
                m.put(r.getString(1), r.getString(3) != null ? r.getString(3) : r.getString(2));
            }
        }
        return m;
    }

    @Test
    void aPrivateCaIsRefusedByDefaultAndTrustedWithCaFileOrInsecure() throws Exception {
        try (ServedSite served = ServedSite.startTls(site -> site.html("/", "<title>home</title><a href=/a>a</a>")
                .html("/a", "<title>a</title>"))) {
            String home = served.site().url("/");
            assertTrue(home.startsWith("https://"), home);

            Path refused = dir.resolve("refused.db");
            CrawlCommandTest.Run r = CrawlCommandTest.run(home, "--out", "sqlite:" + refused, "--retries", "3", "-q");
            Map<String, String> stored = pages(refused);
            assertEquals(1, stored.size(), stored + "\n" + r.err());
            String error = stored.get(home);
            assertTrue(error != null && error.contains("robots.txt unreachable (tls: ") && error.contains("not retried"),
                    "a refused certificate is said as such and not asked again: " + stored);
            assertTrue(served.site().hits().isEmpty(), "nothing got through: " + served.site().hits());

            Path ignoring = dir.resolve("ignoring.db");
            r = CrawlCommandTest.run(home, "--out", "sqlite:" + ignoring, "--retries", "3", "--ignore-robots", "-q");
            stored = pages(ignoring);
            assertEquals(1, stored.size(), stored + "\n" + r.err());
            assertTrue(stored.get(home).startsWith("tls: ") && !stored.get(home).contains("retr"),
                    "the page's own certificate failure, not retried: " + stored);

            Path ca = TestSite.tlsFile("ca.pem");
            Path trusted = dir.resolve("trusted.db");
            r = CrawlCommandTest.run(home, "--out", "sqlite:" + trusted, "--ca-file", ca.toString(), "-q");
            assertEquals(0, r.status(), r.err());
            assertEquals(Map.of(home, "200", served.site().url("/a"), "200"), pages(trusted));

            Path insecure = dir.resolve("insecure.db");
            r = CrawlCommandTest.run(home, "--out", "sqlite:" + insecure, "--insecure", "-q");
            assertEquals(0, r.status(), r.err());
            assertEquals(Map.of(home, "200", served.site().url("/a"), "200"), pages(insecure));

            r = CrawlCommandTest.run(home, "--out", "sqlite:" + dir.resolve("both.db"), "--insecure", "--ca-file",
                    ca.toString(), "-q");
            assertEquals(2, r.status(), r.err());
            assertTrue(r.err().contains("--insecure and --ca-file cannot go together"), r.err());
            assertFalse(r.err().contains("\tat "), r.err());
        }
    }

    @Test
    void anH2SiteIsCrawledOverHttp2UnlessHttp1Only() throws Exception {
        try (ServedSite served = ServedSite.startTls(site -> site.html("/", "<title>home</title><a href=/a>a</a>")
                .html("/a", "<title>a</title>"))) {
            String home = served.site().url("/");
            String ca = TestSite.tlsFile("ca.pem").toString();
            Path h2 = dir.resolve("h2.db");
            CrawlCommandTest.Run r = CrawlCommandTest.run(home, "--out", "sqlite:" + h2, "--ca-file", ca, "-q");
            assertEquals(0, r.status(), r.err());
            assertEquals(Map.of(home, "200", served.site().url("/a"), "200"), pages(h2));
            assertEquals(java.util.List.of("HTTP/2", "HTTP/2", "HTTP/2"),
                    served.site().hits().stream().map(TestSite.Hit::version).toList(), "robots.txt, /, /a");

            Path h1 = dir.resolve("h1.db");
            r = CrawlCommandTest.run(home, "--out", "sqlite:" + h1, "--ca-file", ca, "--http1-only", "-q");
            assertEquals(0, r.status(), r.err());
            assertEquals(Map.of(home, "200", served.site().url("/a"), "200"), pages(h1));
            assertEquals(java.util.List.of("HTTP/1.1", "HTTP/1.1", "HTTP/1.1"), served.site().hits().stream().skip(3)
                    .map(TestSite.Hit::version).toList());
            assertTrue(CrawlCommandTest.run("--help").out().contains("--http1-only"));
        }
    }
}
