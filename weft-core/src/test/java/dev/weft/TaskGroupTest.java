package dev.weft;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.testing.WeftTest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

@WeftTest
class TaskGroupTest {

    @Test
    void closeWaitsForEveryChild() {
        List<Integer> done = new CopyOnWriteArrayList<>();
        try (TaskGroup g = TaskGroup.open()) {
            for (int i = 3; i >= 1; i--) {
                int n = i;
                g.spawn(() -> { Weft.sleep(n); done.add(n); });
            }
        }
        assertEquals(List.of(1, 2, 3), done);
    }

    @Test
    void theFirstFailureCancelsTheSiblingsAndEveryFailureIsReported() {
        List<String> log = new CopyOnWriteArrayList<>();
        TaskGroupException e = assertThrows(TaskGroupException.class, () -> {
            try (TaskGroup g = TaskGroup.open()) {
                g.spawn(() -> { Weft.sleep(1); throw new IllegalStateException("first"); });
                g.spawn(() -> {
                    try {
                        Weft.sleep(100);
                    } catch (CancelledException c) {
                        log.add("sibling cancelled");
                        throw new IllegalArgumentException("second, while cleaning up");
                    }
                });
                g.spawn(() -> {
                    try {
                        Weft.sleep(100);
                    } finally {
                        log.add("other sibling finished");
                    }
                });
            }
        });
        assertEquals(2, e.exceptions().size());
        assertEquals("first", e.exceptions().get(0).getMessage());
        assertEquals("second, while cleaning up", e.exceptions().get(1).getMessage());
        assertEquals(e.exceptions().get(0), e.getCause());
        assertTrue(log.containsAll(List.of("sibling cancelled", "other sibling finished")));
    }

    @Test
    void childrenCannotOutliveTheGroupWhenTheOwnerIsCancelled() {
        List<String> log = new CopyOnWriteArrayList<>();
        Task<Void> owner = Weft.spawn(() -> {
            try (TaskGroup g = TaskGroup.open()) {
                g.spawn(() -> {
                    try {
                        Weft.sleep(1000);
                    } finally {
                        log.add("child finished");
                    }
                });
            }
        });
        Weft.sleep(1);
        owner.cancel();
        assertThrows(CancelledException.class, owner::await);
        assertEquals(List.of("child finished"), log);
    }

    @Test
    void spawningIntoAClosedGroupFails() {
        TaskGroup g = TaskGroup.open();
        g.close();
        assertThrows(InvalidStateException.class, () -> g.spawn(() -> 1));
    }

    @Test
    void runCancelsTheChildrenWhenTheBodyThrows() {
        List<String> log = new CopyOnWriteArrayList<>();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TaskGroup.run(g -> {
            g.spawn(() -> {
                try {
                    Weft.sleep(1000);
                } finally {
                    log.add("child cancelled");
                }
            });
            Weft.sleep(1);
            throw new IllegalStateException("body failed");
        }));
        assertEquals("body failed", e.getMessage());
        assertEquals(List.of("child cancelled"), log);
    }

    @Test
    void runCancelsAWaitingBodyWhenAChildFails() {
        List<String> log = new CopyOnWriteArrayList<>();
        TaskGroupException e = assertThrows(TaskGroupException.class, () -> TaskGroup.run(g -> {
            g.spawn(() -> { Weft.sleep(1); throw new IllegalStateException("child failed"); });
            try {
                Weft.sleep(1000);
            } catch (CancelledException c) {
                log.add("body cancelled");
                throw c;
            }
            return null;
        }));
        assertEquals("child failed", e.getCause().getMessage());
        assertEquals(List.of("body cancelled"), log);
        assertEquals(0, Weft.currentTask().cancelling());
    }

    @Test
    void runReturnsTheBodysResultAfterTheChildren() {
        List<String> log = new CopyOnWriteArrayList<>();
        String r = TaskGroup.run(g -> {
            g.spawn(() -> { Weft.sleep(2); log.add("child"); });
            return "body";
        });
        assertEquals("body", r);
        assertEquals(List.of("child"), log);
    }

    @Test
    void childrenFailingInTheSamePassAreAllReported() {
        // asyncio: both children raise before the group's done callback cancels anything, so the
        // ExceptionGroup holds both (Weft cancelled the second one before its first step).
        TaskGroupException e = assertThrows(TaskGroupException.class, () -> {
            try (TaskGroup g = TaskGroup.open()) {
                g.spawn(() -> { throw new IllegalStateException("a"); });
                g.spawn(() -> { throw new IllegalArgumentException("b"); });
                g.spawn(() -> { Weft.sleep(1); throw new IllegalStateException("c, at 1 s"); });
                g.spawn(() -> { Weft.sleep(1); throw new IllegalArgumentException("d, at 1 s"); });
            }
        });
        assertEquals(List.of("a", "b"), e.exceptions().stream().map(Throwable::getMessage).toList());
        TaskGroupException later = assertThrows(TaskGroupException.class, () -> {
            try (TaskGroup g = TaskGroup.open()) {
                g.spawn(() -> { Weft.sleep(1); throw new IllegalStateException("c, at 1 s"); });
                g.spawn(() -> { Weft.sleep(1); throw new IllegalArgumentException("d, at 1 s"); });
                g.spawn(() -> Weft.sleep(100));
            }
        });
        assertEquals(List.of("c, at 1 s", "d, at 1 s"), later.exceptions().stream().map(Throwable::getMessage).toList());
    }

    @Test
    void anOwnerCancelledInTheBodyCancelsTheChildrenInsteadOfWaitingForThem() {
        List<String> log = new CopyOnWriteArrayList<>();
        Task<Void> owner = Weft.spawn(() -> {
            try (TaskGroup g = TaskGroup.open()) {
                g.spawn(() -> {
                    try {
                        Weft.sleep(100);
                    } catch (CancelledException c) {
                        log.add("child cancelled");
                        throw c;
                    }
                });
                Weft.sleep(50); // the cancel lands here, in the body, not in close()
            }
        });
        Weft.sleep(1);
        double cancelledAt = EventLoop.running().time();
        owner.cancel();
        assertThrows(CancelledException.class, owner::await);
        assertEquals(cancelledAt, EventLoop.running().time(), 1e-9, "not after the child's 100 s");
        assertEquals(List.of("child cancelled"), log);
    }

    @Test
    void aTimeoutAroundTheBlockCancelsTheChildren() {
        double start = EventLoop.running().time();
        assertThrows(TimeoutException.class, () -> Weft.withTimeout(java.time.Duration.ofSeconds(1), () -> {
            try (TaskGroup g = TaskGroup.open()) {
                g.spawn(() -> Weft.sleep(100));
                Weft.sleep(50);
            }
        }));
        assertEquals(start + 1, EventLoop.running().time(), 1e-9);
        assertEquals(0, Weft.currentTask().cancelling());
    }

    @Test
    void aCancellationWithdrawnInTheBodyLeavesTheChildrenAlone() {
        List<String> log = new CopyOnWriteArrayList<>();
        Task<Void> owner = Weft.spawn(() -> {
            try (TaskGroup g = TaskGroup.open()) {
                g.spawn(() -> { Weft.sleep(10); log.add("child finished"); });
                try {
                    Weft.sleep(50);
                } catch (CancelledException c) {
                    Task.current().uncancel();
                }
            }
        });
        Weft.sleep(1);
        owner.cancel();
        owner.await();
        assertEquals(List.of("child finished"), log);
    }
}
