package dev.weft.http.client;

import java.time.Duration;

/**
 * The time limits of a request (aiohttp's {@code ClientTimeout}); immutable, wither style. A
 * null limit means none.
 *
 * <ul>
 *   <li>{@code total}: the whole request, from the call to the last byte of the body (redirects
 *       included);</li>
 *   <li>{@code connect}: getting a connection: waiting in the pool plus opening a new one;</li>
 *   <li>{@code sockConnect}: opening one TCP connection (name resolution included);</li>
 *   <li>{@code sockRead}: any single wait for bytes from the server;</li>
 *   <li>{@code poolAcquire}: waiting for a free slot when the pool's limits are reached.</li>
 * </ul>
 *
 * <pre>{@code
 * ClientTimeout t = ClientTimeout.defaults().total(Duration.ofSeconds(4));   // aiohttp.ClientTimeout(total=4)
 * }</pre>
 *
 * <p>An expired limit throws {@link ClientTimeoutException} (a {@link java.net.SocketTimeoutException})
 * whose {@link ClientTimeoutException#kind()} tells which one.
 *
 * @param total       the whole request
 * @param connect     pool wait plus connection set-up
 * @param sockConnect one TCP connect
 * @param sockRead    one wait for bytes
 * @param poolAcquire one wait for a pool slot
 */
public record ClientTimeout(Duration total, Duration connect, Duration sockConnect, Duration sockRead,
        Duration poolAcquire) {

    private static final ClientTimeout DEFAULTS = new ClientTimeout(Duration.ofMinutes(5), null,
            Duration.ofSeconds(30), null, null);

    /** {@return aiohttp's defaults: total 5 minutes, socket connect 30 s, nothing else} */
    public static ClientTimeout defaults() {
        return DEFAULTS;
    }

    /** {@return no limit at all} */
    public static ClientTimeout none() {
        return new ClientTimeout(null, null, null, null, null);
    }

    /**
     * With another total limit.
     *
     * @param d the duration
     * @return this client timeout
     */
    public ClientTimeout total(Duration d) {
        return new ClientTimeout(d, connect, sockConnect, sockRead, poolAcquire);
    }

    /**
     * With another pool-wait-plus-connect limit.
     *
     * @param d the duration
     * @return this client timeout
     */
    public ClientTimeout connect(Duration d) {
        return new ClientTimeout(total, d, sockConnect, sockRead, poolAcquire);
    }

    /**
     * With another TCP connect limit.
     *
     * @param d the duration
     * @return this client timeout
     */
    public ClientTimeout sockConnect(Duration d) {
        return new ClientTimeout(total, connect, d, sockRead, poolAcquire);
    }

    /**
     * With another limit on each wait for bytes.
     *
     * @param d the duration
     * @return this client timeout
     */
    public ClientTimeout sockRead(Duration d) {
        return new ClientTimeout(total, connect, sockConnect, d, poolAcquire);
    }

    /**
     * With another limit on waiting for a pool slot.
     *
     * @param d the duration
     * @return this client timeout
     */
    public ClientTimeout poolAcquire(Duration d) {
        return new ClientTimeout(total, connect, sockConnect, sockRead, d);
    }
}
