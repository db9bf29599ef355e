package dev.weft.process;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.CancelledException;
import dev.weft.InvalidStateException;
import dev.weft.Signal;
import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.net.LimitOverrunException;
import dev.weft.net.StreamReader;
import dev.weft.process.SubprocessOptions.Redirect;
import dev.weft.testing.WeftTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

@WeftTest(virtualClock = false)
class SubprocessTest {

    static final SubprocessOptions PIPED = SubprocessOptions.piped();
    static final SubprocessOptions OUT = SubprocessOptions.defaults().stdout(Redirect.PIPE);

    /** Threads still working for process {@code pid} (pump threads are named after their pipe). */
    static List<String> threadsOf(long pid) {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().contains("pid " + pid + " ")) {
                names.add(t.getName());
            }
        }
        return names;
    }

    @Test
    void catEchoesLinesAndExitsZero() throws Exception {
        try (Subprocess p = Subprocess.exec(List.of("cat"), PIPED)) {
            assertNull(p.returnCode());
            p.stdin().write("hello\n");
            p.stdin().write("world\n");
            p.stdin().drain();
            assertEquals("hello", p.stdout().readLine());
            assertEquals("world", p.stdout().readLine());
            p.stdin().close();
            assertNull(p.stdout().readLine());
            assertEquals(0, p.waitFor());
            assertEquals(0, p.returnCode());
        }
    }

    @Test
    void streamsStdoutLineByLine() throws Exception {
        try (Subprocess p = Subprocess.shell("for i in 1 2 3; do echo $i; done", OUT)) {
            List<String> lines = new ArrayList<>();
            for (String line : p.stdout().lines()) {
                lines.add(line);
            }
            assertEquals(List.of("1", "2", "3"), lines);
            assertEquals(0, p.waitFor());
        }
    }

    @Test
    void largeOutputIsReadWhileTheLoopStaysResponsive() throws Exception {
        long size = 20_000_000;
        AtomicLong ticks = new AtomicLong();
        Task<Void> ticker = Weft.spawn("ticker", () -> {
            while (true) {
                ticks.incrementAndGet();
                Weft.yieldNow();
            }
        });
        try (Subprocess p = Subprocess.exec(List.of("head", "-c", Long.toString(size), "/dev/zero"), OUT)) {
            StreamReader out = p.stdout();
            long total = 0;
            int reads = 0;
            long ticksAtHalf = -1;
            byte[] chunk;
            while ((chunk = out.read(65536)).length > 0) {
                total += chunk.length;
                reads++;
                // The reader never holds more than the pump hands over: nothing piles up.
                assertTrue(out.buffered() <= 2 * StreamReader.DEFAULT_LIMIT + 65536, "buffered " + out.buffered());
                if (ticksAtHalf < 0 && total >= size / 2) {
                    ticksAtHalf = ticks.get();
                }
            }
            long ticksAtEnd = ticks.get();
            assertEquals(size, total);
            assertTrue(reads > 1);
            assertTrue(ticksAtHalf > 0, "the ticker ran during the first half of the read");
            assertTrue(ticksAtEnd > ticksAtHalf, "the ticker ran during the second half of the read");
            assertEquals(0, p.waitFor());
        } finally {
            ticker.cancel();
        }
    }

    @Test
    void exitCodeIsReported() throws Exception {
        try (Subprocess p = Subprocess.shell("exit 3")) {
            assertEquals(3, p.waitFor());
            assertEquals(3, p.returnCode());
        }
    }

    @Test
    void terminateAndKillShowTheSignalAs128PlusN() throws Exception {
        try (Subprocess p = Subprocess.exec("sleep", "1000")) {
            assertNull(p.returnCode());
            p.terminate();
            assertEquals(128 + 15, p.waitFor());
        }
        try (Subprocess p = Subprocess.exec("sleep", "1000")) {
            p.kill();
            assertEquals(128 + 9, p.waitFor());
        }
        try (Subprocess p = Subprocess.exec("sleep", "1000")) {
            p.sendSignal(Signal.HUP);
            assertEquals(128 + Signal.HUP.number(), p.waitFor());
            p.sendSignal("USR1"); // exited: nothing happens
        }
    }

    @Test
    void cancellingAWaiterLeavesTheChildToCloseWhichKillsIt() throws Exception {
        Subprocess p = Subprocess.exec("sleep", "1000");
        long pid = p.pid();
        try {
            Task<Integer> waiter = Weft.spawn(p::waitFor);
            Weft.yieldNow();
            waiter.cancel();
            assertThrows(CancelledException.class, waiter::await);
            assertNull(p.returnCode(), "cancelling the waiter does not stop the child");
        } finally {
            p.close();
        }
        p.waitClosed();
        assertEquals(137, p.returnCode());
        assertFalse(p.toHandle().isAlive());
        assertEquals(List.of(), threadsOf(pid));
    }

    @Test
    void cancellingAReaderThenClosingLeavesNoThreads() throws Exception {
        Subprocess p = Subprocess.exec(List.of("sleep", "1000"), PIPED);
        long pid = p.pid();
        try {
            Task<String> reader = Weft.spawn(() -> p.stdout().readLine());
            Weft.yieldNow();
            reader.cancel();
            assertThrows(CancelledException.class, reader::await);
        } finally {
            p.close();
        }
        p.waitClosed();
        assertEquals(137, p.returnCode());
        assertEquals(List.of(), threadsOf(pid));
        assertThrows(IOException.class, () -> p.stdout().readLine(), "closed pipes cannot be read");
    }

    @Test
    void communicateSendsInputAndCollectsBothOutputs() throws Exception {
        try (Subprocess p = Subprocess.shell("cat; echo oops >&2; exit 4", PIPED)) {
            Subprocess.Output out = p.communicate("abc\ndef");
            assertEquals("abc\ndef", out.stdoutText());
            assertEquals("oops\n", out.stderrText());
            assertEquals(4, out.exitCode());
        }
    }

    @Test
    void communicateIgnoresAChildThatDoesNotRead() throws Exception {
        byte[] big = new byte[1 << 20];
        try (Subprocess p = Subprocess.shell("echo done", PIPED)) {
            Subprocess.Output out = p.communicate(big);
            assertEquals("done\n", out.stdoutText());
            assertEquals(0, out.exitCode());
        }
    }

    @Test
    void communicateCapsTheOutput() throws Exception {
        try (Subprocess p = Subprocess.exec(List.of("head", "-c", "100000", "/dev/zero"), OUT.maxOutput(1000))) {
            assertThrows(LimitOverrunException.class, () -> p.communicate((byte[]) null));
        }
    }

    @Test
    void stderrMergedIntoStdout() throws Exception {
        try (Subprocess p = Subprocess.shell("echo out; echo err >&2", OUT.stderr(Redirect.STDOUT))) {
            Subprocess.Output out = p.communicate((byte[]) null);
            assertEquals("out\nerr\n", out.stdoutText());
            assertNull(out.stderr());
            assertThrows(InvalidStateException.class, p::stderr);
        }
    }

    @Test
    void cwdAndEnvironment() throws Exception {
        Path dir = Path.of(System.getProperty("java.io.tmpdir")).toRealPath();
        SubprocessOptions o = OUT.cwd(dir).putEnv("WEFT_TEST_VAR", "bar");
        try (Subprocess p = Subprocess.shell("pwd; echo $WEFT_TEST_VAR", o)) {
            assertEquals(dir + "\nbar\n", p.communicate((byte[]) null).stdoutText());
        }
        try (Subprocess p = Subprocess.shell("echo \"[$HOME]\"", OUT.env(java.util.Map.of("PATH", "/usr/bin:/bin")))) {
            assertEquals("[]\n", p.communicate((byte[]) null).stdoutText());
        }
    }

    @Test
    void commandNotFoundIsAClearIOException() {
        IOException e = assertThrows(IOException.class, () -> Subprocess.exec("weft-no-such-command-42"));
        assertTrue(e.getMessage().contains("weft-no-such-command-42"), e.getMessage());
    }

    @Test
    void unpipedStreamsSayHowToPipeThem() throws Exception {
        try (Subprocess p = Subprocess.exec(List.of("true"), SubprocessOptions.defaults().stdout(Redirect.DISCARD))) {
            InvalidStateException e = assertThrows(InvalidStateException.class, p::stdout);
            assertTrue(e.getMessage().contains("Redirect.PIPE"), e.getMessage());
            assertEquals(0, p.waitFor());
        }
    }
}
