package dev.weft.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CancelledException;
import dev.weft.EventLoop;
import dev.weft.Future;
import dev.weft.Task;
import dev.weft.TimeoutException;
import dev.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The races of {@link WaitList#await} that tasks of one loop cannot produce on their own (they
 * need another thread to act between two instructions), staged directly on a ticket.
 */
@Timeout(60)
class WaitListTest {

    @Test
    void ticketsAreHandedOutInArrivalOrder() {
        Object guard = new Object();
        WaitList<String> line = new WaitList<>(guard);
        synchronized (guard) {
            Future<String> a = line.add();
            Future<String> b = line.add();
            Future<String> c = line.add();
            assertEquals(3, line.size());
            assertSame(a, line.pollFirst());
            assertEquals(List.of(b, c), line.pollAll());
            assertTrue(line.isEmpty());
            assertNull(line.pollFirst());
        }
    }

    @Test
    void aGrantThatLandsAfterTheCancellationWasDeliveredIsGivenBack() {
        Weft.run(() -> {
            Object guard = new Object();
            WaitList<String> line = new WaitList<>(guard);
            Future<String> ticket;
            synchronized (guard) {
                ticket = line.add();
                line.pollFirst();
            }
            // Another thread would do this between the waiter's registration and its wait:
            ticket.trySetResult("permit");
            Task.current().cancel("late");
            List<String> givenBack = new ArrayList<>();
            CancelledException e = assertThrows(CancelledException.class,
                    () -> line.await(ticket, null, givenBack::add));
            assertEquals("late", e.getMessage());
            assertEquals(List.of("permit"), givenBack, "the grant must be passed on, not lost");
            Task.current().uncancel();
        });
    }

    @Test
    void aWaiterCancelledBeforeTheGrantWithdrawsAndTheGranterSeesIt() {
        Weft.run(() -> {
            Object guard = new Object();
            WaitList<String> line = new WaitList<>(guard);
            Future<String> ticket;
            synchronized (guard) {
                ticket = line.add();
            }
            Task.current().cancel();
            List<String> givenBack = new ArrayList<>();
            assertThrows(CancelledException.class, () -> line.await(ticket, null, givenBack::add));
            Task.current().uncancel();
            assertTrue(ticket.isCancelled());
            assertTrue(givenBack.isEmpty());
            synchronized (guard) {
                assertTrue(line.isEmpty(), "the withdrawn ticket left the line");
            }
            assertTrue(!ticket.trySetResult("permit"), "a granter learns that the waiter withdrew");
        });
    }

    @Test
    void aGrantThatBeatsTheDeadlineWins() {
        EventLoop loop = EventLoop.createWithVirtualClock();
        Weft.run(loop, () -> {
            Object guard = new Object();
            WaitList<String> line = new WaitList<>(guard);
            Future<String> ticket;
            synchronized (guard) {
                ticket = line.add();
                line.pollFirst();
            }
            loop.callLater(Duration.ofSeconds(1), () -> ticket.trySetResult("item"));
            assertEquals("item", line.await(ticket, Duration.ofSeconds(2), x -> { }));
            Future<String> late;
            synchronized (guard) {
                late = line.add();
            }
            assertThrows(TimeoutException.class, () -> line.await(late, Duration.ofSeconds(2), x -> { }));
            assertTrue(late.isCancelled());
            return null;
        });
    }
}
