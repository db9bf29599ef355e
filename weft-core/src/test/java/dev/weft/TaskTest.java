package dev.weft;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

class TaskTest {

    @Test
    void allTasksOfALoopRunOnTheLoopThreadOneAtATime() {
        Weft.run(() -> {
            EventLoop loop = EventLoop.running();
            int[] unsafeCounter = {0};
            int[] active = {0};
            int[] maxActive = {0};
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                tasks.add(Weft.spawn(() -> {
                    for (int k = 0; k < 100; k++) {
                        assertTrue(loop.inLoop());
                        active[0]++;
                        maxActive[0] = Math.max(maxActive[0], active[0]);
                        int before = unsafeCounter[0];
                        Thread.onSpinWait();
                        unsafeCounter[0] = before + 1; // a lost update would show if two ran at once
                        active[0]--;
                        Weft.yieldNow();
                    }
                }));
            }
            Weft.gather(tasks);
            assertEquals(1, maxActive[0]);
            assertEquals(10_000, unsafeCounter[0]);
            return null;
        });
    }

    @Test
    void currentTaskAndAllTasksNameTheRunningTasks() {
        Weft.run(() -> {
            assertEquals("main", Weft.currentTask().name());
            Task<String> child = Weft.spawn("child", () -> Weft.currentTask().name());
            Set<Task<?>> all = Weft.allTasks();
            assertTrue(all.contains(child));
            assertTrue(all.contains(Weft.currentTask()));
            assertEquals("child", child.await());
            assertFalse(Weft.allTasks().contains(child));
            return null;
        });
        assertNull(Weft.currentTask());
    }

    @Test
    void aTaskCancelledBeforeItStartsNeverRunsItsBody() {
        List<String> ran = new CopyOnWriteArrayList<>();
        Weft.run(() -> {
            Task<Void> t = Weft.spawn(() -> { ran.add("body"); });
            assertTrue(t.cancel("too late"));
            CancelledException e = assertThrows(CancelledException.class, t::await);
            assertEquals("too late", e.getMessage());
            assertTrue(t.isCancelled());
            return null;
        });
        assertEquals(List.of(), ran);
    }

    @Test
    void cancellationIsDeliveredAtTheNextSuspensionPointAndCanBeCaughtOnce() {
        List<String> log = new CopyOnWriteArrayList<>();
        Weft.run(EventLoop.createWithVirtualClock(), () -> {
            Task<String> t = Weft.spawn(() -> {
                try {
                    Weft.sleep(Duration.ofHours(1));
                    return "slept";
                } catch (CancelledException e) {
                    log.add("caught " + e.getMessage());
                    Weft.sleep(Duration.ofSeconds(1)); // may keep waiting after the cancellation
                    log.add("cleaned up");
                    throw e;
                }
            });
            Weft.yieldNow();
            t.cancel("stop");
            assertThrows(CancelledException.class, t::await);
            assertEquals(1, t.cancelling());
            return null;
        });
        assertEquals(List.of("caught stop", "cleaned up"), log);
    }

    @Test
    void aTaskThatSwallowsItsCancellationFinishesWithItsResult() {
        String r = Weft.run(EventLoop.createWithVirtualClock(), () -> {
            Task<String> t = Weft.spawn(() -> {
                try {
                    Weft.sleep(Duration.ofHours(1));
                } catch (CancelledException ignored) {
                    return "survived";
                }
                return "slept";
            });
            Weft.yieldNow();
            t.cancel();
            return t.await();
        });
        assertEquals("survived", r);
    }

    @Test
    void cancellingATaskBlockedInThreadSleepEndsItCancelled() {
        Weft.run(() -> {
            Task<Void> t = Weft.spawn(() -> Thread.sleep(Duration.ofHours(1)));
            Weft.yieldNow();
            t.cancel();
            assertThrows(CancelledException.class, t::await);
            assertTrue(t.isCancelled());
            return null;
        });
    }

    @Test
    void cancellingAWaitingTaskCancelsTheTaskItAwaits() {
        Weft.run(EventLoop.createWithVirtualClock(), () -> {
            Task<Void> inner = Weft.spawn(() -> Weft.sleep(Duration.ofHours(1)));
            Task<Void> outer = Weft.spawn(() -> { inner.await(); });
            Weft.yieldNow();
            outer.cancel();
            assertThrows(CancelledException.class, outer::await);
            assertTrue(inner.isCancelled(), "the awaited task is cancelled too, as in asyncio");
            return null;
        });
    }

    @Test
    void aShieldedTaskSurvivesTheCancellationOfItsWaiter() {
        Weft.run(EventLoop.createWithVirtualClock(), () -> {
            Task<String> inner = Weft.spawn(() -> { Weft.sleep(Duration.ofSeconds(5)); return "done"; });
            Task<String> outer = Weft.spawn(() -> Weft.shield(inner).await());
            Weft.yieldNow();
            outer.cancel();
            assertThrows(CancelledException.class, outer::await);
            assertFalse(inner.isDone());
            assertEquals("done", inner.await());
            return null;
        });
    }

    @Test
    void cancellingAShieldedTaskItselfStillCancelsIt() {
        Weft.run(EventLoop.createWithVirtualClock(), () -> {
            Task<String> inner = Weft.spawn(() -> { Weft.sleep(Duration.ofSeconds(5)); return "done"; });
            Future<String> shielded = Weft.shield(inner);
            Weft.yieldNow();
            inner.cancel();
            assertThrows(CancelledException.class, shielded::await);
            return null;
        });
    }

    @Test
    void cancelInsideADoneCallbackOfAnotherTaskIsDeliveredCleanly() {
        Weft.run(EventLoop.createWithVirtualClock(), () -> {
            Task<Void> sleeper = Weft.spawn(() -> Weft.sleep(Duration.ofHours(1)));
            Task<Integer> quick = Weft.spawn(() -> 1);
            quick.addDoneCallback(f -> sleeper.cancel("from callback"));
            assertEquals(1, quick.await());
            CancelledException e = assertThrows(CancelledException.class, sleeper::await);
            assertEquals("from callback", e.getMessage());
            // Cancelling a task whose callback already ran, and cancelling a done task, are no-ops.
            assertFalse(quick.cancel());
            return null;
        });
    }

    @Test
    void doneCallbacksRunOnTheLoopAfterCompletionInRegistrationOrder() {
        List<String> log = new CopyOnWriteArrayList<>();
        Weft.run(() -> {
            EventLoop loop = EventLoop.running();
            Task<String> t = Weft.spawn(() -> "ywh");
            t.addDoneCallback(f -> { assertTrue(loop.inLoop()); log.add("first " + f.result()); });
            t.addDoneCallback(f -> log.add("second"));
            t.await();
            Weft.yieldNow();
            Weft.yieldNow();
            t.addDoneCallback(f -> log.add("late"));
            Weft.yieldNow();
            return null;
        });
        assertEquals(List.of("first ywh", "second", "late"), log);
    }

    @Test
    void aCheckedExceptionOfATaskArrivesWrappedAndAnUncheckedOneAsItIs() {
        Weft.run(() -> {
            Task<Void> io = Weft.spawn(() -> { throw new IOException("disk"); });
            TaskFailedException e = assertThrows(TaskFailedException.class, io::await);
            assertInstanceOf(IOException.class, e.getCause());
            assertInstanceOf(IOException.class, io.exception());
            Task<Void> npe = Weft.spawn(() -> { throw new NullPointerException("npe"); });
            assertEquals("npe", assertThrows(NullPointerException.class, npe::await).getMessage());
            return null;
        });
    }

    @Test
    void uncancelWithdrawsARequest() {
        Weft.run(() -> {
            Task<?> me = Weft.currentTask();
            me.cancel();
            assertEquals(1, me.cancelling());
            assertEquals(0, me.uncancel());
            Weft.yieldNow(); // no cancellation is delivered any more
            return null;
        });
    }

    @Test
    void plainThreadSleepInTwoTasksInterleavesLikeGevent() {
        List<String> log = new CopyOnWriteArrayList<>();
        Weft.run(() -> {
            Task<Void> foo = Weft.spawn(() -> { log.add("yang at foo_1"); Thread.sleep(200); log.add("yang at foo_2"); });
            Task<Void> bar = Weft.spawn(() -> { log.add("Elijah at bar_1"); Thread.sleep(100); log.add("Elijah at bar_2"); });
            Weft.gather(foo, bar);
            return null;
        });
        assertEquals(List.of("yang at foo_1", "Elijah at bar_1", "Elijah at bar_2", "yang at foo_2"), log);
    }

    @Test
    void jdkLocksAndBlockingQueuesInsideTasksYieldTheLoop() {
        Weft.run(() -> {
            ReentrantLock lock = new ReentrantLock();
            BlockingQueue<Integer> q = new ArrayBlockingQueue<>(1);
            lock.lock();
            Task<Integer> waiter = Weft.spawn(() -> {
                lock.lock(); // blocks this task only
                try {
                    return q.take(); // blocks this task only
                } finally {
                    lock.unlock();
                }
            });
            Weft.yieldNow();
            assertFalse(waiter.isDone());
            lock.unlock();
            Weft.yieldNow();
            q.put(42);
            assertEquals(42, waiter.await());
            return null;
        });
    }

    @Test
    void blockingJavaNetSocketsInsideTasksCooperate() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread echo = Thread.ofPlatform().daemon().start(() -> {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    OutputStream out = s.getOutputStream();
                    int b;
                    while ((b = in.read()) >= 0) {
                        out.write(b);
                        out.flush();
                    }
                } catch (IOException ignored) {
                    // test over
                }
            });
            List<String> log = new CopyOnWriteArrayList<>();
            Weft.run(() -> {
                Task<Integer> reader = Weft.spawn(() -> {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                        log.add("connected");
                        s.getOutputStream().write(7);
                        return s.getInputStream().read(); // blocking read: the loop runs others meanwhile
                    }
                });
                Task<Void> other = Weft.spawn(() -> { log.add("other ran"); });
                other.await();
                assertEquals(7, reader.await());
                return null;
            });
            assertTrue(log.contains("other ran"));
            echo.join(5000);
        }
    }

    @Test
    void cancellingATaskBlockedInAJavaNetReadEndsItCancelledAndClosesTheSocket() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Socket[] client = new Socket[1];
            Weft.run(() -> {
                Task<Integer> reader = Weft.spawn(() -> {
                    client[0] = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                    return client[0].getInputStream().read(); // the server never writes
                });
                while (client[0] == null) {
                    Weft.yieldNow();
                }
                Weft.yieldNow();
                reader.cancel("give up");
                assertThrows(CancelledException.class, reader::await);
                assertTrue(reader.isCancelled());
                return null;
            });
            assertTrue(client[0].isClosed());
        }
    }

    @Test
    void theJdkPollerIsStartedOffTheLoopBeforeAnyLoopRuns() {
        EventLoop.create().close();
        assertTrue(JdkPoller.isInitialised());
    }

    @Test
    void taskDumpNamesEachTaskWithItsStack() {
        String dump = Weft.run(EventLoop.createWithVirtualClock(), () -> {
            Weft.spawn("sleepy-worker", () -> Weft.sleep(Duration.ofHours(1)));
            Weft.yieldNow();
            return Weft.taskDump();
        });
        assertTrue(dump.contains("Task 'sleepy-worker' WAITING"), dump);
        assertTrue(dump.contains("Weft.sleep"), dump);
    }

    @Test
    void awaitingAFutureFromAPlainThreadBlocksThatThread() throws Exception {
        try (LoopGroup group = new LoopGroup(1)) {
            Task<String> t = group.spawn(() -> { Weft.sleep(Duration.ofMillis(1)); return "from loop"; });
            assertEquals("from loop", t.await());
        }
    }
}
