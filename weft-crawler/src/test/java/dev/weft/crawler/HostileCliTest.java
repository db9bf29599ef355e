package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./weft crawl} given what a careless or hostile user types: a message, never a stack trace. */
class HostileCliTest {

    @TempDir
    Path dir;

    private static void assertSaidOnly(CrawlCommandTest.Run r, int status, String message) {
        assertEquals(status, r.status(), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertFalse(r.err().contains("\tat "), "a stack trace:\n" + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void resumeWithoutSeedsIntoAStoreThatHoldsNoCrawlSaysSo() throws Exception {
        Path db = java.nio.file.Files.createFile(dir.resolve("none.db")); // an empty SQLite database
        assertSaidOnly(CrawlCommandTest.run("--resume", "--out", "sqlite:" + db, "-q"), 2,
                "no seed URLs: sqlite:" + db + " holds no crawl to resume");
    }

    @Test
    void resumeWithoutSeedsIntoAMistypedFileLeavesNoFileBehind() throws Exception {
        Path typo = dir.resolve("crawl-typo.db");
        assertSaidOnly(CrawlCommandTest.run("--resume", "--out", "sqlite:" + typo, "-q"), 2,
                "no seed URLs: " + typo + " does not exist: no crawl to resume");
        Path jsonl = dir.resolve("pages-typo.jsonl");
        assertSaidOnly(CrawlCommandTest.run("--resume", "--out", "jsonl:" + jsonl, "-q"), 2,
                "no seed URLs: " + jsonl + " does not exist: no crawl to resume");
        try (var left = java.nio.file.Files.list(dir)) {
            assertEquals(java.util.List.of(), left.toList(), "nothing made for a crawl that cannot start");
        }
    }

    @Test
    void durationsTooLongForTheClockAreUsageErrors() {
        String out = "sqlite:" + dir.resolve("c.db");
        assertSaidOnly(CrawlCommandTest.run("http://127.0.0.1:1/", "--out", out, "--delay", "99999999999999999"), 2,
                "--delay must be at most 7 days");
        assertSaidOnly(CrawlCommandTest.run("http://127.0.0.1:1/", "--out", out, "--timeout", "1e12"), 2,
                "--timeout must be at most 7 days");
        assertSaidOnly(CrawlCommandTest.run("http://127.0.0.1:1/", "--out", out, "--max-host-wait", "9223372036854775"),
                2, "--max-host-wait must be at most 7 days");
        assertSaidOnly(CrawlCommandTest.run("http://127.0.0.1:1/", "--out", out, "--host-limit",
                "127.0.0.1=1/99999999999999999"), 2, "the delay of 127.0.0.1 must be at most 7 days");
    }
}
