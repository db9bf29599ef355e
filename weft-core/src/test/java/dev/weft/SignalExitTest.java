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
        Output out = new Output(p);
        try {
            boolean exited = p.waitFor(60, TimeUnit.SECONDS);
            assertTrue(exited, "deadlocked: still running after 60 s:\n" + out.text());
            String all = out.awaitEnd();
            assertEquals(0, p.exitValue(), all);
            assertTrue(all.contains("reply: echo hello / server read hello"), all);
            // The notice: what compatibility mode does, and the flag (not the launcher's business).
            assertTrue(all.contains("compatibility mode (java.lang is not opened to Weft)"), all);
            assertTrue(all.contains("start the JVM with --add-opens java.base/java.lang=ALL-UNNAMED"), all);
            assertFalse(all.contains("the jar manifest do"), all);
            // The report of the task that held the loop: its name, its stack, the remedy per tool.
            assertTrue(all.matches("(?s).*Task '(echo-server|client)' held EventLoop-\\d+.* blocked in a JDK call.*"), all);
            assertTrue(all.contains("at example.SocketsMain"), all);
            assertTrue(all.contains("<argLine>--add-opens java.base/java.lang=ALL-UNNAMED</argLine>"), all);
            assertTrue(all.contains("jvmArgs(\"--add-opens\", \"java.base/java.lang=ALL-UNNAMED\")"), all);
            assertTrue(all.contains("'Add-Opens: java.base/java.lang' in your application jar's manifest"), all);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aSecondSigintEndsAProgramWhoseTaskNeverGivesTheLoopBack() throws Exception {
        Process p = JvmProcess.start(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED"), StubbornMain.class);
        Output out = new Output(p);
        try {
            out.awaitLine("spinning");
            kill("INT", p);
            out.awaitLine("main cancel requested");
            kill("INT", p);
            Exit exit = awaitExit(p, out);
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
        Output out = new Output(p);
        try {
            out.awaitLine("accepting");
            kill(signal, p);
            return awaitExit(p, out);
        } finally {
            p.destroyForcibly();
        }
    }

    private static void assertCleanedUp(Exit exit) {
        assertTrue(exit.output.contains("acceptor cleaned up"), exit.output);
        assertTrue(exit.output.contains("main cleaned up"), exit.output);
        assertFalse(exit.output.contains("not reached"), exit.output);
    }

    private static Exit awaitExit(Process p, Output out) throws Exception {
        long sent = System.nanoTime();
        boolean exited = p.waitFor(EXIT_DEADLINE_SECONDS, TimeUnit.SECONDS);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
        assertTrue(exited, "still running " + EXIT_DEADLINE_SECONDS + " s after the signal:\n" + out.text());
        System.out.println("[SignalExitTest] exited " + ms + " ms after the signal, status " + p.exitValue());
        return new Exit(p.exitValue(), out.awaitEnd());
    }

    private static void kill(String signal, Process p) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
    }

    /** The child's output, read by a thread of its own so that a child that hangs cannot hang the test. */
    private static final class Output {
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;
        private boolean ended;

        Output(Process p) {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            reader = Thread.ofPlatform().daemon().name("child-output").start(() -> {
                try {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (this) {
                            lines.add(line);
                            notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the child was destroyed
                } finally {
                    synchronized (this) {
                        ended = true;
                        notifyAll();
                    }
                }
            });
        }

        /** Waits until the child printed {@code wanted} (fails if it ends first). */
        synchronized void awaitLine(String wanted) throws InterruptedException {
            while (!lines.contains(wanted)) {
                if (ended) {
                    fail("the program ended before printing '" + wanted + "':\n" + String.join("\n", lines));
                }
                wait();
            }
        }

        /** Everything printed so far. */
        synchronized String text() {
            return String.join("\n", lines);
        }

        /** Everything printed, once the exited child's output has been read to its end. */
        String awaitEnd() throws InterruptedException {
            reader.join();
            return text();
        }
    }
}
