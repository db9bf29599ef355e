package dev.weft.http.client;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.EventLoop;
import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.testing.WeftTest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The pool's slots, line and idle eviction, with fake connections on a virtual clock (no I/O). */
@WeftTest
class ConnectionPoolTest {

    private static final TraceListener NO_TRACE = new TraceListener() {
    };
    private static final Origin A = Origin.of(URI.create("http://a.test/"));
    private static final Origin B = Origin.of(URI.create("http://b.test/"));

    private final List<PooledConnection> closed = new CopyOnWriteArrayList<>();
    private int opened;

    private PooledConnection open(Origin o) {
        opened++;
        PooledConnection[] self = new PooledConnection[1];
        self[0] = new PooledConnection(o, null, () -> closed.add(self[0]));
        return self[0];
    }

    private PooledConnection acquire(ConnectionPool pool, Origin o, Duration wait) throws Exception {
        return pool.acquire(o, false, wait, this::open, NO_TRACE);
    }

    @Test
    void idleConnectionsAreReusedThenEvictedAfterTheKeepAliveTime() throws Exception {
        ConnectionPool pool = new ConnectionPool(10, 0, Duration.ofSeconds(15));
        PooledConnection c = acquire(pool, A, null);
        pool.release(c, true);
        Weft.sleep(Duration.ofSeconds(10));
        PooledConnection again = acquire(pool, A, null);
        assertSame(c, again, "reused within the keep-alive time");
        assertTrue(again.reused());
        pool.release(again, true);
        Weft.sleep(Duration.ofSeconds(16));
        assertEquals(0, pool.idleConnections(), "evicted by the timer");
        assertEquals(List.of(c), closed);
        assertNotSame(c, acquire(pool, A, null));
        assertEquals(2, opened);
        pool.close();
    }

    @Test
    void waitersAreServedInArrivalOrder() throws Exception {
        ConnectionPool pool = new ConnectionPool(1, 0, Duration.ofSeconds(15));
        PooledConnection first = acquire(pool, A, null);
        List<String> order = new CopyOnWriteArrayList<>();
        List<Task<Void>> tasks = new ArrayList<>();
        for (String name : List.of("w1", "w2", "w3")) {
            tasks.add(Weft.spawn(() -> {
                PooledConnection c = acquire(pool, A, null);
                order.add(name);
                Weft.sleep(Duration.ofSeconds(1));
                pool.release(c, true);
            }));
            Weft.sleep(Duration.ofMillis(1)); // arrival order on the virtual clock
        }
        assertEquals(3, pool.waiting());
        pool.release(first, true);
        Weft.gather(tasks);
        assertEquals(List.of("w1", "w2", "w3"), order);
        assertEquals(1, opened, "one connection served everyone");
        pool.close();
    }

    @Test
    void aWaiterHeldBackByItsHostLimitDoesNotBlockOtherHosts() throws Exception {
        ConnectionPool pool = new ConnectionPool(2, 1, Duration.ofSeconds(15));
        PooledConnection a = acquire(pool, A, null);
        Task<PooledConnection> secondA = Weft.spawn(() -> acquire(pool, A, null));
        Weft.sleep(Duration.ofMillis(1));
        assertEquals(1, pool.waiting());
        PooledConnection b = acquire(pool, B, Duration.ofSeconds(1));
        assertEquals(B, b.origin());
        assertFalse(secondA.isDone());
        pool.release(a, true);
        assertSame(a, secondA.await(), "the per-host slot went to the waiting A request");
        pool.close();
    }

    @Test
    void aSlotWaitTimesOutAndTheLineForgetsTheWaiter() throws Exception {
        ConnectionPool pool = new ConnectionPool(1, 0, Duration.ofSeconds(15));
        PooledConnection held = acquire(pool, A, null);
        EventLoop loop = EventLoop.running();
        long t0 = loop.nanoTime();
        ClientTimeoutException e = assertThrows(ClientTimeoutException.class,
                () -> acquire(pool, A, Duration.ofSeconds(5)));
        assertEquals(ClientTimeoutException.Kind.POOL_ACQUIRE, e.kind());
        assertEquals(Duration.ofSeconds(5).toNanos(), loop.nanoTime() - t0);
        assertEquals(0, pool.waiting());
        Task<PooledConnection> cancelled = Weft.spawn(() -> acquire(pool, A, null));
        Weft.sleep(Duration.ofMillis(1));
        cancelled.cancel();
        Weft.sleep(Duration.ofMillis(1));
        pool.release(held, true);
        assertEquals(0, pool.connectionsInUse(), "no slot lost to the timed-out or cancelled waiters");
        assertSame(held, acquire(pool, A, Duration.ZERO.plusMillis(1)));
        pool.close();
    }

    @Test
    void theTotalLimitClosesTheOldestIdleConnectionOfAnotherHost() throws Exception {
        ConnectionPool pool = new ConnectionPool(1, 0, Duration.ofSeconds(15));
        PooledConnection a = acquire(pool, A, null);
        pool.release(a, true);
        PooledConnection b = acquire(pool, B, null);
        assertEquals(List.of(a), closed, "at most `limit` sockets open");
        pool.release(b, false);
        assertEquals(List.of(a, b), closed);
        pool.close();
    }

    @Test
    void closingFailsWaitersAndClosesIdleConnections() throws Exception {
        ConnectionPool pool = new ConnectionPool(1, 0, Duration.ofSeconds(15));
        PooledConnection a = acquire(pool, A, null);
        Task<PooledConnection> waiter = Weft.spawn(() -> acquire(pool, A, null));
        Weft.sleep(Duration.ofMillis(1));
        pool.close();
        Exception e = assertThrows(Exception.class, waiter::await);
        assertTrue(String.valueOf(e.getMessage()).contains("closed") || e.getCause() instanceof ClientException, e.toString());
        pool.release(a, true);
        assertEquals(List.of(a), closed, "released after close: closed, not kept");
    }
}
