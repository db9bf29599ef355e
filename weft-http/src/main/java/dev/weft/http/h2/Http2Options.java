package dev.weft.http.h2;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings an HTTP/2 connection advertises and the limits it defends itself with; immutable,
 * each {@code with}-style method returns a changed copy.
 *
 * <pre>{@code
 * Http2Options o = Http2Options.defaults().maxConcurrentStreams(250).initialWindowSize(1 << 20);
 * }</pre>
 *
 * <p><b>Advertised</b> (our SETTINGS): {@link #maxConcurrentStreams} (100; server side only,
 * since push is never enabled), {@link #initialWindowSize} (256 KiB per stream),
 * {@link #maxFrameSize} (16 KiB), {@link #maxHeaderListSize} (64 KiB, as the HTTP/1.1 limit),
 * {@link #headerTableSize} (4 KiB), and {@code ENABLE_PUSH = 0} on the client side.
 * {@link #connectionWindowSize} (1 MiB) is opened with a WINDOW_UPDATE on stream 0.
 *
 * <p><b>Flow control.</b> Window updates are sent as the application reads, never as data
 * arrive: a stream never buffers more than its window, and the connection never more than its
 * window in all. With the connection window four times a stream's, one stream that nobody reads
 * leaves three quarters of it to the others.
 *
 * <p><b>Defences</b>, each answered with GOAWAY (or RST_STREAM) and the code the RFC or common
 * practice gives, after bounded work:
 * <ul>
 *   <li>header blocks of more than {@code 2 * maxHeaderListSize + 1 KiB} octets, or of more than
 *       {@link #maxContinuationFrames} CONTINUATION frames (the 2024 CONTINUATION flood):
 *       {@code ENHANCE_YOUR_CALM};</li>
 *   <li>header lists beyond {@link #maxHeaderListSize} once decoded (HPACK bombs): a {@code 431}
 *       answer on the server, a stream error on the client; table size updates above
 *       {@link #headerTableSize}: {@code COMPRESSION_ERROR};</li>
 *   <li>more than {@link #maxResetsPerWindow} streams reset by the peer within
 *       {@link #resetWindow} (rapid reset, CVE-2023-44487): {@code ENHANCE_YOUR_CALM}; and
 *       handlers of reset streams still count against {@link #maxConcurrentStreams} until
 *       they have finished, so resetting never buys the peer more concurrent work;</li>
 *   <li>more than {@link #maxQueuedControlFrames} answers (SETTINGS and PING acknowledgements,
 *       RST_STREAM) queued because the peer does not read them (SETTINGS, PING and reset
 *       floods): {@code ENHANCE_YOUR_CALM};</li>
 *   <li>more than {@link #maxConsecutiveEmptyFrames} empty DATA frames in a row:
 *       {@code ENHANCE_YOUR_CALM};</li>
 *   <li>a stream whose writer waits longer than {@link #writeTimeout} for the peer to open its
 *       flow-control window or to read the socket (zero-window stall): reset with
 *       {@code CANCEL};</li>
 *   <li>our SETTINGS not acknowledged within {@link #settingsTimeout}: {@code SETTINGS_TIMEOUT}.</li>
 * </ul>
 */
public final class Http2Options {

    private static final Http2Options DEFAULTS = new Http2Options(100, 256 * 1024, 1024 * 1024, 16_384, 64 * 1024,
            4096, 64, 200, Duration.ofSeconds(30), 10_000, 100, Duration.ofSeconds(30), Duration.ofSeconds(10), null);

    private final int maxConcurrentStreams;
    private final int initialWindowSize;
    private final int connectionWindowSize;
    private final int maxFrameSize;
    private final int maxHeaderListSize;
    private final int headerTableSize;
    private final int maxContinuationFrames;
    private final int maxResetsPerWindow;
    private final Duration resetWindow;
    private final int maxQueuedControlFrames;
    private final int maxConsecutiveEmptyFrames;
    private final Duration writeTimeout;
    private final Duration settingsTimeout;
    private final Duration idleTimeout;

    private Http2Options(int maxConcurrentStreams, int initialWindowSize, int connectionWindowSize, int maxFrameSize,
            int maxHeaderListSize, int headerTableSize, int maxContinuationFrames, int maxResetsPerWindow,
            Duration resetWindow, int maxQueuedControlFrames, int maxConsecutiveEmptyFrames, Duration writeTimeout,
            Duration settingsTimeout, Duration idleTimeout) {
        this.maxConcurrentStreams = maxConcurrentStreams;
        this.initialWindowSize = initialWindowSize;
        this.connectionWindowSize = connectionWindowSize;
        this.maxFrameSize = maxFrameSize;
        this.maxHeaderListSize = maxHeaderListSize;
        this.headerTableSize = headerTableSize;
        this.maxContinuationFrames = maxContinuationFrames;
        this.maxResetsPerWindow = maxResetsPerWindow;
        this.resetWindow = resetWindow;
        this.maxQueuedControlFrames = maxQueuedControlFrames;
        this.maxConsecutiveEmptyFrames = maxConsecutiveEmptyFrames;
        this.writeTimeout = writeTimeout;
        this.settingsTimeout = settingsTimeout;
        this.idleTimeout = idleTimeout;
    }

    /**
     * The defaults described above.
     *
     * @return the default options
     */
    public static Http2Options defaults() {
        return DEFAULTS;
    }

    private Http2Options copy(int mcs, int iws, int cws, int mfs, int mhls, int hts, int mcf, int mrpw, Duration rw,
            int mqcf, int mcef, Duration wt, Duration st, Duration it) {
        return new Http2Options(mcs, iws, cws, mfs, mhls, hts, mcf, mrpw, rw, mqcf, mcef, wt, st, it);
    }

    private static int positive(int v, String what) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be positive: " + v);
        }
        return v;
    }

    /**
     * The most streams the peer may have open to us at once ({@code SETTINGS_MAX_CONCURRENT_STREAMS}).
     *
     * @return the limit
     */
    public int maxConcurrentStreams() {
        return maxConcurrentStreams;
    }

    /**
     * With another limit on streams the peer may open at once (server side).
     *
     * @param n the limit, positive
     * @return the changed copy
     */
    public Http2Options maxConcurrentStreams(int n) {
        return copy(positive(n, "maxConcurrentStreams"), initialWindowSize, connectionWindowSize, maxFrameSize,
                maxHeaderListSize, headerTableSize, maxContinuationFrames, maxResetsPerWindow, resetWindow,
                maxQueuedControlFrames, maxConsecutiveEmptyFrames, writeTimeout, settingsTimeout, idleTimeout);
    }

    /**
     * The receive window of each stream ({@code SETTINGS_INITIAL_WINDOW_SIZE}).
     *
     * @return octets
     */
    public int initialWindowSize() {
        return initialWindowSize;
    }

    /**
     * With another receive window per stream.
     *
     * @param n octets, 1 to 2^31-1
     * @return the changed copy
     */
    public Http2Options initialWindowSize(int n) {
        return copy(maxConcurrentStreams, positive(n, "initialWindowSize"), connectionWindowSize, maxFrameSize,
                maxHeaderListSize, headerTableSize, maxContinuationFrames, maxResetsPerWindow, resetWindow,
                maxQueuedControlFrames, maxConsecutiveEmptyFrames, writeTimeout, settingsTimeout, idleTimeout);
    }

    /**
     * The receive window of the whole connection.
     *
     * @return octets
     */
    public int connectionWindowSize() {
        return connectionWindowSize;
    }

    /**
     * With another receive window for the whole connection.
     *
     * @param n octets, at least 65,535
     * @return the changed copy
     */
    public Http2Options connectionWindowSize(int n) {
        if (n < Http2Settings.DEFAULT_WINDOW_SIZE) {
            throw new IllegalArgumentException("the connection window cannot be below 65535: " + n);
        }
        return copy(maxConcurrentStreams, initialWindowSize, n, maxFrameSize, maxHeaderListSize, headerTableSize,
                maxContinuationFrames, maxResetsPerWindow, resetWindow, maxQueuedControlFrames,
                maxConsecutiveEmptyFrames, writeTimeout, settingsTimeout, idleTimeout);
    }

    /**
     * The largest frame payload we accept ({@code SETTINGS_MAX_FRAME_SIZE}).
     *
     * @return octets
     */
    public int maxFrameSize() {
        return maxFrameSize;
    }

    /**
     * With another largest frame payload.
     *
     * @param n octets, 16,384 to 16,777,215
     * @return the changed copy
     */
    public Http2Options maxFrameSize(int n) {
        if (n < Http2Settings.DEFAULT_MAX_FRAME_SIZE || n > Http2Settings.MAX_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("maxFrameSize must be within 16384..16777215: " + n);
        }
        return copy(maxConcurrentStreams, initialWindowSize, connectionWindowSize, n, maxHeaderListSize,
                headerTableSize, maxContinuationFrames, maxResetsPerWindow, resetWindow, maxQueuedControlFrames,
                maxConsecutiveEmptyFrames, writeTimeout, settingsTimeout, idleTimeout);
    }

    /**
     * The largest header list we accept ({@code SETTINGS_MAX_HEADER_LIST_SIZE}).
     *
     * @return octets, as the RFC counts them (name + value + 32 per field)
     */
    public int maxHeaderListSize() {
        return maxHeaderListSize;
    }

    /**
     * With another largest header list.
     *
     * @param n octets
     * @return the changed copy
     */
    public Http2Options maxHeaderListSize(int n) {
        return copy(maxConcurrentStreams, initialWindowSize, connectionWindowSize, maxFrameSize,
                positive(n, "maxHeaderListSize"), headerTableSize, maxContinuationFrames, maxResetsPerWindow,
                resetWindow, maxQueuedControlFrames, maxConsecutiveEmptyFrames, writeTimeout, settingsTimeout,
                idleTimeout);
    }

    /**
     * The largest HPACK table the peer may make us keep ({@code SETTINGS_HEADER_TABLE_SIZE}).
     *
     * @return octets
     */
    public int headerTableSize() {
        return headerTableSize;
    }

    /**
     * With another HPACK table limit.
     *
     * @param n octets, 0 or more
     * @return the changed copy
     */
    public Http2Options headerTableSize(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("headerTableSize must not be negative: " + n);
        }
        return copy(maxConcurrentStreams, initialWindowSize, connectionWindowSize, maxFrameSize, maxHeaderListSize, n,
                maxContinuationFrames, maxResetsPerWindow, resetWindow, maxQueuedControlFrames,
                maxConsecutiveEmptyFrames, writeTimeout, settingsTimeout, idleTimeout);
    }

    /**
     * The largest encoded header block accepted, in octets: twice the header list limit plus
     * 1 KiB (an encoded block is rarely larger than its list).
     *
     * @return octets
     */
    public int maxHeaderBlockBytes() {
        return (int) Math.min(Integer.MAX_VALUE - 16, 2L * maxHeaderListSize + 1024);
    }

    /**
     * The most CONTINUATION frames one header block may span.
     *
     * @return the limit
     */
    public int maxContinuationFrames() {
        return maxContinuationFrames;
    }

    /**
     * With another limit on CONTINUATION frames per header block.
     *
     * @param n the limit, positive
     * @return the changed copy
     */
    public Http2Options maxContinuationFrames(int n) {
        return copy(maxConcurrentStreams, initialWindowSize, connectionWindowSize, maxFrameSize, maxHeaderListSize,
                headerTableSize, positive(n, "maxContinuationFrames"), maxResetsPerWindow, resetWindow,
                maxQueuedControlFrames, maxConsecutiveEmptyFrames, writeTimeout, settingsTimeout, idleTimeout);
    }

    /**
     * The most streams the peer may reset within {@link #resetWindow} (rapid-reset defence,
     * server side).
     *
     * @return the limit
     */
    public int maxResetsPerWindow() {
        return maxResetsPerWindow;
    }

    /**
     * The window of {@link #maxResetsPerWindow}.
     *
     * @return the window
     */
    public Duration resetWindow() {
        return resetWindow;
    }

    /**
     * With another rapid-reset limit: at most {@code n} streams reset by the peer per {@code window}.
     *
     * @param n the limit, positive
     * @param window the window
     * @return the changed copy
     */
    public Http2Options maxResetsPerWindow(int n, Duration window) {
        return copy(maxConcurrentStreams, initialWindowSize, connectionWindowSize, maxFrameSize, maxHeaderListSize,
                headerTableSize, maxContinuationFrames, positive(n, "maxResetsPerWindow"), Objects.requireNonNull(window),
                maxQueuedControlFrames, maxConsecutiveEmptyFrames, writeTimeout, settingsTimeout, idleTimeout);
    }

    /**
     * The most answers to the peer's frames that may wait, unread by the peer, in our buffer.
     *
     * @return the limit
     */
    public int maxQueuedControlFrames() {
        return maxQueuedControlFrames;
    }

    /**
     * With another limit on queued answers.
     *
     * @param n the limit, positive
     * @return the changed copy
     */
    public Http2Options maxQueuedControlFrames(int n) {
        return copy(maxConcurrentStreams, initialWindowSize, connectionWindowSize, maxFrameSize, maxHeaderListSize,
                headerTableSize, maxContinuationFrames, maxResetsPerWindow, resetWindow,
                positive(n, "maxQueuedControlFrames"), maxConsecutiveEmptyFrames, writeTimeout, settingsTimeout,
                idleTimeout);
    }

    /**
     * The most empty DATA frames (without END_STREAM) the peer may send in a row.
     *
     * @return the limit
     */
    public int maxConsecutiveEmptyFrames() {
        return maxConsecutiveEmptyFrames;
    }

    /**
     * With another limit on empty DATA frames in a row.
     *
     * @param n the limit, positive
     * @return the changed copy
     */
    public Http2Options maxConsecutiveEmptyFrames(int n) {
        return copy(maxConcurrentStreams, initialWindowSize, connectionWindowSize, maxFrameSize, maxHeaderListSize,
                headerTableSize, maxContinuationFrames, maxResetsPerWindow, resetWindow, maxQueuedControlFrames,
                positive(n, "maxConsecutiveEmptyFrames"), writeTimeout, settingsTimeout, idleTimeout);
    }

    /**
     * How long a writer may wait for the peer's flow-control window or for the socket to drain.
     *
     * @return the timeout
     */
    public Duration writeTimeout() {
        return writeTimeout;
    }

    /**
     * With another write timeout.
     *
     * @param timeout the timeout
     * @return the changed copy
     */
    public Http2Options writeTimeout(Duration timeout) {
        return copy(maxConcurrentStreams, initialWindowSize, connectionWindowSize, maxFrameSize, maxHeaderListSize,
                headerTableSize, maxContinuationFrames, maxResetsPerWindow, resetWindow, maxQueuedControlFrames,
                maxConsecutiveEmptyFrames, Objects.requireNonNull(timeout), settingsTimeout, idleTimeout);
    }

    /**
     * How long the peer has to acknowledge our SETTINGS.
     *
     * @return the timeout
     */
    public Duration settingsTimeout() {
        return settingsTimeout;
    }

    /**
     * With another SETTINGS acknowledgement timeout.
     *
     * @param timeout the timeout
     * @return the changed copy
     */
    public Http2Options settingsTimeout(Duration timeout) {
        return copy(maxConcurrentStreams, initialWindowSize, connectionWindowSize, maxFrameSize, maxHeaderListSize,
                headerTableSize, maxContinuationFrames, maxResetsPerWindow, resetWindow, maxQueuedControlFrames,
                maxConsecutiveEmptyFrames, writeTimeout, Objects.requireNonNull(timeout), idleTimeout);
    }

    /**
     * How long a connection may stay without any open stream before it is closed gracefully.
     *
     * @return the timeout, or null for none
     */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * With another idle timeout.
     *
     * @param timeout the timeout, or null for none
     * @return the changed copy
     */
    public Http2Options idleTimeout(Duration timeout) {
        return copy(maxConcurrentStreams, initialWindowSize, connectionWindowSize, maxFrameSize, maxHeaderListSize,
                headerTableSize, maxContinuationFrames, maxResetsPerWindow, resetWindow, maxQueuedControlFrames,
                maxConsecutiveEmptyFrames, writeTimeout, settingsTimeout, timeout);
    }

    @Override
    public String toString() {
        return "Http2Options[maxConcurrentStreams=" + maxConcurrentStreams + ", initialWindowSize=" + initialWindowSize
                + ", connectionWindowSize=" + connectionWindowSize + ", maxFrameSize=" + maxFrameSize
                + ", maxHeaderListSize=" + maxHeaderListSize + ", headerTableSize=" + headerTableSize + "]";
    }
}
