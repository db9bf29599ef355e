package dev.weft.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CancelledException;
import dev.weft.EventLoop;
import dev.weft.LoopGroup;
import dev.weft.Task;
import dev.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EventTest {

    @Test
    void setWakesEveryWaiterInTheOrderTheyCameAndClearResetsIt() {
        List<Integer> order = Weft.run(() -> {
            Event event = new Event();
            List<Integer> woke = new ArrayList<>();
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int n = i;
                tasks.add(Weft.spawn(() -> {
                    event.await();
                    woke.add(n);
                }));
            }
            Weft.yieldNow();
            assertTrue(woke.isEmpty());
            event.set();
            assertTrue(event.isSet());
            event.clear(); // waiters already woken still return (as in asyncio)
            assertFalse(event.isSet());
            Weft.gather(tasks);
            return woke;
        });
        assertEquals(List.of(0, 1, 2, 3, 4), order);
    }

    @Test
    void awaitOnASetEventReturnsAtOnceButIsStillACancellationPoint() {
        Weft.run(() -> {
            Event event = new Event();
            event.set();
            event.await();
            assertTrue(event.await(Duration.ZERO));
            Task.current().cancel();
            assertThrows(CancelledException.class, event::await);
            Task.current().uncancel();
            Task.current().cancel();
            assertThrows(CancelledException.class, () -> event.await(Duration.ofSeconds(1)));
            Task.current().uncancel();
        });
    }

    @Test
    void awaitWithATimeoutReturnsFalseWhenTheTimeRunsOutOnTheVirtualClock() {
        EventLoop loop = EventLoop.createWithVirtualClock();
        Weft.run(loop, () -> {
            Event event = new Event();
            double start = loop.time();
            assertFalse(event.await(Duration.ofSeconds(30)));
            assertEquals(30.0, loop.time() - start, 1e-6);
            loop.callLater(Duration.ofSeconds(5), event::set);
            assertTrue(event.await(Duration.ofSeconds(30)));
            assertEquals(35.0, loop.time() - start, 1e-6);
            return null;
        });
    }

    @Test
    void aCancelledWaiterLeavesAndTheOthersStillWake() {
        Weft.run(() -> {
            Event event = new Event();
            Task<Void> cancelled = Weft.spawn(() -> event.await());
            Task<Boolean> other = Weft.spawn(() -> event.await(Duration.ofHours(1)));
            Weft.yieldNow();
            cancelled.cancel();
            Weft.gatherReturningExceptions(cancelled);
            assertTrue(cancelled.isCancelled());
            event.set();
            assertTrue(other.await());
        });
    }

    @Test
    void aWaiterCancelledInTheStepTheEventIsSetIsCancelledAndTheOthersWake() {
        Weft.run(() -> {
            for (boolean cancelFirst : new boolean[] {false, true}) {
                Event event = new Event();
                List<String> log = new ArrayList<>();
                Task<Void> cancelled = Weft.spawn(() -> { event.await(); log.add("cancelled waiter woke"); });
                Task<Void> other = Weft.spawn(() -> { event.await(); log.add("other woke"); });
                Weft.yieldNow();
                if (cancelFirst) {
                    cancelled.cancel();
                    event.set();
                } else {
                    event.set();
                    cancelled.cancel();
                }
                Weft.gatherReturningExceptions(cancelled, other);
                assertTrue(cancelled.isCancelled(), "delivered at await(); cancelFirst=" + cancelFirst);
                assertEquals(List.of("other woke"), log);
                assertTrue(event.isSet());
            }
        });
    }

    @Test
    void aPlainThreadWaitsForAnEventSetByATaskOfAnotherLoop() throws Exception {
        Event event = new Event();
        AtomicBoolean woke = new AtomicBoolean();
        Thread waiter = Thread.ofPlatform().start(() -> {
            event.await();
            woke.set(true);
        });
        try (LoopGroup group = new LoopGroup(1)) {
            group.loop(0).spawn(() -> {
                Weft.yieldNow();
                event.set();
            }).await();
        }
        waiter.join();
        assertTrue(woke.get());
    }

    @Test
    void aPlainThreadInterruptedWhileWaitingLeavesTheLine() throws Exception {
        Event event = new Event();
        List<Throwable> thrown = new ArrayList<>();
        Event waiting = new Event();
        Thread waiter = Thread.ofPlatform().start(() -> {
            waiting.set();
            try {
                event.await();
            } catch (CancelledException e) {
                synchronized (thrown) {
                    thrown.add(e);
                }
            }
        });
        waiting.await();
        while (waiter.getState() != Thread.State.WAITING) {
            Thread.onSpinWait(); // until it is parked
        }
        waiter.interrupt();
        waiter.join();
        synchronized (thrown) {
            assertEquals(1, thrown.size());
        }
        assertTrue(event.toString().contains("waiters=0"), event.toString());
    }
}
