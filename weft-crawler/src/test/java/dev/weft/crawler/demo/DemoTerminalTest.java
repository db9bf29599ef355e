package dev.weft.crawler.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./weft demo}'s main class in a child JVM under a real pseudo-terminal ({@code script}
 * from util-linux): a bar redrawn in place when standard error is a terminal — even with
 * standard output sent to a file — and plain periodic lines when it is not.
 */
class DemoTerminalTest {

    @TempDir
    Path dir;

    private static boolean scriptAvailable() {
        try {
            return new ProcessBuilder("script", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** Runs {@code shellRedirects} appended to the demo's command line in a terminal; returns what the terminal showed. */
    private String underTerminal(String shellRedirects) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String demo = String.join(" ", List.of(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-cp",
                "'" + System.getProperty("java.class.path") + "'", Demo.class.getName(),
                "--pages", "300", "--latency", "20", "--per-host", "20")) + " " + shellRedirects;
        Path transcript = dir.resolve("terminal.txt");
        Process p = new ProcessBuilder("script", "-qec", demo, "/dev/null").directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(transcript.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the demo did not end");
        String shown = Files.readString(transcript, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), shown);
        return shown;
    }

    @Test
    void aTerminalGetsABarRedrawnInPlaceEvenWithTheStoryInAFile() throws Exception {
        assumeTrue(scriptAvailable(), "no script(1) here");
        String shown = underTerminal("> story.txt");
        assertTrue(shown.contains("\r") && shown.contains("pages/s") && shown.contains("█"), shown);
        String story = Files.readString(dir.resolve("story.txt"), StandardCharsets.UTF_8);
        assertTrue(story.contains("Done: ") && story.contains("speed-up:"), story);
        assertFalse(story.contains("\r"), "the bar goes to standard error only");
    }

    @Test
    void withoutATerminalTheProgressIsPlainLines() throws Exception {
        assumeTrue(scriptAvailable(), "no script(1) here");
        String shown = underTerminal("2> progress.txt");
        assertTrue(shown.contains("Done: "), shown);
        String progress = Files.readString(dir.resolve("progress.txt"), StandardCharsets.UTF_8);
        assertFalse(progress.contains("\r"), progress);
        assertTrue(progress.lines().anyMatch(l -> l.startsWith("crawl ") && l.contains(" pages")), progress);
    }

    /** Ctrl-C in the middle of the demo: it says how far it got, what is stored is in demo.db, exit 130. */
    @Test
    void ctrlCStopsTheDemoSayingHowFarItGot() throws Exception {
        String jvm = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path story = dir.resolve("story.txt");
        Process p = new ProcessBuilder(jvm, "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), Demo.class.getName(), "--pages", "2000", "--latency", "200",
                "--per-host", "10").directory(dir.toFile()).redirectOutput(story.toFile()).start();
        java.io.BufferedReader progress = p.errorReader();
        StringBuilder shown = new StringBuilder();
        String line;
        while ((line = progress.readLine()) != null && !(line.startsWith("crawl ") && !line.contains(" 0/"))) {
            shown.append(line).append('\n'); // until a progress line with pages done
        }
        assertTrue(line != null, "the demo ended before it could be interrupted:\n" + shown + Files.readString(story));
        Thread drain = new Thread(() -> {
            try {
                progress.transferTo(java.io.Writer.nullWriter());
            } catch (java.io.IOException e) {
                // the child is gone
            }
        });
        drain.start();
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the demo did not stop");
        String said = Files.readString(story);
        assertEquals(130, p.exitValue(), said);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Interrupted after [0-9.]+ s: ([0-9,]+) pages stored in demo.db")
                .matcher(said);
        assertTrue(m.find(), said);
        long stored;
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("demo.db"));
             java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM pages")) {
            rs.next();
            stored = rs.getLong(1);
        }
        assertEquals(Long.parseLong(m.group(1).replace(",", "")), stored, "everything it counted is in demo.db");
        assertTrue(stored > 0 && stored < 2000, "stopped midway: " + stored);
    }
}
