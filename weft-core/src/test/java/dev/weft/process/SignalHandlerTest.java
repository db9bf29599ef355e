package dev.weft.process;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.EventLoop;
import dev.weft.Signal;
import dev.weft.sync.Event;
import dev.weft.testing.WeftTest;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

@WeftTest(virtualClock = false)
class SignalHandlerTest {

    @Test
    void handlerRunsOnTheLoopThread() throws Exception {
        EventLoop loop = EventLoop.running();
        Event got = new Event();
        AtomicReference<EventLoop> seenLoop = new AtomicReference<>();
        AtomicReference<Thread> seenThread = new AtomicReference<>();
        loop.addSignalHandler(Signal.USR1, () -> {
            seenLoop.set(EventLoop.current());
            seenThread.set(Thread.currentThread());
            got.set();
        });
        try {
            String self = Long.toString(ProcessHandle.current().pid());
            try (Subprocess kill = Subprocess.exec("kill", "-USR1", self)) {
                assertEquals(0, kill.waitFor());
            }
            got.await();
            assertSame(loop, seenLoop.get());
            assertSame(loop.thread(), seenThread.get());
        } finally {
            assertTrue(loop.removeSignalHandler("SIGUSR1"));
        }
        assertFalse(loop.removeSignalHandler(Signal.USR1));
    }

    /**
     * The handler the JVM has for {@code name} now (read by swapping it out and back). The
     * stand-in must be a Java handler: HotSpot refuses to install a handler for SIGHUP, SIGINT
     * or SIGTERM while they are ignored (nohup semantics), so a swap through SIG_IGN would stick.
     */
    static sun.misc.SignalHandler installed(String name) {
        sun.misc.Signal sig = new sun.misc.Signal(name);
        sun.misc.SignalHandler h = sun.misc.Signal.handle(sig, s -> { });
        sun.misc.Signal.handle(sig, h);
        return h;
    }

    @Test
    void userHandlerTakesPrecedenceOverWeftRunAndRestoresIt() throws Exception {
        // The handler in place before (a Java one, as Weft.run's: the JVM's own default handler
        // comes back wrapped in a new object each time it is read, so it cannot be compared).
        EventLoop loop = EventLoop.running();
        sun.misc.SignalHandler previous = sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> { });
        sun.misc.SignalHandler runners = installed("TERM");
        try {
            Event got = new Event();
            loop.addSignalHandler("SIGTERM", got::set);
            try {
                try (Subprocess kill = Subprocess.exec("kill", "-TERM", Long.toString(ProcessHandle.current().pid()))) {
                    assertEquals(0, kill.waitFor());
                }
                assertTrue(got.await(java.time.Duration.ofSeconds(30)), "the user's handler ran");
            } finally {
                loop.removeSignalHandler(Signal.TERM);
            }
            assertSame(runners, installed("TERM"), "the handler from before is back");
        } finally {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), previous);
        }
    }

    @Test
    void uncatchableSignalsAreRejected() {
        EventLoop loop = EventLoop.running();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loop.addSignalHandler(Signal.KILL, () -> { }));
        assertTrue(e.getMessage().contains("SIGKILL cannot be caught"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> loop.addSignalHandler("STOP", () -> { }));
        assertThrows(IllegalArgumentException.class, () -> loop.addSignalHandler("NOPE", () -> { }));
    }
}
