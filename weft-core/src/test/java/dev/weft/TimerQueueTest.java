package dev.weft;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The loop's timer heap on its own: order, cancelled timers skipped and purged, never fired. */
class TimerQueueTest {

    @Test
    void dueTimersComeOutByDeadlineThenCreationAndCancelledOnesNever() {
        try (EventLoop loop = EventLoop.createWithVirtualClock()) {
            List<String> fired = loop.runUntilComplete(() -> {
                TimerQueue q = new TimerQueue(loop);
                List<String> ran = new ArrayList<>();
                List<TimerHandle> all = new ArrayList<>();
                // 300 timers at deadlines 3, 2, 1, 3, 2, 1, ...; every timer but each tenth is
                // cancelled, which is enough for the heap to be rebuilt without them.
                for (int i = 0; i < 300; i++) {
                    int n = i;
                    TimerHandle t = new TimerHandle(loop, 3 - i % 3, q.nextSequence(), () -> ran.add("t" + n));
                    q.add(t);
                    all.add(t);
                }
                for (int i = 0; i < 300; i++) {
                    if (i % 10 != 0) {
                        cancel(q, all.get(i));
                    }
                }
                assertEquals(1, q.next().deadlineNanos(), "the earliest live timer");
                ArrayDeque<Runnable> ready = new ArrayDeque<>();
                q.moveDueTo(2, ready);
                ready.forEach(Runnable::run);
                ran.add("|");
                ready.clear();
                q.moveDueTo(Long.MAX_VALUE, ready);
                ready.forEach(Runnable::run);
                assertNull(q.next());
                assertTrue(q.isEmpty());
                return ran;
            });
            List<String> expected = new ArrayList<>();
            for (int deadline : new int[] {1, 2, -1, 3}) {
                if (deadline < 0) {
                    expected.add("|");
                    continue;
                }
                for (int i = 0; i < 300; i += 10) {
                    if (3 - i % 3 == deadline) {
                        expected.add("t" + i);
                    }
                }
            }
            assertEquals(expected, fired);
        }
    }

    /** Cancels a timer of a standalone queue: the handle counts it with its loop's queue, so count it here too. */
    private static void cancel(TimerQueue q, TimerHandle t) {
        t.cancel();
        q.cancelled();
    }
}
