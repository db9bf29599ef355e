package dev.weft;

import dev.weft.internal.Loggers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.slf4j.Logger;

/**
 * Makes the JDK's internal I/O poller start on an ordinary virtual thread before any loop runs.
 *
 * <p>The JDK's {@code sun.nio.ch.Poller} threads are started lazily by the first virtual thread
 * that blocks on socket I/O. In the JDK's virtual-thread poller mode those pollers are virtual
 * threads that take the scheduler of the thread that started them: if that is a loop's task,
 * the poller lives on that loop, and the loop deadlocks or crawls as soon as the poller must
 * run while the loop waits. One blocking socket operation on a default-scheduler virtual thread
 * at start-up makes the pollers belong to the JDK's own scheduler. (The launcher also selects
 * {@code -Djdk.pollerMode=1}, where pollers are platform threads.)
 */
final class JdkPoller {

    private static final Logger LOG = Loggers.get(JdkPoller.class);
    private static volatile boolean initialised;

    private JdkPoller() {
    }

    static void ensureInitialised() {
        if (initialised) {
            return;
        }
        synchronized (JdkPoller.class) {
            if (initialised) {
                return;
            }
            try {
                Thread t = Thread.ofVirtual().name("weft-poller-init").start(JdkPoller::roundTrip);
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                initialised = true;
            }
        }
    }

    /**
     * One blocking read on a loopback socket from a virtual thread: this starts the read poller.
     * The byte is written only once the reader is parked, so that the read really blocks.
     */
    private static void roundTrip() {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            try (Socket accepted = server.accept()) {
                InputStream in = client.getInputStream();
                Thread reader = Thread.ofVirtual().name("weft-poller-init-reader").start(() -> {
                    try {
                        in.read();
                    } catch (IOException e) {
                        LOG.debug("poller warm-up read", e);
                    }
                });
                long giveUp = System.nanoTime() + 2_000_000_000L;
                while (reader.getState() != Thread.State.WAITING && reader.isAlive() && System.nanoTime() < giveUp) {
                    Thread.yield(); // on one carrier, a spin would keep the reader from ever running
                }
                OutputStream out = accepted.getOutputStream();
                out.write(1);
                out.flush();
                reader.join();
            }
        } catch (IOException | InterruptedException e) {
            LOG.debug("poller warm-up failed; continuing", e);
        }
    }

    /** True once the warm-up has run (for tests). */
    static boolean isInitialised() {
        return initialised;
    }
}
