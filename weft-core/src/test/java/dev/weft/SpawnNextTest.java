package dev.weft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link EventLoop#spawnNext}: a task whose first step goes ahead of the loop's queue, without starving it. */
class SpawnNextTest {

    @BeforeEach
    void onTheFastPath() {
        // Without the scheduler hook (-Dweft.noSchedulerHook=true) spawnNext is a plain spawn.
        assumeTrue(SchedulerBridge.available(), "the virtual thread scheduler hook is not available");
    }

    @Test
    void aTaskSpawnedNextRunsBeforeTheTasksAlreadyWaitingAndInSpawnOrderAmongItsKind() {
        List<String> order = Weft.run(() -> {
            EventLoop loop = EventLoop.running();
            List<String> seen = new ArrayList<>();
            List<Task<?>> all = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                String name = "queued-" + i;
                all.add(loop.spawn(name, () -> { seen.add(name); }));
            }
            all.add(loop.spawnNext("next-1", () -> { seen.add("next-1"); }));
            all.add(loop.spawnNext("next-2", () -> { seen.add("next-2"); }));
            Weft.gather(all);
            return seen;
        });
        assertEquals(List.of("next-1", "next-2", "queued-1", "queued-2", "queued-3"), order);
    }

    @Test
    void onlyTheFirstStepGoesAheadLaterStepsQueueLikeAnyOther() {
        List<String> order = Weft.run(() -> {
            EventLoop loop = EventLoop.running();
            List<String> seen = new ArrayList<>();
            Task<Void> queued = loop.spawn("queued", () -> { seen.add("queued"); });
            Task<Void> next = loop.spawnNext("next", () -> {
                seen.add("next: first step");
                Weft.yieldNow();
                seen.add("next: second step");
            });
            Weft.gather(List.of(queued, next));
            return seen;
        });
        assertEquals(List.of("next: first step", "queued", "next: second step"), order);
    }

    @Test
    void aChainOfTasksSpawnedNextDoesNotStarveTheQueue() {
        // Each "next" task spawns another one, 10,000 in a row: the task queued before them must
        // still run early, not after the whole chain.
        int[] chainAtQueued = {-1};
        int[] chain = {0};
        Weft.run(() -> {
            EventLoop loop = EventLoop.running();
            Future<Void> chainDone = new Future<>(loop);
            Task<Void> queued = loop.spawn("queued", () -> { chainAtQueued[0] = chain[0]; });
            Runnable[] link = new Runnable[1];
            link[0] = () -> loop.spawnNext("link", () -> {
                if (++chain[0] < 10_000) {
                    link[0].run();
                } else {
                    chainDone.setResult(null);
                }
            });
            link[0].run();
            queued.await();
            chainDone.await();
            return null;
        });
        assertEquals(10_000, chain[0]);
        assertTrue(chainAtQueued[0] >= 0 && chainAtQueued[0] < 10, // one or two passes of the loop
                "the queued task ran after " + chainAtQueued[0] + " links of the chain");
    }

    @Test
    void manySpawnedInOneStepStartInOrderAheadOfTheQueue() {
        List<String> order = Weft.run(() -> {
            EventLoop loop = EventLoop.running();
            List<String> seen = new ArrayList<>();
            List<Task<?>> all = new ArrayList<>();
            all.add(loop.spawn("queued", () -> { seen.add("queued"); }));
            for (int i = 0; i < 100; i++) {
                String name = "next-" + i;
                all.add(loop.spawnNext(name, () -> { seen.add(name); }));
            }
            Weft.gather(all);
            return seen;
        });
        assertEquals(101, order.size());
        assertEquals("next-0", order.get(0));
        assertEquals("next-99", order.get(99));
        assertEquals("queued", order.get(100));
    }

    @Test
    void fromAnotherThreadItIsAPlainSpawnQueuedBehindWhatCameBefore() {
        List<String> order = Weft.run(() -> {
            EventLoop loop = EventLoop.running();
            List<String> seen = new ArrayList<>();
            Task<?> t = Weft.toThread(() -> {
                loop.callSoonThreadsafe(() -> seen.add("callback from the thread"));
                return loop.spawnNext("spawned from the thread", () -> { seen.add("spawned from the thread"); });
            });
            t.await();
            return seen;
        });
        assertEquals(List.of("callback from the thread", "spawned from the thread"), order);
    }
}
