package dev.weft.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CancelledException;
import dev.weft.EventLoop;
import dev.weft.InvalidStateException;
import dev.weft.Task;
import dev.weft.TimeoutException;
import dev.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class QueueTest {

    @Test
    void itemsComeOutInTheOrderTheyWentIn() {
        Weft.run(() -> {
            Queue<Integer> q = new Queue<>();
            assertTrue(q.isEmpty());
            for (int i = 0; i < 5; i++) {
                q.put(i);
            }
            assertEquals(5, q.size());
            assertFalse(q.isFull(), "an unbounded queue is never full");
            assertEquals(0, q.maxSize());
            List<Integer> out = new ArrayList<>();
            while (!q.isEmpty()) {
                out.add(q.get());
            }
            assertEquals(List.of(0, 1, 2, 3, 4), out);
        });
    }

    @Test
    void nowaitOperationsThrowWhenTheyWouldWait() {
        Queue<String> q = new Queue<>(1);
        assertThrows(QueueEmptyException.class, q::getNowait);
        q.putNowait("a");
        assertTrue(q.isFull());
        QueueFullException full = assertThrows(QueueFullException.class, () -> q.putNowait("b"));
        assertEquals("putNowait() on a full queue (maxSize 1)", full.getMessage());
        assertEquals("a", q.getNowait());
        assertThrows(NullPointerException.class, () -> q.putNowait(null));
        assertThrows(IllegalArgumentException.class, () -> new Queue<String>(-1));
    }

    @Test
    void putWaitsWhileABoundedQueueIsFull() {
        Weft.run(() -> {
            Queue<Integer> q = new Queue<>(2);
            q.put(1);
            q.put(2);
            Task<Void> producer = Weft.spawn(() -> q.put(3));
            Weft.yieldNow();
            assertFalse(producer.isDone());
            assertEquals(1, q.get());
            producer.await();
            assertEquals(List.of(2, 3), List.of(q.get(), q.get()));
        });
    }

    @Test
    void waitingConsumersAreServedInArrivalOrder() {
        Weft.run(() -> {
            Queue<Integer> q = new Queue<>();
            List<String> log = new ArrayList<>();
            List<Task<Void>> consumers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                consumers.add(Weft.spawn(() -> {
                    log.add("consumer " + n + " got " + q.get());
                }));
            }
            Weft.yieldNow();
            for (int i = 0; i < 4; i++) {
                q.put(i * 10);
            }
            Weft.gather(consumers);
            assertEquals(List.of("consumer 0 got 0", "consumer 1 got 10", "consumer 2 got 20", "consumer 3 got 30"), log);
        });
    }

    @Test
    void waitingProducersAreServedInArrivalOrder() {
        Weft.run(() -> {
            Queue<Integer> q = new Queue<>(1);
            q.put(-1);
            List<Task<Void>> producers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                producers.add(Weft.spawn(() -> q.put(n)));
                Weft.yieldNow();
            }
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                out.add(q.get());
            }
            Weft.gather(producers);
            assertEquals(List.of(-1, 0, 1, 2, 3), out);
        });
    }

    @Test
    void anItemPutForAWaitingConsumerCannotBeTakenByAnother() {
        Weft.run(() -> {
            Queue<String> q = new Queue<>();
            Task<String> waiting = Weft.spawn(() -> q.get());
            Weft.yieldNow();
            q.put("x");
            // "x" is claimed for the woken consumer, which has not run yet.
            assertEquals(0, q.size());
            assertThrows(QueueEmptyException.class, q::getNowait);
            Task<String> late = Weft.spawn(() -> q.get());
            assertEquals("x", waiting.await());
            q.put("y");
            assertEquals("y", late.await());
        });
    }

    @Test
    void aSlotFreedForAWaitingProducerCannotBeTakenByAnother() {
        Weft.run(() -> {
            Queue<String> q = new Queue<>(1);
            q.put("a");
            Task<Void> waiting = Weft.spawn(() -> q.put("b"));
            Weft.yieldNow();
            assertEquals("a", q.get());
            // The slot is claimed for the woken producer.
            assertTrue(q.isFull());
            assertThrows(QueueFullException.class, () -> q.putNowait("c"));
            waiting.await();
            assertEquals("b", q.get());
        });
    }

    @Test
    void putAndGetTimeOutOnTheVirtualClock() {
        EventLoop loop = EventLoop.createWithVirtualClock();
        Weft.run(loop, () -> {
            Queue<Integer> q = new Queue<>(1);
            double start = loop.time();
            TimeoutException e = assertThrows(TimeoutException.class, () -> q.get(Duration.ofSeconds(3)));
            assertEquals("get() timed out after 3 s: the queue stayed empty", e.getMessage());
            assertEquals(3.0, loop.time() - start, 1e-6);
            q.put(1, Duration.ofSeconds(1)); // room: no wait
            assertEquals(3.0, loop.time() - start, 1e-6);
            e = assertThrows(TimeoutException.class, () -> q.put(2, Duration.ofSeconds(4)));
            assertEquals("put() timed out after 4 s: the queue stayed full", e.getMessage());
            assertEquals(7.0, loop.time() - start, 1e-6);
            assertEquals(1, q.size(), "the timed-out item was not put");
            // A consumer frees the slot after 2 s: the put with a 5 s limit succeeds then.
            loop.callLater(Duration.ofSeconds(2), q::getNowait);
            q.put(3, Duration.ofSeconds(5));
            assertEquals(9.0, loop.time() - start, 1e-6);
            assertEquals(3, q.get(Duration.ofSeconds(1)));
            Weft.spawn(() -> {
                Weft.sleep(1);
                q.put(4);
            });
            assertEquals(4, q.get(Duration.ofSeconds(10)));
            assertEquals(10.0, loop.time() - start, 1e-6);
            return null;
        });
    }

    @Test
    void joinWaitsUntilEveryItemIsMarkedDone() {
        Weft.run(() -> {
            Queue<Integer> q = new Queue<>();
            q.join(); // nothing unfinished: returns at once
            for (int i = 0; i < 3; i++) {
                q.put(i);
            }
            Task<Void> joiner = Weft.spawn(q::join);
            for (int i = 0; i < 3; i++) {
                q.get();
                Weft.yieldNow();
                assertFalse(joiner.isDone());
                q.taskDone();
            }
            joiner.await();
            InvalidStateException e = assertThrows(InvalidStateException.class, q::taskDone);
            assertEquals("taskDone() called more times than items were put", e.getMessage());
        });
    }

    @Test
    void afterShutdownPutsFailAndGetsDrainTheRestThenFail() {
        Weft.run(() -> {
            Queue<Integer> q = new Queue<>(1);
            Task<Void> waitingProducer;
            q.put(1);
            waitingProducer = Weft.spawn(() -> q.put(2));
            Weft.yieldNow();
            q.shutdown();
            assertTrue(q.isShutDown());
            assertInstanceOf(QueueShutDownException.class, Weft.gatherReturningExceptions(waitingProducer).get(0));
            assertThrows(QueueShutDownException.class, () -> q.put(3));
            assertThrows(QueueShutDownException.class, () -> q.putNowait(3));
            assertEquals(1, q.get(), "items put before the shutdown can still be got");
            assertThrows(QueueShutDownException.class, q::get);
            assertThrows(QueueShutDownException.class, q::getNowait);
        });
    }

    @Test
    void shutdownWakesWaitingConsumers() {
        Weft.run(() -> {
            Queue<Integer> q = new Queue<>();
            Task<Integer> a = Weft.spawn(() -> q.get());
            Task<Integer> b = Weft.spawn(() -> q.get(Duration.ofHours(1)));
            Weft.yieldNow();
            q.shutdown();
            for (Object o : Weft.gatherReturningExceptions(a, b)) {
                assertInstanceOf(QueueShutDownException.class, o);
            }
        });
    }

    @Test
    void anImmediateShutdownDropsTheItemsAndReleasesJoin() {
        Weft.run(() -> {
            Queue<Integer> q = new Queue<>();
            q.put(1);
            q.put(2);
            q.put(3);
            assertEquals(1, q.get()); // taken, not yet done
            Task<Void> joiner = Weft.spawn(q::join);
            Weft.yieldNow();
            q.shutdown(true);
            Weft.yieldNow();
            assertFalse(joiner.isDone(), "the item being worked on is still unfinished");
            assertEquals(0, q.size());
            assertThrows(QueueShutDownException.class, q::get);
            q.taskDone();
            joiner.await();
            q.shutdown(); // idempotent
        });
    }

    @Test
    void anImmediateShutdownVoidsItemsClaimedForWokenConsumers() {
        Weft.run(() -> {
            Queue<Integer> q = new Queue<>();
            Task<Integer> consumer = Weft.spawn(() -> q.get());
            Weft.yieldNow();
            q.put(1);          // claimed for the consumer...
            q.shutdown(true);  // ...and dropped before it runs
            assertInstanceOf(QueueShutDownException.class, Weft.gatherReturningExceptions(consumer).get(0));
            q.join(); // the dropped item counts as done
        });
    }

    @Test
    void getAndPutAreCancellationPointsEvenWhenTheyNeedNotWait() {
        Weft.run(() -> {
            Queue<Integer> q = new Queue<>();
            q.put(1);
            Task.current().cancel();
            assertThrows(CancelledException.class, q::get);
            Task.current().uncancel();
            Task.current().cancel();
            assertThrows(CancelledException.class, () -> q.put(2));
            Task.current().uncancel();
            Task.current().cancel();
            assertThrows(CancelledException.class, q::join);
            Task.current().uncancel();
            assertEquals(1, q.size(), "nothing was put or taken");
        });
    }

    @Test
    void aConsumerCancelledWhileWaitingTakesNoItem() {
        Weft.run(() -> {
            Queue<String> q = new Queue<>();
            Task<String> cancelled = Weft.spawn(() -> q.get());
            Task<String> next = Weft.spawn(() -> q.get());
            Weft.yieldNow();
            cancelled.cancel();
            Weft.gatherReturningExceptions(cancelled);
            q.put("x");
            assertEquals("x", next.await());
            q.put("y");
            assertEquals(1, q.size());
            assertEquals("y", q.get());
        });
    }

    @Test
    void aProducerCancelledWhileWaitingPutsNothing() {
        Weft.run(() -> {
            Queue<String> q = new Queue<>(1);
            q.put("a");
            Task<Void> cancelled = Weft.spawn(() -> q.put("lost"));
            Task<Void> next = Weft.spawn(() -> q.put("b"));
            Weft.yieldNow();
            cancelled.cancel();
            Weft.gatherReturningExceptions(cancelled);
            assertEquals("a", q.get());
            next.await();
            assertEquals("b", q.get());
            assertTrue(q.isEmpty());
        });
    }

    @Test
    void aConsumerCancelledInTheStepAnItemIsClaimedForItIsCancelledAndTheItemGoesToTheNext() {
        Weft.run(() -> {
            for (boolean cancelFirst : new boolean[] {false, true}) {
                Queue<String> q = new Queue<>();
                List<String> got = new ArrayList<>();
                Task<Void> consumer = Weft.spawn(() -> { got.add("cancelled consumer: " + q.get()); });
                Task<Void> next = Weft.spawn(() -> { got.add("next: " + q.get()); });
                Weft.yieldNow();
                if (cancelFirst) {
                    consumer.cancel();
                    q.put("x");
                } else {
                    q.put("x");
                    consumer.cancel();
                }
                Weft.gatherReturningExceptions(consumer, next);
                assertTrue(consumer.isCancelled());
                assertEquals(List.of("next: x"), got, "the item went to exactly one consumer; cancelFirst=" + cancelFirst);
                assertTrue(q.isEmpty());
                q.put("y");
                assertEquals("y", q.getNowait(), "the queue still works");
            }
        });
    }

    @Test
    void aConsumerCancelledInTheStepAnItemIsClaimedForItLeavesTheItemInTheQueue() {
        Weft.run(() -> {
            Queue<String> q = new Queue<>();
            Task<String> consumer = Weft.spawn(() -> q.get());
            Weft.yieldNow();
            q.put("x");
            consumer.cancel();
            Weft.gatherReturningExceptions(consumer);
            assertTrue(consumer.isCancelled());
            assertEquals(1, q.size(), "the claim was given back");
            assertEquals("x", q.getNowait());
        });
    }

    @Test
    void aProducerCancelledInTheStepASlotIsClaimedForItDoesNotPutAndTheSlotGoesToTheNext() {
        Weft.run(() -> {
            for (boolean cancelFirst : new boolean[] {false, true}) {
                Queue<String> q = new Queue<>(1);
                q.put("a");
                Task<Void> producer = Weft.spawn(() -> q.put("b"));
                Task<Void> next = Weft.spawn(() -> q.put("c"));
                Weft.yieldNow();
                if (cancelFirst) {
                    producer.cancel();
                    assertEquals("a", q.get());
                } else {
                    assertEquals("a", q.get());
                    producer.cancel();
                }
                Weft.gatherReturningExceptions(producer, next);
                assertTrue(producer.isCancelled());
                assertEquals("c", q.getNowait(), "cancelFirst=" + cancelFirst);
                assertTrue(q.isEmpty(), "the cancelled producer's item was not put");
            }
        });
    }

    @Test
    void aConsumerThatWithdrewIsSkippedAndTheItemGoesToTheNext() {
        Weft.run(() -> {
            Queue<String> q = new Queue<>();
            Task<String> first = Weft.spawn(() -> q.get());
            Task<String> second = Weft.spawn(() -> q.get());
            Weft.yieldNow();
            first.cancel();
            Weft.yieldNow(); // `first` withdraws before the put
            q.put("x");
            assertEquals("x", second.await());
            assertTrue(first.isCancelled());
        });
    }
}
