package dev.weft.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CancelledException;
import dev.weft.LoopGroup;
import dev.weft.Task;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class BarrierTest {

    @Test
    void partiesPassTogetherWithTheirArrivalIndexes() {
        Weft.run(() -> {
            Barrier barrier = new Barrier(3);
            List<String> log = new ArrayList<>();
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int n = i;
                tasks.add(Weft.spawn(() -> {
                    log.add("arrive " + n);
                    int index = barrier.await();
                    log.add("pass " + n);
                    return index;
                }));
                Weft.yieldNow();
                if (i < 2) {
                    assertEquals(i + 1, barrier.waiting());
                }
            }
            assertEquals(List.of(0, 1, 2), Weft.gather(tasks));
            assertEquals(List.of("arrive 0", "arrive 1", "arrive 2", "pass 2", "pass 0", "pass 1"), log);
            assertEquals(0, barrier.waiting());
            assertEquals(3, barrier.parties());
            assertFalse(barrier.isBroken());
        });
    }

    @Test
    void theBarrierCanBeUsedForManyRounds() {
        Weft.run(() -> {
            Barrier barrier = new Barrier(4);
            int[] phase = new int[4];
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                tasks.add(Weft.spawn(() -> {
                    for (int round = 0; round < 25; round++) {
                        phase[n] = round;
                        barrier.await();
                        for (int p : phase) {
                            assertTrue(p >= round, "a party passed before the others arrived");
                        }
                    }
                }));
            }
            Weft.gather(tasks);
        });
    }

    @Test
    void abortBreaksTheWaitersAndEveryLaterAwaitUntilReset() {
        Weft.run(() -> {
            Barrier barrier = new Barrier(3);
            Task<Integer> waiter = Weft.spawn(barrier::await);
            Weft.yieldNow();
            barrier.abort();
            List<Object> out = Weft.gatherReturningExceptions(waiter);
            assertInstanceOf(BrokenBarrierException.class, out.get(0));
            assertTrue(barrier.isBroken());
            BrokenBarrierException e = assertThrows(BrokenBarrierException.class, barrier::await);
            assertEquals("barrier is broken: barrier was aborted", e.getMessage());
            barrier.reset();
            assertFalse(barrier.isBroken());
            Task<Integer> a = Weft.spawn(barrier::await);
            Task<Integer> b = Weft.spawn(barrier::await);
            Weft.yieldNow();
            assertEquals(2, barrier.await());
            assertEquals(List.of(0, 1), Weft.gather(a, b));
        });
    }

    @Test
    void resetWakesTheWaitersWithBrokenBarrierAndLeavesItUsable() {
        Weft.run(() -> {
            Barrier barrier = new Barrier(2);
            Task<Integer> waiter = Weft.spawn(barrier::await);
            Weft.yieldNow();
            barrier.reset();
            Object out = Weft.gatherReturningExceptions(waiter).get(0);
            assertInstanceOf(BrokenBarrierException.class, out);
            assertEquals("barrier was reset", ((Throwable) out).getMessage());
            assertFalse(barrier.isBroken());
            Task<Integer> again = Weft.spawn(barrier::await);
            Weft.yieldNow();
            assertEquals(1, barrier.await());
            assertEquals(0, again.await());
        });
    }

    @Test
    void aPartyCancelledWhileWaitingBreaksTheBarrierForTheOthers() {
        Weft.run(() -> {
            Barrier barrier = new Barrier(3);
            Task<Integer> first = Weft.spawn(barrier::await);
            Task<Integer> cancelled = Weft.spawn(barrier::await);
            Weft.yieldNow();
            cancelled.cancel();
            List<Object> out = Weft.gatherReturningExceptions(first, cancelled);
            assertInstanceOf(BrokenBarrierException.class, out.get(0));
            assertEquals("a waiting party was cancelled", ((Throwable) out.get(0)).getMessage());
            assertInstanceOf(CancelledException.class, out.get(1));
            assertTrue(barrier.isBroken());
            assertEquals(0, barrier.waiting());
        });
    }

    @Test
    void aPartyCancelledInTheStepItsRoundPassesIsCancelledAndTheRoundStillPasses() {
        Weft.run(() -> {
            Barrier barrier = new Barrier(3);
            List<String> log = new ArrayList<>();
            Task<Void> cancelled = Weft.spawn(() -> {
                barrier.await();
                log.add("cancelled party passed");
            });
            Task<Void> other = Weft.spawn(() -> {
                barrier.await();
                log.add("other passed");
            });
            Weft.yieldNow();
            assertEquals(2, barrier.await()); // the round passes...
            cancelled.cancel();               // ...and a party is cancelled before it resumed
            Weft.gatherReturningExceptions(cancelled, other);
            assertTrue(cancelled.isCancelled(), "the cancellation is delivered at await()");
            assertEquals(List.of("other passed"), log);
            assertFalse(barrier.isBroken(), "the round had passed: nothing to break");
            assertEquals(0, barrier.waiting());
        });
    }

    @Test
    void awaitIsACancellationPointEvenForTheLastParty() {
        Weft.run(() -> {
            Barrier barrier = new Barrier(1);
            assertEquals(0, barrier.await());
            Task.current().cancel();
            assertThrows(CancelledException.class, barrier::await);
            Task.current().uncancel();
            assertEquals(0, barrier.waiting());
            assertFalse(barrier.isBroken());
        });
    }

    @Test
    void aBarrierNeedsAtLeastOneParty() {
        assertThrows(IllegalArgumentException.class, () -> new Barrier(0));
    }

    @Test
    void partiesOnTwoLoopsAndAPlainThreadMeetEveryRound() throws Exception {
        int rounds = 300;
        Barrier barrier = new Barrier(5);
        List<Set<Integer>> indexes = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            indexes.add(new TreeSet<>());
        }
        try (LoopGroup group = new LoopGroup(2)) {
            List<Task<Void>> tasks = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                tasks.add(group.loop(p % 2).spawn(() -> {
                    for (int r = 0; r < rounds; r++) {
                        int i = barrier.await();
                        synchronized (indexes) {
                            indexes.get(r).add(i);
                        }
                    }
                }));
            }
            for (int r = 0; r < rounds; r++) {
                int i = barrier.await(); // this plain thread is the fifth party
                synchronized (indexes) {
                    indexes.get(r).add(i);
                }
            }
            for (Task<Void> t : tasks) {
                t.await();
            }
        }
        synchronized (indexes) {
            for (Set<Integer> s : indexes) {
                assertEquals(Set.of(0, 1, 2, 3, 4), s);
            }
        }
    }
}
