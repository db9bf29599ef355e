package dev.weft;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Behaviour that is fixed when a JVM starts: compatibility mode and signal handling. */
class ProcessLevelTest {

    private static List<String> readAll(Process p) throws Exception {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        }
        return lines;
    }

    @Test
    void withoutAddOpensWeftStillWorksAndSaysOnceHowToEnableTheFastPath() throws Exception {
        Process p = JvmProcess.start(List.of("-Dweft.noSchedulerHook=true"), CompatibilityModeMain.class);
        List<String> out = readAll(p);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join("\n", out));
        assertTrue(out.contains("fast path: false"), String.join("\n", out));
        assertEquals(1, out.stream().filter(l -> l.contains("compatibility mode")
                && l.contains("disabled by -Dweft.noSchedulerHook=true")).count(), String.join("\n", out));
        assertTrue(out.contains("log: before await,worker_1 start,worker_2 start,worker_1 done,awaited worker_1,"
                + "worker_2 done,awaited worker_2,a,b,a,b,cancelled"), String.join("\n", out));
    }

    @Test
    void withoutAnyOpensTheHookIsDetectedAsMissing() throws Exception {
        Process p = JvmProcess.start(List.of(), CompatibilityModeMain.class);
        List<String> out = readAll(p);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join("\n", out));
        assertTrue(out.contains("fast path: false"), String.join("\n", out));
        assertEquals(1, out.stream().filter(l -> l.contains("compatibility mode (java.lang is not opened to Weft)")
                && l.contains("start the JVM with --add-opens java.base/java.lang=ALL-UNNAMED")).count(),
                String.join("\n", out));
    }

    @Test
    void inCompatibilityModeATaskThatHoldsTheLoopInABlockingCallIsReportedWithItsStackAndTheRemedy() throws Exception {
        Process p = JvmProcess.start(List.of(), HeldLoopMain.class);
        List<String> out = readAll(p);
        String all = String.join("\n", out);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), all);
        assertEquals(0, p.exitValue(), all);
        assertTrue(out.contains("reported: 1"), all);
        assertTrue(all.matches("(?s).*task 'sleeper' has held EventLoop-\\d+.* for \\d+ ms and is still running,"
                + " blocked in a JDK call.*"), all);
        assertTrue(all.contains("at java.base/java.lang.Thread.sleep"), all);
        assertTrue(all.contains("at dev.weft.HeldLoopMain"), all);
        assertTrue(all.contains("Start the JVM with --add-opens java.base/java.lang=ALL-UNNAMED"), all);
        assertTrue(all.contains("<argLine>--add-opens java.base/java.lang=ALL-UNNAMED</argLine>"), all);
    }

    @Test
    void sigusr2PrintsATaskDumpAndCtrlCCancelsEveryTaskRunsTheirFinallyBlocksAndExitsWith130() throws Exception {
        Process p = JvmProcess.start(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED"), SignalMain.class);
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> out = new ArrayList<>();
        String line;
        while ((line = r.readLine()) != null) {
            out.add(line);
            if (line.equals("ready")) {
                break;
            }
        }
        assertEquals("ready", line, String.join("\n", out));
        new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).start().waitFor();
        while ((line = r.readLine()) != null) {
            out.add(line);
            if (line.startsWith("Task 'sleeper-4'")) {
                break;
            }
        }
        assertEquals("Task 'sleeper-4' WAITING", line, "SIGUSR1 prints a task dump:\n" + String.join("\n", out));
        new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        while ((line = r.readLine()) != null) {
            out.add(line);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(130, p.exitValue(), String.join("\n", out));
        assertTrue(out.containsAll(List.of("main cleaned up", "sleeper-2 cleaned up", "sleeper-3 cleaned up",
                "sleeper-4 cleaned up")), String.join("\n", out));
        assertFalse(out.contains("not reached"));
    }
}
