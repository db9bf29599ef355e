package dev.weft.process;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.EventLoop;
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
