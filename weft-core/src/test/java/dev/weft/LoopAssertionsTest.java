package dev.weft;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.channels.Pipe;
import java.util.ArrayDeque;
import org.junit.jupiter.api.Test;

/**
 * The loop's owner checks ({@code assert inLoop()} on loop-only state, Netty's habit) are on in
 * the test runs (surefire's {@code -ea}) and catch a touch from the wrong thread, which would
 * otherwise corrupt the loop's unsynchronised structures silently.
 */
class LoopAssertionsTest {

    @Test
    void testsRunWithAssertionsOnInTheLoopsPackage() {
        assertTrue(EventLoop.class.desiredAssertionStatus(),
                "surefire must run with -ea (enableAssertions) so the loop's thread checks bite");
    }

    @Test
    void aLoopLocalReadFromAnotherThreadIsCaught() {
        LoopLocal<StringBuilder> local = new LoopLocal<>(StringBuilder::new);
        try (EventLoop loop = EventLoop.create()) {
            AssertionError e = assertThrows(AssertionError.class, () -> local.get(loop));
            assertTrue(e.getMessage().contains("LoopLocal"), e.getMessage());
            StringBuilder onLoop = loop.runUntilComplete(() -> local.get(EventLoop.running()));
            assertNotNull(onLoop);
        }
    }

    @Test
    void theTimerHeapAndTheSelectorRegistryAreTheLoopThreadsOnly() throws Exception {
        Pipe pipe = Pipe.open();
        try (EventLoop loop = EventLoop.create()) {
            TimerQueue timers = new TimerQueue(loop);
            assertThrows(AssertionError.class, () -> timers.next());
            assertThrows(AssertionError.class, () -> timers.moveDueTo(0, new ArrayDeque<>()));
            IoRegistry io = new IoRegistry(loop, new ArrayDeque<>());
            try {
                assertThrows(AssertionError.class, () -> io.register(pipe.source(), java.nio.channels.SelectionKey.OP_READ, () -> { }));
                assertThrows(AssertionError.class, io::pollNow);
                assertThrows(AssertionError.class, () -> io.closeChannel(pipe.source()));
            } finally {
                io.close();
            }
            // The public API stays safe from any thread: it hands the work to the loop.
            boolean[] registered = {false};
            loop.addReader(pipe.source(), () -> { });  // from the test thread: done by the loop
            loop.callSoon(() -> {
                registered[0] = loop.removeReader(pipe.source());
                loop.stop();
            });
            loop.runForever();
            assertTrue(registered[0]);
        } finally {
            pipe.sink().close();
            pipe.source().close();
        }
    }
}
