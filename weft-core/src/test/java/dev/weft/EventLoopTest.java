package dev.weft;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class EventLoopTest {

    @Test
    void callSoonRunsCallbacksInTheOrderTheyWereScheduled() {
        List<Integer> order = new ArrayList<>();
        try (EventLoop loop = EventLoop.create()) {
            for (int i = 0; i < 5; i++) {
                int n = i;
                loop.callSoon(() -> order.add(n));
            }
            loop.callSoon(loop::stop);
            loop.runForever();
        }
        assertEquals(List.of(0, 1, 2, 3, 4), order);
    }

    @Test
    void callAtAndCallSoonRunInDeadlineOrderLikeTheSeed() {
        // seed 000: call_at(now+2), call_at(now+1), call_at(now+3), call_soon(4)
        List<Integer> order = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        try (EventLoop loop = EventLoop.createWithVirtualClock()) {
            double now = loop.time();
            loop.callAt(now + 2, () -> { order.add(2); times.add(loop.time() - now); });
            loop.callAt(now + 1, () -> { order.add(1); times.add(loop.time() - now); });
            loop.callAt(now + 3, () -> { order.add(3); times.add(loop.time() - now); loop.stop(); });
            loop.callSoon(() -> { order.add(4); times.add(loop.time() - now); });
            loop.runForever();
        }
        assertEquals(List.of(4, 1, 2, 3), order);
        assertEquals(List.of(0.0, 1.0, 2.0, 3.0), times);
    }

    @Test
    void timersForTheSameInstantRunInSchedulingOrder() {
        List<String> order = new ArrayList<>();
        try (EventLoop loop = EventLoop.createWithVirtualClock()) {
            loop.callLater(Duration.ofSeconds(1), () -> order.add("a"));
            loop.callLater(Duration.ofSeconds(1), () -> order.add("b"));
            loop.callLater(Duration.ofSeconds(1), () -> order.add("c"));
            loop.callLater(Duration.ofSeconds(2), loop::stop);
            loop.runForever();
        }
        assertEquals(List.of("a", "b", "c"), order);
    }

    @Test
    void aCancelledHandleNeverRuns() {
        List<String> ran = new ArrayList<>();
        try (EventLoop loop = EventLoop.createWithVirtualClock()) {
            Handle h = loop.callSoon(() -> ran.add("soon"));
            TimerHandle t = loop.callLater(Duration.ofSeconds(1), () -> ran.add("later"));
            h.cancel();
            t.cancel();
            loop.callLater(Duration.ofSeconds(2), loop::stop);
            loop.runForever();
        }
        assertEquals(List.of(), ran);
    }

    @Test
    void callSoonThreadsafeFromAnotherThreadWakesABlockedLoop() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        try (EventLoop loop = EventLoop.create()) {
            CountDownLatch running = new CountDownLatch(1);
            loop.callSoon(running::countDown);
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    running.await();
                } catch (InterruptedException e) {
                    return;
                }
                loop.callSoonThreadsafe(() -> { got.add("from other thread"); loop.stop(); });
            });
            loop.runForever(); // blocks in select with no timers until the other thread wakes it
            other.join();
        }
        assertEquals(List.of("from other thread"), got);
    }

    @Test
    void runUntilCompleteReturnsTheResultAndTheLoopCanRunAgain() {
        try (EventLoop loop = EventLoop.create()) {
            assertEquals(3, loop.runUntilComplete(() -> 1 + 2));
            assertEquals("again", loop.runUntilComplete(() -> "again"));
            assertEquals(EventLoop.State.IDLE, loop.state());
        }
    }

    @Test
    void aClosedLoopRefusesToRunWithAClearMessage() {
        EventLoop loop = EventLoop.create();
        loop.close();
        InvalidStateException e = assertThrows(InvalidStateException.class, loop::runForever);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(InvalidStateException.class, () -> loop.spawn(() -> 1));
    }

    @Test
    void weftRunCanBeCalledAgainAfterItReturns() {
        assertEquals(1, Weft.run(() -> 1));
        assertEquals(2, Weft.run(() -> 2));
    }

    @Test
    void weftRunInsideATaskFailsWithAClearMessageInsteadOfHanging() {
        InvalidStateException e = Weft.run(() -> {
            try {
                Weft.run(() -> 1);
                return null;
            } catch (InvalidStateException expected) {
                return expected;
            }
        });
        assertNotNull(e);
        assertTrue(e.getMessage().contains("cannot be called from a running task"), e.getMessage());
    }

    @Test
    void theMainTasksExceptionComesOutOfWeftRun() {
        ArithmeticException e = assertThrows(ArithmeticException.class, () -> Weft.run(() -> 1 / zero()));
        assertEquals("/ by zero", e.getMessage());
    }

    private static int zero() {
        return 0;
    }

    @Test
    void weftRunCancelsTasksLeftRunningAndRunsTheirFinallyBlocks() {
        List<String> log = new CopyOnWriteArrayList<>();
        Weft.run(() -> {
            Weft.spawn("straggler", () -> {
                try {
                    Weft.sleep(Duration.ofHours(1));
                } finally {
                    log.add("straggler cleaned up");
                }
            });
            Weft.yieldNow();
            return null;
        });
        assertEquals(List.of("straggler cleaned up"), log);
    }

    @Test
    void addReaderCallsBackWhenAChannelBecomesReadable() throws Exception {
        Pipe pipe = Pipe.open();
        List<String> got = new ArrayList<>();
        try (EventLoop loop = EventLoop.create()) {
            loop.addReader(pipe.source(), () -> {
                ByteBuffer b = ByteBuffer.allocate(16);
                try {
                    int n = pipe.source().read(b);
                    got.add(new String(b.array(), 0, n));
                } catch (Exception e) {
                    got.add("error " + e);
                }
                assertTrue(loop.removeReader(pipe.source()));
                loop.stop();
            });
            loop.callSoon(() -> {
                try {
                    pipe.sink().write(ByteBuffer.wrap("ping".getBytes()));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            loop.runForever();
        } finally {
            pipe.sink().close();
            pipe.source().close();
        }
        assertEquals(List.of("ping"), got);
    }

    @Test
    void aFailingCallbackIsReportedAndTheLoopGoesOn() {
        List<String> reported = new ArrayList<>();
        List<String> ran = new ArrayList<>();
        try (EventLoop loop = EventLoop.create()) {
            loop.setExceptionHandler((ctx, t) -> reported.add(t.getMessage()));
            loop.callSoon(() -> { throw new IllegalStateException("boom"); });
            loop.callSoon(() -> { ran.add("next"); loop.stop(); });
            loop.runForever();
        }
        assertEquals(List.of("boom"), reported);
        assertEquals(List.of("next"), ran);
    }

    @Test
    void aReaderCallbackMayThrowIOExceptionWhichReachesTheExceptionHandlerAndTheLoopGoesOn() throws Exception {
        // Seed 000's fetcher calls client.recv in its selector callback: the Java port's
        // channel.read throws IOException, and a callback may let it out (issue 11 §5).
        Pipe pipe = Pipe.open();
        List<String> reported = new ArrayList<>();
        List<String> got = new ArrayList<>();
        int[] calls = {0};
        try (EventLoop loop = EventLoop.create()) {
            loop.setExceptionHandler((ctx, t) -> reported.add(t.getClass().getSimpleName() + ": " + t.getMessage()));
            loop.addReader(pipe.source(), () -> {
                if (++calls[0] == 1) {
                    throw new IOException("first read failed"); // nothing read: still readable
                }
                ByteBuffer b = ByteBuffer.allocate(16);
                int n = pipe.source().read(b);                  // throws IOException: no try/catch
                got.add(new String(b.array(), 0, n));
                loop.removeReader(pipe.source());
                loop.stop();
            });
            loop.callSoon(() -> pipe.sink().write(ByteBuffer.wrap("ping".getBytes())));
            loop.runForever();
        } finally {
            pipe.sink().close();
            pipe.source().close();
        }
        assertEquals(List.of("IOException: first read failed"), reported);
        assertEquals(List.of("ping"), got, "the reader stays registered and is called again");
    }

    @Test
    void callSoonCallLaterAndWriterCallbacksMayThrowCheckedExceptions() throws Exception {
        List<String> reported = new ArrayList<>();
        List<String> ran = new ArrayList<>();
        Pipe pipe = Pipe.open();
        try (EventLoop loop = EventLoop.createWithVirtualClock()) {
            loop.setExceptionHandler((ctx, t) -> reported.add(t.getMessage()));
            loop.callSoon(() -> { throw new IOException("soon"); });
            loop.callLater(1.0, () -> { throw new Exception("later"); });
            loop.callAt(loop.time() + 2, () -> {
                loop.addWriter(pipe.sink(), () -> {
                    loop.removeWriter(pipe.sink());
                    throw new IOException("writer");
                });
            });
            loop.callLater(Duration.ofSeconds(3), () -> { ran.add("after all three"); loop.stop(); });
            loop.runForever();
        } finally {
            pipe.sink().close();
            pipe.source().close();
        }
        assertEquals(List.of("soon", "later", "writer"), reported);
        assertEquals(List.of("after all three"), ran);
    }

    @Test
    void virtualClockMakesAnHourPassInstantly() {
        EventLoop loop = EventLoop.createWithVirtualClock();
        double elapsed = Weft.run(loop, () -> {
            double start = EventLoop.running().time();
            Weft.sleep(Duration.ofHours(1));
            return EventLoop.running().time() - start;
        });
        assertEquals(3600.0, elapsed, 1e-6);
    }

    @Test
    void sleepingInACallbackIsRefused() {
        List<Throwable> errors = new ArrayList<>();
        try (EventLoop loop = EventLoop.create()) {
            loop.callSoon(() -> {
                try {
                    Weft.sleep(Duration.ofMillis(1));
                } catch (InvalidStateException e) {
                    errors.add(e);
                }
                loop.stop();
            });
            loop.runForever();
        }
        assertEquals(1, errors.size());
    }
}
