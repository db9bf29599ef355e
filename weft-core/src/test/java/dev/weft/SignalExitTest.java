package dev.weft;

import static org.junit.jupiter.api.Assertions.*;

import example.AcceptMain;
import example.SocketsMain;
import example.StubbornMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A program that forgot {@code --add-opens} (compatibility mode) never hangs: Ctrl-C and SIGTERM
 * stop it whatever its tasks are blocked in, and plain {@code java.net} sockets between two
 * tasks work. Each program runs in a JVM of its own, started without Weft's flag. The 5-second
 * bounds are deadlines for a failure, not waits: a passing run ends as soon as the JVM exits.
 */
class SignalExitTest {

    /** From the signal to the JVM's exit, at most. */
    private static final long EXIT_DEADLINE_SECONDS = 5;

    @Test
    void withoutTheFlagATaskBlockedInAcceptIsStoppedBySigint() throws Exception {
        Exit exit = signalWhileBlocked(List.of(), "INT");
        assertEquals(130, exit.status, exit.output);
        assertCleanedUp(exit);
    }

    @Test
    void withoutTheFlagATaskBlockedInAcceptIsStoppedBySigterm() throws Exception {
        Exit exit = signalWhileBlocked(List.of(), "TERM");
        assertEquals(143, exit.status, exit.output);
        assertCleanedUp(exit);
    }

    @Test
    void onTheFastPathATaskBlockedInAcceptIsStoppedBySigint() throws Exception {
        Exit exit = signalWhileBlocked(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED"), "INT");
        assertEquals(130, exit.status, exit.output);
        assertCleanedUp(exit);
        assertFalse(exit.output.contains("compatibility mode"), exit.output);
    }

    @Test
    void withoutTheFlagTwoTasksTalkOverPlainSocketsAndTheFirstLendIsReportedWithTheRemedy() throws Exception {
        Process p = JvmProcess.start(List.of(), SocketsMain.class);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("reply: echo hello / server read hello"), out);
        // The notice: what compatibility mode does, and the flag (not the launcher's business).
        assertTrue(out.contains("compatibility mode (java.lang is not opened to Weft)"), out);
        assertTrue(out.contains("start the JVM with --add-opens java.base/java.lang=ALL-UNNAMED"), out);
        assertFalse(out.contains("the jar manifest do"), out);
        // The report of the task that held the loop: its name, its stack, the remedy per tool.
        assertTrue(out.matches("(?s).*Task '(echo-server|client)' held EventLoop-\\d+.* blocked in a JDK call.*"), out);
        assertTrue(out.contains("at example.SocketsMain"), out);
        assertTrue(out.contains("<argLine>--add-opens java.base/java.lang=ALL-UNNAMED</argLine>"), out);
        assertTrue(out.contains("jvmArgs(\"--add-opens\", \"java.base/java.lang=ALL-UNNAMED\")"), out);
        assertTrue(out.contains("'Add-Opens: java.base/java.lang' in your application jar's manifest"), out);
    }

    @Test
    void aSecondSigintEndsAProgramWhoseTaskNeverGivesTheLoopBack() throws Exception {
        Process p = JvmProcess.start(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED"), StubbornMain.class);
        BufferedReader r = reader(p);
        List<String> out = new ArrayList<>();
        try {
            readUntil(r, out, "spinning");
            kill("INT", p);
            readUntil(r, out, "main cancel requested");
            kill("INT", p);
            Exit exit = awaitExit(p, r, out);
            assertEquals(130, exit.status, exit.output);
            assertTrue(exit.output.contains("SIGINT again while the clean-up of SIGINT runs: exiting now"), exit.output);
            assertFalse(exit.output.contains("not reached"), exit.output);
        } finally {
            p.destroyForcibly();
        }
    }

    // ------------------------------------------------------------------ helpers

    private record Exit(int status, String output) {
    }

    /** Starts {@link AcceptMain}, sends SIG{@code signal} once its task waits in accept(), and waits for the exit. */
    private static Exit signalWhileBlocked(List<String> jvmArgs, String signal) throws Exception {
        Process p = JvmProcess.start(jvmArgs, AcceptMain.class);
        BufferedReader r = reader(p);
        List<String> out = new ArrayList<>();
        try {
            readUntil(r, out, "accepting");
            kill(signal, p);
            return awaitExit(p, r, out);
        } finally {
            p.destroyForcibly();
        }
    }

    private static void assertCleanedUp(Exit exit) {
        assertTrue(exit.output.contains("acceptor cleaned up"), exit.output);
        assertTrue(exit.output.contains("main cleaned up"), exit.output);
        assertFalse(exit.output.contains("not reached"), exit.output);
    }

    private static Exit awaitExit(Process p, BufferedReader r, List<String> out) throws Exception {
        long sent = System.nanoTime();
        boolean exited = p.waitFor(EXIT_DEADLINE_SECONDS, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
        if (!exited) {
            p.destroyForcibly();
        }
        String line;
        while ((line = r.readLine()) != null) {
            out.add(line);
        }
        String all = String.join("\n", out);
        assertTrue(exited, "still running " + EXIT_DEADLINE_SECONDS + " s after the signal:\n" + all);
        System.out.println("[SignalExitTest] exited " + ms + " ms after the signal, status " + p.exitValue());
        return new Exit(p.exitValue(), all);
    }

    private static BufferedReader reader(Process p) {
        return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void readUntil(BufferedReader r, List<String> out, String wanted) throws IOException {
        String line;
        while ((line = r.readLine()) != null) {
            out.add(line);
            if (line.equals(wanted)) {
                return;
            }
        }
        fail("the program ended before printing '" + wanted + "':\n" + String.join("\n", out));
    }

    private static void kill(String signal, Process p) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
    }
}
