package dev.weft.http.client;

import dev.weft.net.Connection;
import dev.weft.net.StreamReader;
import dev.weft.net.StreamWriter;

/**
 * One keep-alive connection of a {@link ConnectionPool}, to one {@link Origin}.
 *
 * <pre>
 *            open (slot reserved)        release(reusable)            acquire (LIFO)
 *  (none) ----------------------> ACQUIRED ----------------> IDLE ----------------> ACQUIRED
 *                                    |                         |
 *                                    | release(!reusable),     | keep-alive timeout, pool limit,
 *                                    | error, half-read body   | session closed
 *                                    v                         v
 *                                  CLOSED &lt;-------------------+
 * </pre>
 *
 * <p>An ACQUIRED connection belongs to one request (its task); IDLE and CLOSED ones to the pool.
 * The state is guarded by the pool's lock. Sockets belong to the loop of the session's tasks.
 */
public final class PooledConnection {

    /** Where a connection is in its life. */
    public enum State {
        /** In use by one request. */
        ACQUIRED,
        /** Waiting in the pool for the next request. */
        IDLE,
        /** Closed; never used again. */
        CLOSED
    }

    private final Origin origin;
    private final Connection connection;
    private final Runnable onClose;
    // Guarded by the pool's lock.
    State state = State.ACQUIRED;
    long idleSinceNanos;
    int requests;

    /** A connection to {@code origin} over {@code connection} (null in unit tests, with {@code onClose}). */
    PooledConnection(Origin origin, Connection connection, Runnable onClose) {
        this.origin = origin;
        this.connection = connection;
        this.onClose = onClose;
    }

    /** {@return where it leads} */
    public Origin origin() {
        return origin;
    }

    /** {@return the stream (null only for the pool's own unit tests)} */
    public Connection connection() {
        return connection;
    }

    StreamReader reader() {
        return connection.reader();
    }

    StreamWriter writer() {
        return connection.writer();
    }

    /** {@return how many requests it carried before the current one (0: a fresh connection)} */
    public int previousRequests() {
        return requests;
    }

    /** {@return true if it carried a request before the current one} */
    public boolean reused() {
        return requests > 0;
    }

    /**
     * True if the server sent something while no request was outstanding: bytes (an unsolicited
     * response, which the next request would take for its own: Go's "Unsolicited response
     * received on idle HTTP channel"), the end of the stream, or a reset. Such a connection must
     * not carry another request. Never waits; call from a task of the connection's loop.
     */
    boolean spoke() {
        if (connection == null) {
            return false;
        }
        try {
            return connection.reader().pollData();
        } catch (java.io.IOException e) {
            return true;
        }
    }

    /** Bytes received and not read: at the end of an exchange, bytes nobody asked for. */
    int unreadBytes() {
        return connection == null ? 0 : connection.reader().buffered();
    }

    /** Closes the socket (abortive if data are still buffered: nothing more will be read). */
    void closeSocket() {
        if (connection != null) {
            connection.writer().abort();
        }
        if (onClose != null) {
            onClose.run();
        }
    }

    @Override
    public String toString() {
        return "PooledConnection[" + origin + ", " + state + ", requests=" + requests + "]";
    }
}
