package dev.weft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The rule of issue 9 §1: a {@code cancel()} that returned true is always delivered — at the
 * suspension the task is in, even if its wake-up was already queued, or, if the body never
 * suspends again, by ending the task cancelled — unless the body catches it or calls
 * {@code uncancel()}. Each scenario is one asyncio raises {@code CancelledError} in.
 */
class CancellationDeliveryTest {

    @Test
    void aCancelAfterTheAwaitedFutureCompletedIsDeliveredAtTheAwait() {
        Weft.run(() -> {
            Future<Integer> f = Weft.newFuture();
            Task<Integer> w = Weft.spawn(() -> f.await());
            Weft.yieldNow();              // w is parked in f.await()
            f.setResult(5);               // w's wake-up is queued
            assertTrue(w.cancel());
            assertThrows(CancelledException.class, w::await);
            assertTrue(w.isCancelled(), "the cancel that returned true was lost: " + w);
            assertEquals(5, f.result(), "the future itself keeps its result");
        });
    }

    @Test
    void aCancelAfterTheSleepDeadlinePassedIsDeliveredAtTheSleep() {
        Weft.run(EventLoop.createWithVirtualClock(), () -> {
            EventLoop loop = EventLoop.running();
            long[] deadline = new long[1];
            Task<String> w = Weft.spawn(() -> {
                deadline[0] = loop.nanoTime() + Duration.ofSeconds(1).toNanos();
                Weft.sleep(Duration.ofSeconds(1));
                return "slept";
            });
            Weft.yieldNow();
            // Due at the same instant and made later, this timer runs right after w's own: w's
            // deadline has passed and its wake-up is queued when it is cancelled.
            loop.callAtNanos(deadline[0], () -> assertTrue(w.cancel()));
            assertThrows(CancelledException.class, w::await);
            assertTrue(w.isCancelled(), "the cancel that returned true was lost: " + w);
            return null;
        });
    }

    @Test
    void aCancelBeforeTheAwaitedFutureCompletesCancelsThatFuture() {
        Weft.run(() -> {
            Future<Integer> f = Weft.newFuture();
            Task<Integer> w = Weft.spawn(() -> f.await());
            Weft.yieldNow();              // w is parked in f.await()
            assertTrue(w.cancel());       // as in asyncio, the awaited future is cancelled at once...
            assertTrue(f.isCancelled());
            assertThrows(InvalidStateException.class, () -> f.setResult(5)); // ...so a late value is refused
            assertFalse(f.trySetResult(5), "the producer learns that its value was not delivered");
            assertThrows(CancelledException.class, w::await);
            assertTrue(w.isCancelled());
        });
    }

    @Test
    void aCancelAfterTheChannelBecameReadyIsDeliveredAtTheReadinessWait() throws Exception {
        Pipe first = Pipe.open();
        Pipe second = Pipe.open();
        try {
            String outcome = Weft.run(() -> {
                EventLoop loop = EventLoop.running();
                Task<?>[] waiter = new Task<?>[1];
                // Registered before w's channel: epoll reports descriptors in the order they
                // became ready (or were registered, when ready before): the callback that cancels
                // w is queued first, w's wake-up right after it.
                loop.addReader(first.source(), () -> waiter[0].cancel());
                Task<String> w = Weft.spawn(() -> {
                    try {
                        Readiness.awaitReadable(second.source());
                        return "woken by the data";
                    } catch (CancelledException e) {
                        return "cancelled at the wait";
                    }
                });
                waiter[0] = w;
                Weft.yieldNow();          // w is parked on `second`
                first.sink().write(ByteBuffer.wrap(new byte[] {1}));
                second.sink().write(ByteBuffer.wrap(new byte[] {1}));
                String r = w.await();
                loop.removeReader(first.source());
                return r;
            });
            assertEquals("cancelled at the wait", outcome);
        } finally {
            first.source().close();
            first.sink().close();
            second.source().close();
            second.sink().close();
        }
    }

    @Test
    void aTaskCancelledWhileBusyThatNeverSuspendsAgainEndsCancelled() {
        Weft.run(() -> {
            Task<Integer> w = Weft.spawn(() -> {
                Task.current().cancel("stop"); // requested while running: nothing suspends after it
                return 42;
            });
            CancelledException e = assertThrows(CancelledException.class, w::await);
            assertEquals("stop", e.getMessage());
            assertTrue(w.isCancelled());
        });
    }

    @Test
    void aTaskThatWithdrawsItsCancellationFinishesWithItsResult() {
        Weft.run(() -> {
            Task<Integer> w = Weft.spawn(() -> {
                Task.current().cancel();
                Task.current().uncancel();
                return 42;
            });
            assertEquals(42, w.await());
        });
    }

    @Test
    void aTaskThatCatchesTheCancellationAtTheSuspensionFinishesWithItsResult() {
        Weft.run(() -> {
            Future<Integer> f = Weft.newFuture();
            Task<String> w = Weft.spawn(() -> {
                try {
                    return "got " + f.await();
                } catch (CancelledException e) {
                    return "caught";
                }
            });
            Weft.yieldNow();
            f.setResult(5);
            w.cancel();
            assertEquals("caught", w.await(), "delivered once, at the await, and caught there");
        });
    }

    @Test
    void aWaiterOfAShieldCancelledAfterTheShieldedWorkFinishedEndsCancelled() {
        Weft.run(() -> {
            Future<Integer> inner = Weft.newFuture();
            Task<Integer> outer = Weft.spawn(() -> Weft.shield(inner).await());
            Weft.yieldNow();              // outer waits on the shield
            inner.setResult(5);           // the shield follows at once; outer's wake-up is queued
            assertTrue(outer.cancel());
            assertThrows(CancelledException.class, outer::await);
            assertTrue(outer.isCancelled(), "outer returned the shielded result instead: " + outer);
            assertEquals(5, inner.result(), "the shielded work is untouched");
        });
    }

    @Test
    void aCancelRacingTheEndOfTheBodyIsNeverLost() throws Exception {
        // A plain thread cancels tasks of a loop at whatever moment they are in: the task either
        // ends cancelled or cancel() returned false; never "cancel returned true" and a result.
        try (LoopGroup group = new LoopGroup(1)) {
            for (int i = 0; i < 2_000; i++) {
                Future<Integer> f = new Future<>(group.loop(0));
                Task<Integer> t = group.loop(0).spawn(() -> f.await() + 1);
                f.trySetResult(i);
                boolean cancelled = t.cancel();
                Weft.gatherReturningExceptions(t);
                if (cancelled) {
                    assertTrue(t.isCancelled(), "cancel() returned true but the task ended with " + t);
                } else {
                    assertEquals(i + 1, t.result());
                }
            }
        }
    }
}
