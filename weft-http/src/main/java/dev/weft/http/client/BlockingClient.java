package dev.weft.http.client;

import dev.weft.EventLoop;
import dev.weft.LoopGroup;
import dev.weft.Task;
import dev.weft.TaskFailedException;
import dev.weft.internal.Loggers;
import java.io.IOException;
import org.slf4j.Logger;

/**
 * The client for plain Java threads (the {@code requests} way): every call runs on the
 * client's own event loop thread, with the same {@link ClientSession} engine (pool, cookies,
 * redirects, decompression), and the calling thread waits for it.
 *
 * <pre>{@code
 * try (BlockingClient http = BlockingClient.create()) {         // import requests
 *     ClientResponse r = http.get("http://httpbin.org/get");   // r = requests.get(url)
 *     System.out.println(r.status() + " " + r.text());
 * }
 * }</pre>
 *
 * <p>Responses come back with their body already read (kept in memory, up to the session's
 * {@link ClientSession.Builder#maxBodySize(long) maxBodySize}, else {@link BodyTooLargeException}),
 * so their methods work on any thread and they need no closing. To stream a body, run code on
 * the client's loop with {@link #call(SessionCall)}. Usable from any number of threads at once, and from tasks of other
 * loops (which park instead of blocking). Closing stops the loop thread.
 */
public final class BlockingClient implements HttpMethods, AutoCloseable {

    private static final Logger LOG = Loggers.get(BlockingClient.class);

    /**
     * Code that runs on the client's loop with its session.
     *
     * @param <T> the result type
     */
    @FunctionalInterface
    public interface SessionCall<T> {
        /**
         * Runs with {@code session}; the result is handed to the waiting thread.
         *
         * @param session the client's session
         * @return the result for the waiting thread
         * @throws Exception anything; it is rethrown to the waiting thread
         */
        T call(ClientSession session) throws Exception;
    }

    private final LoopGroup group;
    private final EventLoop loop;
    private final ClientSession session;

    private BlockingClient(ClientSession.Builder builder) {
        this.group = new LoopGroup(1);
        this.loop = group.loop(0);
        this.session = builder.build();
    }

    /** {@return a client with every default} */
    public static BlockingClient create() {
        return new BlockingClient(ClientSession.builder());
    }

    /**
     * A client whose session is built from {@code builder}.
     *
     * @param builder the session's settings
     * @return the client
     */
    public static BlockingClient of(ClientSession.Builder builder) {
        return new BlockingClient(builder);
    }

    /** {@return the session (use it only inside {@link #call})} */
    public ClientSession session() {
        return session;
    }

    /** Sends {@code req} and returns the response with its body read. */
    @Override
    public ClientResponse request(ClientRequest req) throws IOException {
        return call(s -> {
            ClientResponse r = s.request(req);
            try {
                r.bytes();
            } finally {
                r.close();
            }
            return r;
        });
    }

    /**
     * Runs {@code body} on the client's loop and waits for its result; its IOExceptions come out as they are.
     *
     * @param <T> the result type
     * @param body what to run with the session
     * @return what the body returned
     * @throws IOException an IOException the body threw, as it is
     */
    public <T> T call(SessionCall<T> body) throws IOException {
        if (loop.inLoop()) {
            try {
                return body.call(session); // already on our loop: waiting would deadlock
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
        Task<T> task = loop.spawn("blocking-http", () -> body.call(session));
        try {
            return task.await();
        } catch (TaskFailedException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(c);
        } catch (dev.weft.CancelledException e) {
            task.cancel();
            throw e;
        }
    }

    /** Closes the session and stops the loop thread. */
    @Override
    public void close() {
        try {
            call(s -> {
                s.close();
                return null;
            });
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing the session failed", e);
        }
        group.close();
    }
}
