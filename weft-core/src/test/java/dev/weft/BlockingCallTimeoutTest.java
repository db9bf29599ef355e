package dev.weft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testing.WeftTest;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 §3: a timeout around a blocking JDK call interrupts it; whatever the call throws for
 * that interrupt is the timeout. And zero timeouts behave as asyncio's do.
 */
@WeftTest(virtualClock = false)
class BlockingCallTimeoutTest {

    @Test
    void aJavaNetReadInterruptedByTheTimeoutEndsInTimeoutException() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket silent = server.accept()) {
            InputStream in = client.getInputStream();
            TimeoutException e = assertThrows(TimeoutException.class,
                    () -> Weft.withTimeout(Duration.ofMillis(100), () -> in.read())); // the peer never writes
            assertTrue(Task.causedByInterrupt(e.getCause()), "the cause is the interrupted read: " + e.getCause());
            assertTaskIsClean();
        }
    }

    @Test
    void aBlockingChannelReadClosedByTheTimeoutsInterruptEndsInTimeoutException() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                SocketChannel client = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        server.getLocalPort()));
                Socket silent = server.accept()) {
            TimeoutException e = assertThrows(TimeoutException.class,
                    () -> Weft.waitFor(Duration.ofMillis(100), () -> client.read(ByteBuffer.allocate(16))));
            assertTrue(e.getCause() instanceof ClosedByInterruptException, String.valueOf(e.getCause()));
            assertTaskIsClean();
        }
    }

    @Test
    void waitForWithATimeoutOfZeroTimesOutWithoutStartingTheBody() throws Exception {
        AtomicBoolean started = new AtomicBoolean();
        assertThrows(TimeoutException.class, () -> Weft.waitFor(Duration.ZERO, () -> {
            started.set(true);
            return 42;
        }));
        assertThrows(TimeoutException.class, () -> Weft.waitFor(Duration.ofSeconds(-1), () -> {
            started.set(true);
            return 42;
        }));
        assertFalse(started.get(), "asyncio.wait_for(coro, 0) never runs coro");
        assertTaskIsClean();
    }

    @Test
    void withTimeoutOfZeroTimesOutAtTheBodysFirstSuspension() throws Exception {
        AtomicBoolean started = new AtomicBoolean();
        AtomicBoolean resumed = new AtomicBoolean();
        assertThrows(TimeoutException.class, () -> Weft.withTimeout(Duration.ZERO, () -> {
            started.set(true);
            Weft.yieldNow();
            resumed.set(true);
        }));
        assertTrue(started.get());
        assertFalse(resumed.get(), "asyncio.timeout(0) cancels the body at its first await");
        // A body that never suspends finishes, as under asyncio.timeout(0).
        assertEquals(42, Weft.withTimeout(Duration.ZERO, () -> 42));
        assertTaskIsClean();
    }

    /** After a timeout the task has no cancellation left, and its next blocking JDK call is not interrupted. */
    private static void assertTaskIsClean() throws Exception {
        assertEquals(0, Task.current().cancelling());
        assertFalse(Thread.currentThread().isInterrupted(), "the scope's interrupt must not outlive it");
        Thread.sleep(1);
        Weft.yieldNow();
    }
}
