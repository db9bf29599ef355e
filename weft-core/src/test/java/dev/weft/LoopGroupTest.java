package dev.weft;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopGroupTest {

    @Test
    void eachLoopRunsItsTasksOnItsOwnThreadAndTasksAwaitAcrossLoops() {
        try (LoopGroup group = new LoopGroup(2)) {
            Task<String> onFirst = group.loop(0).spawn(() -> Thread.currentThread().getName().isEmpty() ? "?" : "first");
            Task<String> onSecond = group.loop(1).spawn(() -> {
                assertTrue(group.loop(1).inLoop());
                assertFalse(group.loop(0).inLoop());
                return onFirst.await() + "+second"; // awaits a task of the other loop
            });
            assertEquals("first+second", onSecond.await());
            assertNotSame(group.loop(0).thread(), group.loop(1).thread());
        }
    }

    @Test
    void pingPongBetweenTwoLoopsLosesNothing() {
        try (LoopGroup group = new LoopGroup(2)) {
            int rounds = 10_000;
            List<Future<Integer>> pings = new ArrayList<>();
            List<Future<Integer>> pongs = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                pings.add(new Future<>(group.loop(0)));
                pongs.add(new Future<>(group.loop(1)));
            }
            Task<Integer> a = group.loop(0).spawn(() -> {
                int sum = 0;
                for (int i = 0; i < rounds; i++) {
                    pings.get(i).setResult(i);
                    sum += pongs.get(i).await();
                }
                return sum;
            });
            Task<Integer> b = group.loop(1).spawn(() -> {
                for (int i = 0; i < rounds; i++) {
                    pongs.get(i).setResult(pings.get(i).await() * 2);
                }
                return null;
            });
            b.await();
            assertEquals(rounds * (rounds - 1), a.await());
        }
    }

    @Test
    void groupSpawnSpreadsTasksRoundRobin() {
        try (LoopGroup group = new LoopGroup(2)) {
            List<Task<EventLoop>> ts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ts.add(group.spawn(EventLoop::current));
            }
            List<EventLoop> loops = new ArrayList<>();
            for (Task<EventLoop> t : ts) {
                loops.add(t.await());
            }
            assertEquals(List.of(group.loop(0), group.loop(1), group.loop(0), group.loop(1)), loops);
        }
    }
}
