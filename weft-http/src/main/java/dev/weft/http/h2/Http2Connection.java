package dev.weft.http.h2;

import static dev.weft.http.h2.Http2ErrorCode.CANCEL;
import static dev.weft.http.h2.Http2ErrorCode.COMPRESSION_ERROR;
import static dev.weft.http.h2.Http2ErrorCode.ENHANCE_YOUR_CALM;
import static dev.weft.http.h2.Http2ErrorCode.FLOW_CONTROL_ERROR;
import static dev.weft.http.h2.Http2ErrorCode.INTERNAL_ERROR;
import static dev.weft.http.h2.Http2ErrorCode.NO_ERROR;
import static dev.weft.http.h2.Http2ErrorCode.PROTOCOL_ERROR;
import static dev.weft.http.h2.Http2ErrorCode.REFUSED_STREAM;
import static dev.weft.http.h2.Http2ErrorCode.SETTINGS_TIMEOUT;
import static dev.weft.http.h2.Http2ErrorCode.STREAM_CLOSED;

import dev.weft.CancelledException;
import dev.weft.EventLoop;
import dev.weft.Future;
import dev.weft.Task;
import dev.weft.TimeoutException;
import dev.weft.TimerHandle;
import dev.weft.Weft;
import dev.weft.http.Headers;
import dev.weft.http.h2.hpack.HpackDecoder;
import dev.weft.http.h2.hpack.HpackEncoder;
import dev.weft.http.h2.hpack.HpackException;
import dev.weft.internal.Durations;
import dev.weft.internal.Loggers;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * One HTTP/2 connection (RFC 9113), client or server side, on Weft's loop: a <em>reader task</em>
 * reads frames and fills {@link Http2Stream}s, and the tasks that use the streams (a request
 * task, a handler task per stream on a server) wait on them, each on its own stream.
 *
 * <pre>{@code
 * // client, over any Weft stream (h2c with prior knowledge, or TLS with ALPN "h2")
 * Http2Connection c = Http2Connection.client(Http2Io.of(conn.reader(), conn.writer()), Http2Options.defaults());
 * Http2Stream s = c.newStream(Http2Headers.request("GET", "https", "example.com", "/", new Headers()), true);
 * Http2Headers response = s.awaitHeaders();
 * byte[] body = s.inputStream().readAllBytes();
 *
 * // server, in the task of an accepted connection
 * Http2Connection.server(io, Http2Options.defaults(), stream -> { ... }).serve();
 * }</pre>
 *
 * <pre>
 *   client(): preface + SETTINGS sent      peer's SETTINGS
 *   server(): SETTINGS sent, serve()  ---------------------> OPEN (streams come and go)
 *                                                               |
 *       shutdown(grace) / GOAWAY received / ids exhausted       v
 *   DRAINING: no new streams; the open ones finish  &lt;----------+
 *       |  last stream done, or grace over, or connection error, or end of stream
 *       v
 *   CLOSED: GOAWAY sent (with the error code, if any), streams failed, socket closed
 * </pre>
 *
 * <p>What it does, in the RFC's terms: the preface; SETTINGS sent, applied when the peer
 * acknowledges them, and the peer's applied and acknowledged; PING answered (and {@link #ping()}
 * for a round trip); GOAWAY, with a graceful drain on a server (a first GOAWAY with the largest
 * id, a PING, then the real last id); RST_STREAM both ways; PRIORITY accepted and ignored;
 * CONTINUATION; trailers; flow control per stream and for the connection with window updates
 * sent as the application reads; header lists checked (section 8). See {@link Http2Options} for
 * the defences against hostile peers.
 *
 * <p><b>Concurrency limit (client).</b> {@link #newStream} waits, first come first served, while
 * the peer's {@code SETTINGS_MAX_CONCURRENT_STREAMS} streams are open (100 until the peer's
 * SETTINGS arrive); {@link #availableStreams()} tells a pool whether to open another connection.
 *
 * <p><b>Threads.</b> A connection and its streams belong to the loop of the task that made it:
 * every field is read and written on that loop's thread only, by its tasks and callbacks, which
 * never run at once; public methods must be called from that loop (they check). No locks, no user
 * code under any.
 */
public final class Http2Connection implements AutoCloseable {

    private static final Logger LOG = Loggers.get(Http2Connection.class);

    /** Which side of the connection this is. */
    public enum Role {
        /** Opens streams (odd ids). */
        CLIENT,
        /** Serves the streams the client opens. */
        SERVER
    }

    /** Where a connection is in its life (see the diagram above). */
    public enum State {
        /** Streams may be opened. */
        OPEN,
        /** A GOAWAY was sent or received: no new streams; those open finish. */
        DRAINING,
        /** Done. */
        CLOSED
    }

    /** Output beyond this is flushed at once, and writers wait for the socket below it. */
    private static final int HIGH_WATER = 64 * 1024;
    /** The reader yields the loop after this many frames read without waiting. */
    private static final int FRAMES_PER_TURN = 128;
    /** How many streams this side reset are remembered, so late frames on them are ignored. */
    private static final int RECENT_RESETS = 1024;
    /** Until the peer's SETTINGS, a client assumes this concurrency limit (RFC 9113 section 5.1.2's floor). */
    private static final int ASSUMED_MAX_CONCURRENT_STREAMS = 100;
    private static final int LAST_STREAM_ID = Integer.MAX_VALUE;

    private final Role role;
    private final Http2Io io;
    private final Http2Options options;
    private final EventLoop loop;
    private final Http2StreamHandler handler;
    private final FrameReader reader;
    private final FrameWriter out = new FrameWriter();
    private final HpackEncoder encoder;
    private final HpackDecoder decoder;
    private final BlockBuffer block = new BlockBuffer();
    private final Inbound inbound = new Inbound();

    // ---- all below: the loop thread only
    private State state = State.OPEN;
    private final Map<Integer, Http2Stream> streams = new HashMap<>();
    private int lastPeerStreamId;
    private int nextLocalStreamId;
    private int activeLocal;
    private int activePeer;
    private final Http2Settings remote = Http2Settings.defaults();
    private boolean remoteSettingsReceived;
    private int localSettingsUnacked;
    private TimerHandle settingsTimer;
    /** The receive window of a new stream: the RFC's default until our SETTINGS are acknowledged. */
    private long initialRecvWindow;
    private long connSendWindow = Http2Settings.DEFAULT_WINDOW_SIZE;
    private long connRecvWindow = Http2Settings.DEFAULT_WINDOW_SIZE;
    private long connUnackedConsumed;
    private boolean flushScheduled;
    private int goAwaySentLastId = -1;
    private int goAwayReceivedLastId = -1;
    private IOException failure;
    private final Future<Void> closed;
    /** Completed by the peer's first SETTINGS, or when the connection closes. */
    private final Future<Void> remoteSettings;
    private final ArrayDeque<Future<Void>> slotWaiters = new ArrayDeque<>();
    private int reservedSlots;
    private final ArrayDeque<Future<Void>> windowWaiters = new ArrayDeque<>();
    private Future<Void> drainDone;
    private final Map<Long, Future<Long>> pings = new HashMap<>();
    private long pingCounter;
    private Task<?> readerTask;
    /** The connection cancelled its own reader task when it ended (not someone else). */
    private boolean readerStopped;
    private TimerHandle idleTimer;
    // defences
    private int queuedAnswers;
    private int consecutiveEmptyFrames;
    private int resetsInWindow;
    private long resetWindowStart;
    /** Streams this side reset: frames the peer had in flight on them are ignored. */
    private final RecentIds recentlyReset = new RecentIds(RECENT_RESETS);
    /** Streams closed: a HEADERS frame on one is STREAM_CLOSED (on an id never used, PROTOCOL_ERROR). */
    private final RecentIds recentlyClosed = new RecentIds(RECENT_RESETS);
    // server side: the tasks serving streams
    private int runningHandlers;
    private final ArrayDeque<Http2Stream> pendingHandlers = new ArrayDeque<>();
    private final Set<Task<?>> handlerTasks = new HashSet<>();
    private int maxRunningHandlersSeen;

    private Http2Connection(Role role, Http2Io io, Http2Options options, Http2StreamHandler handler) {
        this.role = role;
        this.io = io;
        this.options = options;
        this.handler = handler;
        this.loop = EventLoop.running();
        this.closed = new Future<>(loop);
        this.remoteSettings = new Future<>(loop);
        this.reader = new FrameReader(io, options.maxHeaderBlockBytes(), options.maxContinuationFrames());
        this.reader.setMaxFrameSize(options.maxFrameSize());
        this.encoder = new HpackEncoder(4096);
        // Until our SETTINGS are acknowledged the peer may use the RFC's defaults: accept the larger.
        this.decoder = new HpackDecoder(Math.max(4096, options.headerTableSize()), options.maxHeaderListSize());
        this.initialRecvWindow = Math.max(Http2Settings.DEFAULT_WINDOW_SIZE, options.initialWindowSize());
        this.nextLocalStreamId = role == Role.CLIENT ? 1 : 2;
    }

    /**
     * Opens the client side: sends the preface, our SETTINGS and the connection window, and
     * starts the reader task. Requests may be sent at once. Call from a task.
     *
     * @param io the byte stream (h2c with prior knowledge, or TLS where ALPN chose {@code h2})
     * @param options settings and limits
     * @return the connection
     * @throws IOException if the preface cannot be written
     */
    public static Http2Connection client(Http2Io io, Http2Options options) throws IOException {
        Http2Connection c = new Http2Connection(Role.CLIENT, io, options, null);
        c.out.preface();
        c.start();
        c.readerTask = c.loop.spawn("h2-reader " + io.remoteAddress(), c::runReader);
        return c;
    }

    /**
     * Makes the server side and sends our SETTINGS; {@link #serve()} then runs it.
     *
     * @param io the byte stream of an accepted connection
     * @param options settings and limits
     * @param handler serves each stream the client opens, in a task of its own
     * @return the connection
     * @throws IOException if the SETTINGS cannot be written
     */
    public static Http2Connection server(Http2Io io, Http2Options options, Http2StreamHandler handler)
            throws IOException {
        Http2Connection c = new Http2Connection(Role.SERVER, io, options, java.util.Objects.requireNonNull(handler));
        c.start();
        return c;
    }

    private void start() throws IOException {
        Http2Settings ours = Http2Settings.empty()
                .set(Http2Settings.INITIAL_WINDOW_SIZE, options.initialWindowSize())
                .set(Http2Settings.MAX_FRAME_SIZE, options.maxFrameSize())
                .set(Http2Settings.MAX_HEADER_LIST_SIZE, options.maxHeaderListSize());
        if (options.headerTableSize() != 4096) {
            ours.set(Http2Settings.HEADER_TABLE_SIZE, options.headerTableSize());
        }
        if (role == Role.SERVER) {
            ours.set(Http2Settings.MAX_CONCURRENT_STREAMS, options.maxConcurrentStreams());
        } else {
            ours.set(Http2Settings.ENABLE_PUSH, 0);
        }
        out.settings(ours);
        localSettingsUnacked++;
        settingsTimer = loop.callLater(options.settingsTimeout(), () -> {
            if (localSettingsUnacked > 0 && state != State.CLOSED) {
                fail(Http2Exception.connectionError(SETTINGS_TIMEOUT, "the peer did not acknowledge our SETTINGS within "
                        + Durations.format(options.settingsTimeout())));
            }
        });
        long raise = options.connectionWindowSize() - Http2Settings.DEFAULT_WINDOW_SIZE;
        if (raise > 0) {
            out.windowUpdate(0, (int) raise);
            connRecvWindow += raise;
        }
        out.writeTo(io);
        armIdleTimer();
    }

    /**
     * Runs the server side in the calling task (the task of the accepted connection) until the
     * connection is closed: reads the preface and the frames, and spawns a handler task per
     * stream. Cancelling the calling task closes the connection and cancels its handlers.
     *
     * @throws IOException if the connection failed (a protocol error of the peer is handled, and
     *     ends this method normally, after the GOAWAY)
     */
    public void serve() throws IOException {
        checkLoop();
        if (role != Role.SERVER) {
            throw new IllegalStateException("serve() is for the server side");
        }
        readerTask = Task.current();
        runReader();
    }

    // ------------------------------------------------------------------ public API

    /**
     * This side's role.
     *
     * @return client or server
     */
    public Role role() {
        return role;
    }

    /**
     * Where the connection is in its life.
     *
     * @return the state
     */
    public State state() {
        return state;
    }

    /**
     * Whether {@link #newStream} may succeed: open, no GOAWAY either way, ids left.
     *
     * @return true if new streams are accepted
     */
    public boolean isAcceptingStreams() {
        return state == State.OPEN;
    }

    /**
     * The streams open now (opened by either side, not closed yet).
     *
     * @return the count
     */
    public int activeStreams() {
        return streams.size();
    }

    /**
     * How many more streams this side may open now before {@link #newStream} waits: the peer's
     * concurrency limit less the streams open, 0 if the connection takes no new streams.
     *
     * @return the count
     */
    public int availableStreams() {
        if (state != State.OPEN) {
            return 0;
        }
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, peerMaxConcurrentStreams() - activeLocal - reservedSlots
                - slotWaiters.size()));
    }

    /**
     * The peer's limit on streams this side may have open at once.
     *
     * @return the limit ({@link Http2Settings#UNLIMITED} if it set none)
     */
    public long peerMaxConcurrentStreams() {
        if (!remoteSettingsReceived) {
            return ASSUMED_MAX_CONCURRENT_STREAMS;
        }
        return remote.get(Http2Settings.MAX_CONCURRENT_STREAMS);
    }

    /**
     * The peer's settings as they stand (the RFC's defaults for those it did not send).
     *
     * @return a copy
     */
    public Http2Settings remoteSettings() {
        return remote.copy();
    }

    /**
     * The options of this side.
     *
     * @return the options
     */
    public Http2Options options() {
        return options;
    }

    /**
     * The peer's address.
     *
     * @return the address, or null if unknown
     */
    public SocketAddress remoteAddress() {
        return io.remoteAddress();
    }

    /**
     * The local address.
     *
     * @return the address, or null if unknown
     */
    public SocketAddress localAddress() {
        return io.localAddress();
    }

    /**
     * Why the connection closed.
     *
     * @return the failure, or null if it is open or closed normally
     */
    public IOException failure() {
        return failure;
    }

    /**
     * The most handler tasks that ran at once on this server connection (a measure the
     * rapid-reset tests check).
     *
     * @return the count
     */
    public int maxConcurrentHandlersSeen() {
        return maxRunningHandlersSeen;
    }

    /**
     * Opens a stream by sending a request head (client side). Waits, first come first served,
     * while the peer's concurrency limit is reached. A cancellation point.
     *
     * @param request the request head
     * @param endStream true if the request has no body
     * @return the stream, in OPEN or HALF_CLOSED_LOCAL
     * @throws Http2Exception retryable if the connection takes no new streams (GOAWAY,
     *     shutdown, stream ids exhausted)
     * @throws IOException if the connection failed
     */
    public Http2Stream newStream(Http2Headers request, boolean endStream) throws IOException {
        return newStream(request, endStream, null);
    }

    /**
     * Opens a stream as {@link #newStream(Http2Headers, boolean)} does, waiting at most
     * {@code slotWait} for the peer's concurrency limit to leave room.
     *
     * @param request the request head
     * @param endStream true if the request has no body
     * @param slotWait the longest wait for a free stream, or null for no limit
     * @return the stream, in OPEN or HALF_CLOSED_LOCAL
     * @throws dev.weft.TimeoutException if no stream came free within {@code slotWait} (nothing
     *     was sent, and the connection is unchanged)
     * @throws Http2Exception retryable if the connection takes no new streams
     * @throws IOException if the connection failed
     */
    public Http2Stream newStream(Http2Headers request, boolean endStream, Duration slotWait) throws IOException {
        checkLoop();
        if (role != Role.CLIENT) {
            throw new IllegalStateException("only a client opens streams (push is not supported)");
        }
        if (!request.isRequest()) {
            throw new IllegalArgumentException("not a request head: " + request);
        }
        long peerLimit = remote.get(Http2Settings.MAX_HEADER_LIST_SIZE);
        if (peerLimit < Http2Settings.UNLIMITED && request.listSize() > peerLimit) {
            throw new IllegalArgumentException("the request's header list (" + request.listSize()
                    + " octets) exceeds the peer's SETTINGS_MAX_HEADER_LIST_SIZE of " + peerLimit);
        }
        acquireSlot(slotWait);
        boolean used = false;
        try {
            checkAccepting();
            if (nextLocalStreamId < 0) { // wrapped past 2^31-1
                state = State.DRAINING;
                checkAccepting();
            }
            Http2Stream s = new Http2Stream(this, nextLocalStreamId);
            nextLocalStreamId += 2;
            s.requestMethod = request.method();
            open(s, true);
            used = true;
            writeHeaders(s, request, endStream);
            return s;
        } finally {
            reservedSlots--;
            if (!used) {
                grantSlots();
            }
        }
    }

    /**
     * Sends a PING and waits for its acknowledgement. A cancellation point.
     *
     * @return the round-trip time on the loop's clock
     * @throws IOException if the connection failed first
     */
    public Duration ping() throws IOException {
        checkLoop();
        checkNotClosed();
        long data = ++pingCounter;
        Future<Long> ack = new Future<>(loop);
        pings.put(data, ack);
        long sent = loop.nanoTime();
        out.ping(false, data);
        scheduleFlush();
        try {
            ack.await();
        } finally {
            pings.remove(data);
        }
        return Duration.ofNanos(loop.nanoTime() - sent);
    }

    /**
     * Closes gracefully: no new streams (GOAWAY; on a server, first with the largest id, then,
     * after a PING round trip, with the last stream it will serve), the open streams finish for up
     * to {@code grace}, then what is left is reset and the connection closed. Waits for it all.
     * A cancellation point.
     *
     * @param grace how long open streams may take
     */
    public void shutdown(Duration grace) {
        checkLoop();
        if (state == State.CLOSED) {
            return;
        }
        long deadline = loop.nanoTime() + grace.toNanos();
        if (state == State.OPEN) {
            state = State.DRAINING;
            failSlotWaiters();
            if (role == Role.SERVER && goAwaySentLastId < 0) {
                out.goAway(LAST_STREAM_ID, NO_ERROR, new byte[0]);
                goAwaySentLastId = LAST_STREAM_ID;
                try {
                    Weft.withTimeout(grace, this::ping); // streams in flight reach us meanwhile
                } catch (TimeoutException e) {
                    LOG.debug("no PING answer during the graceful shutdown of {}: {}", io.remoteAddress(), e.toString());
                } catch (dev.weft.TaskFailedException e) {
                    LOG.debug("PING during the shutdown of {} failed: {}", io.remoteAddress(), e.toString());
                }
            }
            if (state == State.CLOSED) {
                return;
            }
            goAway(NO_ERROR, "");
        }
        long left = deadline - loop.nanoTime();
        if (!streams.isEmpty() && left > 0) {
            try {
                closed.await(Duration.ofNanos(left));
            } catch (TimeoutException e) {
                LOG.debug("{} streams still open on {} after the grace period", streams.size(), io.remoteAddress());
            }
        }
        terminate(new IOException("the connection was shut down"), false);
    }

    /**
     * Closes now: GOAWAY ({@code NO_ERROR}), every open stream failed, handlers cancelled, the
     * socket closed after what is buffered. Idempotent.
     */
    @Override
    public void close() {
        checkLoop();
        if (state == State.CLOSED) {
            return;
        }
        goAway(NO_ERROR, "");
        terminate(new IOException("the connection was closed"), false);
    }

    /**
     * Waits for the peer's first SETTINGS (its real stream limit, where {@link #availableStreams()}
     * assumed 100 until then), at most {@code timeout}, or until the connection closes. A
     * cancellation point.
     *
     * @param timeout the longest wait
     * @return true if they came
     */
    public boolean awaitRemoteSettings(Duration timeout) {
        checkLoop();
        if (!remoteSettingsReceived && state != State.CLOSED) {
            try {
                remoteSettings.await(timeout);
            } catch (TimeoutException e) {
                return false;
            }
        }
        return remoteSettingsReceived;
    }

    /**
     * Waits until the connection is closed. A cancellation point.
     */
    public void awaitClosed() {
        closed.await();
    }

    // ------------------------------------------------------------------ the reader task

    private void runReader() throws IOException {
        try {
            if (role == Role.SERVER && !reader.readPreface()) {
                terminate(new EOFException("the client closed the connection before the preface"), false);
                return;
            }
            int frames = 0;
            while (state != State.CLOSED) {
                try {
                    if (!reader.readFrame(inbound)) {
                        endOfStream();
                        return;
                    }
                } catch (Http2Exception e) {
                    if (e.isConnectionError()) {
                        throw e;
                    }
                    streamError(e);
                }
                if (++frames == FRAMES_PER_TURN) {
                    frames = 0;
                    Weft.yieldNow(); // a peer that floods frames does not get the loop to itself
                }
            }
        } catch (Http2Exception e) {
            fail(e);
        } catch (CancelledException e) {
            if (readerStopped && Task.current().uncancel() == 0) {
                return; // the connection ended and stopped its own reader, and nobody else cancelled it
            }
            if (state != State.CLOSED) {
                goAway(NO_ERROR, "");
                terminate(new IOException("the connection was cancelled"), false);
            }
            throw e;
        } catch (IOException e) {
            if (state != State.CLOSED) {
                LOG.debug("HTTP/2 connection to {} failed: {}", io.remoteAddress(), e.toString());
                terminate(e, true);
            }
        } catch (RuntimeException | Error e) {
            LOG.error("HTTP/2 connection to {} failed", io.remoteAddress(), e);
            fail(Http2Exception.connectionError(INTERNAL_ERROR, "internal error: " + e));
            throw e;
        }
    }

    /** The peer closed its side. */
    private void endOfStream() {
        if (state == State.CLOSED) {
            return;
        }
        IOException cause = new EOFException("the peer closed the HTTP/2 connection"
                + (goAwayReceivedLastId >= 0 ? " after GOAWAY" : " without GOAWAY"));
        terminate(cause, false);
    }

    /** A frame listener that is not part of the connection's public face. */
    private final class Inbound implements FrameListener {

        @Override
        public void onData(int id, byte[] buf, int off, int len, int flow, boolean endStream) throws IOException {
            requireSettingsFirst();
            if (flow > connRecvWindow) {
                throw Http2Exception.connectionError(FLOW_CONTROL_ERROR, "DATA of " + flow
                        + " octets exceeds the connection window of " + connRecvWindow);
            }
            connRecvWindow -= flow;
            if (len == 0 && !endStream) {
                if (++consecutiveEmptyFrames > options.maxConsecutiveEmptyFrames()) {
                    throw Http2Exception.connectionError(ENHANCE_YOUR_CALM, "more than "
                            + options.maxConsecutiveEmptyFrames() + " empty DATA frames in a row");
                }
            } else {
                consecutiveEmptyFrames = 0;
            }
            Http2Stream s = streams.get(id);
            if (s == null) {
                credit(null, flow);
                if (isIdle(id)) {
                    throw Http2Exception.connectionError(PROTOCOL_ERROR, "DATA on idle stream " + id);
                }
                if (!recentlyReset.contains(id)) { // frames in flight after our RST_STREAM are ignored
                    throw Http2Exception.connectionError(STREAM_CLOSED, "DATA on closed stream " + id);
                }
                return;
            }
            if (s.remoteEnded) {
                credit(null, flow);
                throw Http2Exception.streamError(id, STREAM_CLOSED, "DATA after END_STREAM on stream " + id);
            }
            if (s.headers == null && role == Role.CLIENT) {
                credit(null, flow);
                throw Http2Exception.streamError(id, PROTOCOL_ERROR, "DATA before the response head on stream " + id);
            }
            if (flow > s.recvWindow) {
                credit(null, flow);
                throw Http2Exception.streamError(id, FLOW_CONTROL_ERROR, "DATA of " + flow
                        + " octets exceeds the window of stream " + id + " (" + s.recvWindow + ")");
            }
            s.recvWindow -= flow;
            s.receivedLength += len;
            if (s.expectedLength >= 0 && s.receivedLength > s.expectedLength) {
                credit(s, flow);
                throw Http2Exception.streamError(id, PROTOCOL_ERROR, "more DATA than the content-length of "
                        + s.expectedLength + " on stream " + id);
            }
            if (s.discarding) {
                credit(s, flow);
            } else {
                if (flow > len) {
                    credit(s, flow - len); // padding: never read by anyone
                }
                s.append(buf, off, len);
            }
            if (endStream) {
                remoteEnd(s);
            }
        }

        @Override
        public void onHeaders(int id, byte[] buf, int len, boolean endStream, int dependency) throws IOException {
            requireSettingsFirst();
            Http2Stream s = streams.get(id);
            HeaderListBuilder.Kind kind;
            if (s == null) {
                kind = role == Role.SERVER ? HeaderListBuilder.Kind.REQUEST : HeaderListBuilder.Kind.RESPONSE;
            } else if (role == Role.CLIENT && s.headers == null) {
                kind = HeaderListBuilder.Kind.RESPONSE;
            } else {
                kind = HeaderListBuilder.Kind.TRAILERS;
            }
            HeaderListBuilder fields = new HeaderListBuilder(kind);
            boolean fits;
            try {
                fits = decoder.decode(buf, 0, len, fields); // always, to keep HPACK in step
            } catch (HpackException e) {
                throw Http2Exception.connectionError(COMPRESSION_ERROR, e.getMessage());
            }
            if (s == null) {
                if (role == Role.SERVER && (id & 1) == 1 && id > lastPeerStreamId) {
                    newPeerStream(id, fields, fits, endStream, dependency);
                    return;
                }
                if (isIdle(id)) {
                    throw Http2Exception.connectionError(PROTOCOL_ERROR, "HEADERS on idle stream " + id
                            + (role == Role.SERVER ? " (a client opens streams with odd, increasing ids)"
                            : " (push is disabled)"));
                }
                if (recentlyReset.contains(id)) {
                    return; // in flight when we reset it: ignored
                }
                if (recentlyClosed.contains(id)) {
                    throw Http2Exception.connectionError(STREAM_CLOSED, "HEADERS on closed stream " + id);
                }
                throw Http2Exception.connectionError(PROTOCOL_ERROR, "HEADERS on stream " + id
                        + ", below the last stream opened (" + (isLocal(id) ? nextLocalStreamId - 2 : lastPeerStreamId)
                        + "): stream ids must increase");
            }
            if (dependency == id) {
                throw Http2Exception.streamError(id, PROTOCOL_ERROR, "stream " + id + " depends on itself");
            }
            if (s.remoteEnded) {
                throw Http2Exception.streamError(id, STREAM_CLOSED, "HEADERS after END_STREAM on stream " + id);
            }
            if (!fits) {
                throw Http2Exception.streamError(id, PROTOCOL_ERROR, "header list on stream " + id + " exceeds "
                        + options.maxHeaderListSize() + " octets");
            }
            Http2Headers h = fields.build(id);
            if (kind == HeaderListBuilder.Kind.RESPONSE) {
                int status = h.status();
                if (status / 100 == 1) {
                    if (status == 101 || endStream) {
                        throw Http2Exception.streamError(id, PROTOCOL_ERROR, "invalid informational response "
                                + status + " on stream " + id);
                    }
                    return; // 100 Continue, 103 Early Hints: the final response follows
                }
                s.expectedLength = "HEAD".equals(s.requestMethod) || status == 204 || status == 304 ? -1
                        : parseLength(id, fields.contentLength());
                s.headers = h;
                s.wakeReader();
            } else {
                if (!endStream) {
                    throw Http2Exception.streamError(id, PROTOCOL_ERROR, "trailers without END_STREAM on stream " + id);
                }
                s.trailers = h;
            }
            if (endStream) {
                remoteEnd(s);
            }
        }

        @Override
        public void onPriority(int id, int dependency) throws IOException {
            requireSettingsFirst(); // otherwise ignored: RFC 9113 deprecates the priority scheme
        }

        @Override
        public void onRstStream(int id, long code) throws IOException {
            requireSettingsFirst();
            Http2Stream s = streams.get(id);
            if (s == null) {
                if (isIdle(id)) {
                    throw Http2Exception.connectionError(PROTOCOL_ERROR, "RST_STREAM on idle stream " + id);
                }
                return;
            }
            if (role == Role.SERVER) {
                countReset();
            }
            pendingHandlers.remove(s);
            Http2Exception e = Http2Exception.resetByPeer(id, code);
            LOG.debug("{}", e.getMessage());
            if (role == Role.CLIENT && code == NO_ERROR.code() && s.remoteEnded) {
                // a complete response, then "stop sending the request" (RFC 9113 section 8.1): the
                // response stays readable, only writing fails
                s.writeFailure = e;
                closeStream(s, null);
                return;
            }
            closeStream(s, e);
        }

        @Override
        public void onSettings(Http2Settings update) throws IOException {
            boolean first = !remoteSettingsReceived;
            remoteSettingsReceived = true;
            applyRemoteSettings(update);
            out.settingsAck();
            answered();
            if (first) {
                grantSlots();
                remoteSettings.trySetResult(null);
            }
        }

        @Override
        public void onSettingsAck() throws IOException {
            requireSettingsFirst();
            if (localSettingsUnacked == 0) {
                return; // unsolicited: harmless, ignored
            }
            if (--localSettingsUnacked == 0 && settingsTimer != null) {
                settingsTimer.cancel();
                settingsTimer = null;
            }
            // Our settings are in force now.
            decoder.setMaxTableSizeLimit(options.headerTableSize());
            long delta = options.initialWindowSize() - initialRecvWindow;
            initialRecvWindow = options.initialWindowSize();
            if (delta != 0) {
                for (Http2Stream s : streams.values()) {
                    s.recvWindow += delta;
                }
            }
        }

        @Override
        public void onPushPromise(int id, int promised) throws IOException {
            throw Http2Exception.connectionError(PROTOCOL_ERROR, "PUSH_PROMISE received, but push is disabled");
        }

        @Override
        public void onPing(boolean ack, long data) throws IOException {
            requireSettingsFirst();
            if (ack) {
                Future<Long> f = pings.remove(data);
                if (f != null) {
                    f.trySetResult(data);
                }
                return;
            }
            out.ping(true, data);
            answered();
        }

        @Override
        public void onGoAway(int lastStreamId, long code, byte[] debug) throws IOException {
            requireSettingsFirst();
            String text = new String(debug, 0, Math.min(debug.length, 256), StandardCharsets.UTF_8);
            if (code != NO_ERROR.code()) {
                LOG.debug("GOAWAY from {}: {} {}", io.remoteAddress(), Http2ErrorCode.of(code), text);
            }
            int last = goAwayReceivedLastId < 0 ? lastStreamId : Math.min(goAwayReceivedLastId, lastStreamId);
            goAwayReceivedLastId = last;
            if (state == State.OPEN) {
                state = State.DRAINING;
            }
            failSlotWaiters();
            List<Http2Stream> refused = new ArrayList<>();
            for (Http2Stream s : streams.values()) {
                if (isLocal(s.id) && s.id > last) {
                    refused.add(s);
                }
            }
            for (Http2Stream s : refused) {
                closeStream(s, Http2Exception.refusedByGoAway(s.id, last, code));
            }
            if (code != NO_ERROR.code()) {
                // The peer is about to close: what it accepted and did not finish is lost.
                for (Http2Stream s : List.copyOf(streams.values())) {
                    closeStream(s, Http2Exception.goAwayByPeer(s.id, code, text));
                }
            }
            finishDrainIfDone();
        }

        @Override
        public void onWindowUpdate(int id, int increment) throws IOException {
            requireSettingsFirst();
            if (id == 0) {
                connSendWindow += increment;
                if (connSendWindow > Http2Settings.MAX_WINDOW_SIZE) {
                    throw Http2Exception.connectionError(FLOW_CONTROL_ERROR, "connection window above 2^31-1");
                }
                wakeWindowWaiters();
                return;
            }
            Http2Stream s = streams.get(id);
            if (s == null) {
                if (isIdle(id)) {
                    throw Http2Exception.connectionError(PROTOCOL_ERROR, "WINDOW_UPDATE on idle stream " + id);
                }
                return; // a closed stream: late updates are expected
            }
            s.sendWindow += increment;
            if (s.sendWindow > Http2Settings.MAX_WINDOW_SIZE) {
                throw Http2Exception.streamError(id, FLOW_CONTROL_ERROR, "window of stream " + id + " above 2^31-1");
            }
            s.wakeWriter();
        }
    }

    private void requireSettingsFirst() throws Http2Exception {
        if (!remoteSettingsReceived) {
            throw Http2Exception.connectionError(PROTOCOL_ERROR, "the peer's first frame is not SETTINGS");
        }
    }

    private void applyRemoteSettings(Http2Settings update) throws Http2Exception {
        if (update.has(Http2Settings.ENABLE_PUSH) && role == Role.CLIENT && update.get(Http2Settings.ENABLE_PUSH) == 1) {
            throw Http2Exception.connectionError(PROTOCOL_ERROR, "a server sent SETTINGS_ENABLE_PUSH = 1");
        }
        if (update.has(Http2Settings.INITIAL_WINDOW_SIZE)) {
            long delta = update.get(Http2Settings.INITIAL_WINDOW_SIZE) - remote.get(Http2Settings.INITIAL_WINDOW_SIZE);
            for (Http2Stream s : streams.values()) {
                s.sendWindow += delta;
                if (s.sendWindow > Http2Settings.MAX_WINDOW_SIZE) {
                    throw Http2Exception.connectionError(FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE makes the"
                            + " window of stream " + s.id + " exceed 2^31-1");
                }
                if (delta > 0) {
                    s.wakeWriter();
                }
            }
        }
        if (update.has(Http2Settings.HEADER_TABLE_SIZE)) {
            encoder.setPeerMaxTableSize(update.get(Http2Settings.HEADER_TABLE_SIZE));
        }
        remote.merge(update);
        if (update.has(Http2Settings.MAX_CONCURRENT_STREAMS)) {
            grantSlots();
        }
    }

    /** Records a peer reset (server side): past the limit per window, the peer is refused. */
    private void countReset() throws Http2Exception {
        long now = loop.nanoTime();
        if (resetsInWindow == 0 || now - resetWindowStart > options.resetWindow().toNanos()) {
            resetWindowStart = now;
            resetsInWindow = 0;
        }
        if (++resetsInWindow > options.maxResetsPerWindow()) {
            throw Http2Exception.connectionError(ENHANCE_YOUR_CALM, "more than " + options.maxResetsPerWindow()
                    + " streams reset by the client within " + Durations.format(options.resetWindow()) + " (rapid reset)");
        }
    }

    /** A client opens a stream (server side); the header block was decoded. */
    private void newPeerStream(int id, HeaderListBuilder fields, boolean fits, boolean endStream, int dependency)
            throws IOException {
        lastPeerStreamId = id;
        if (goAwaySentLastId >= 0 && id > goAwaySentLastId) {
            return; // after our GOAWAY: ignored (RFC 9113 section 6.8)
        }
        if (state != State.OPEN && goAwaySentLastId < 0) {
            refuse(id, "the connection is closing");
            return;
        }
        if (activePeer >= options.maxConcurrentStreams()) {
            refuse(id, "SETTINGS_MAX_CONCURRENT_STREAMS reached");
            return;
        }
        Http2Stream s = new Http2Stream(this, id);
        open(s, false);
        if (dependency == id) {
            throw Http2Exception.streamError(id, PROTOCOL_ERROR, "stream " + id + " depends on itself");
        }
        if (endStream) {
            remoteEnd(s);
        }
        if (!fits) {
            LOG.debug("request header list on stream {} exceeds {} octets: 431", id, options.maxHeaderListSize());
            s.discarding = true;
            writeHeaders(s, Http2Headers.response(431, new Headers()), true);
            if (s.state != Http2Stream.State.CLOSED) {
                resetLocally(s, NO_ERROR, "request header list too large");
            }
            return;
        }
        s.headers = fields.build(id);
        s.expectedLength = parseLength(id, fields.contentLength());
        if (endStream && s.expectedLength > 0) {
            throw Http2Exception.streamError(id, PROTOCOL_ERROR, "content-length " + s.expectedLength
                    + " but no body on stream " + id);
        }
        if (runningHandlers < options.maxConcurrentStreams()) {
            startHandler(s);
        } else {
            // Handlers of streams the client reset are still finishing: resetting buys the peer
            // no more concurrent work, its new stream waits (and, being open, counts against
            // the limit, so at most that many wait).
            pendingHandlers.add(s);
        }
    }

    private void refuse(int id, String why) {
        LOG.debug("refusing stream {} from {}: {}", id, io.remoteAddress(), why);
        out.rstStream(id, REFUSED_STREAM);
        rememberReset(id);
        answered();
    }

    private void startHandler(Http2Stream s) {
        runningHandlers++;
        maxRunningHandlersSeen = Math.max(maxRunningHandlersSeen, runningHandlers);
        Task<Void> t = loop.spawn("h2-stream-" + s.id, () -> runHandler(s));
        s.handlerTask = t;
        handlerTasks.add(t);
        t.addDoneCallback(f -> {
            runningHandlers--;
            handlerTasks.remove(t);
            Http2Stream next;
            while (state != State.CLOSED && runningHandlers < options.maxConcurrentStreams()
                    && (next = pendingHandlers.poll()) != null) {
                if (next.state != Http2Stream.State.CLOSED) {
                    startHandler(next);
                }
            }
        });
    }

    private void runHandler(Http2Stream s) {
        try {
            handler.handle(s);
            if (s.failure == null && !s.localEnded) {
                if (s.headersSent) {
                    writeData(s, new byte[0], 0, 0, true);
                } else {
                    resetLocally(s, INTERNAL_ERROR, "the handler of stream " + s.id + " sent no response");
                }
            }
        } catch (CancelledException e) {
            resetLocally(s, CANCEL, "the handler of stream " + s.id + " was cancelled");
            throw e;
        } catch (Http2Exception e) {
            LOG.debug("stream {} of {}: {}", s.id, io.remoteAddress(), e.getMessage());
        } catch (Exception | Error e) {
            if (s.failure == null) {
                LOG.error("the handler of HTTP/2 stream {} from {} failed", s.id, io.remoteAddress(), e);
            }
            resetLocally(s, INTERNAL_ERROR, "the handler of stream " + s.id + " failed: " + e);
        } finally {
            if (s.localEnded && !s.remoteEnded && s.state != Http2Stream.State.CLOSED) {
                // A complete response before the whole request: ask the client to stop sending (section 8.1).
                resetLocally(s, NO_ERROR, "response complete before the request body");
            }
            discard(s);
        }
    }

    // ------------------------------------------------------------------ stream life

    private void open(Http2Stream s, boolean local) {
        s.state = Http2Stream.State.OPEN;
        s.recvWindow = initialRecvWindow;
        s.sendWindow = remote.get(Http2Settings.INITIAL_WINDOW_SIZE);
        streams.put(s.id, s);
        if (local) {
            activeLocal++;
        } else {
            activePeer++;
        }
        if (idleTimer != null) {
            idleTimer.cancel();
            idleTimer = null;
        }
    }

    private void remoteEnd(Http2Stream s) throws Http2Exception {
        if (s.expectedLength >= 0 && s.receivedLength != s.expectedLength) {
            throw Http2Exception.streamError(s.id, PROTOCOL_ERROR, "content-length " + s.expectedLength + " but "
                    + s.receivedLength + " octets of DATA on stream " + s.id);
        }
        s.remoteEnded = true;
        if (s.state == Http2Stream.State.OPEN) {
            s.state = Http2Stream.State.HALF_CLOSED_REMOTE;
        } else if (s.state == Http2Stream.State.HALF_CLOSED_LOCAL) {
            closeStream(s, null);
        }
        s.wakeReader();
    }

    private void localEnd(Http2Stream s) {
        s.localEnded = true;
        if (s.state == Http2Stream.State.OPEN) {
            s.state = Http2Stream.State.HALF_CLOSED_LOCAL;
        } else if (s.state == Http2Stream.State.HALF_CLOSED_REMOTE) {
            closeStream(s, null);
        }
    }

    /**
     * Moves a stream to CLOSED: out of the table and the counts. With a failure the stream's
     * waiters wake up to it, its unread data are dropped (their connection credit returned) and
     * its handler task is cancelled.
     */
    private void closeStream(Http2Stream s, IOException failure) {
        if (s.state == Http2Stream.State.CLOSED) {
            return;
        }
        s.state = Http2Stream.State.CLOSED;
        recentlyClosed.add(s.id);
        if (streams.remove(s.id) != null) {
            if (isLocal(s.id)) {
                activeLocal--;
                grantSlots();
            } else {
                activePeer--;
            }
        }
        if (failure != null) {
            s.failure = failure;
            long dropped = s.dropInbound();
            if (dropped > 0 && this.failure == null) {
                credit(null, dropped);
            }
            if (s.handlerTask != null && s.handlerTask != Task.current()) {
                s.handlerTask.cancel("stream " + s.id + " was reset");
            }
        }
        s.wakeReader();
        s.wakeWriter();
        if (streams.isEmpty()) {
            finishDrainIfDone();
            armIdleTimer();
        }
    }

    /** Resets a stream from this side: RST_STREAM sent (if the connection is alive), the stream failed. */
    void resetLocally(Http2Stream s, Http2ErrorCode code, String why) {
        if (s.state == Http2Stream.State.CLOSED) {
            return;
        }
        if (state != State.CLOSED) {
            out.rstStream(s.id, code);
            rememberReset(s.id);
            scheduleFlush();
        }
        pendingHandlers.remove(s);
        closeStream(s, Http2Exception.streamError(s.id, code, why));
    }

    /** A stream error detected by the reader: RST_STREAM, and the stream failed. */
    private void streamError(Http2Exception e) {
        LOG.debug("stream error from {}: {}", io.remoteAddress(), e.getMessage());
        Http2Stream s = streams.get(e.streamId());
        out.rstStream(e.streamId(), e.errorCode());
        rememberReset(e.streamId());
        answered();
        if (s != null) {
            pendingHandlers.remove(s);
            closeStream(s, e);
        }
    }

    private void rememberReset(int id) {
        recentlyReset.add(id);
    }

    /** True if {@code id} was never opened. */
    private boolean isIdle(int id) {
        return isLocal(id) ? nextLocalStreamId > 0 && id >= nextLocalStreamId : id > lastPeerStreamId;
    }

    private boolean isLocal(int id) {
        return (id & 1) == (role == Role.CLIENT ? 1 : 0);
    }

    private static long parseLength(int id, String value) throws Http2Exception {
        if (value == null) {
            return -1;
        }
        if (value.isEmpty() || value.length() > 18) {
            throw Http2Exception.streamError(id, PROTOCOL_ERROR, "invalid content-length on stream " + id);
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                throw Http2Exception.streamError(id, PROTOCOL_ERROR, "invalid content-length on stream " + id);
            }
        }
        return Long.parseLong(value);
    }

    // ------------------------------------------------------------------ flow control, receiving

    /** The application took {@code n} bytes of {@code s}: reopen the windows once half is used. */
    void consumed(Http2Stream s, int n) {
        credit(s, n);
    }

    /**
     * Returns {@code n} octets of flow-control credit: to the stream (unless null or ended) and
     * the connection, each in one WINDOW_UPDATE once half its window is owed.
     */
    private void credit(Http2Stream s, long n) {
        if (state == State.CLOSED || n <= 0) {
            return;
        }
        if (s != null && !s.remoteEnded && s.state != Http2Stream.State.CLOSED) {
            s.unackedConsumed += n;
            if (s.unackedConsumed >= options.initialWindowSize() / 2) {
                out.windowUpdate(s.id, (int) s.unackedConsumed);
                s.recvWindow += s.unackedConsumed;
                s.unackedConsumed = 0;
                scheduleFlush();
            }
        }
        connUnackedConsumed += n;
        if (connUnackedConsumed >= options.connectionWindowSize() / 2) {
            out.windowUpdate(0, (int) connUnackedConsumed);
            connRecvWindow += connUnackedConsumed;
            connUnackedConsumed = 0;
            scheduleFlush();
        }
    }

    /** Nothing more will be read from {@code s}. */
    void discard(Http2Stream s) {
        s.discarding = true;
        long dropped = s.dropInbound();
        credit(s, dropped);
    }

    // ------------------------------------------------------------------ sending

    void writeHeaders(Http2Stream s, Http2Headers head, boolean endStream) throws IOException {
        checkWritable(s);
        if (s.headersSent && !endStream) {
            throw new IllegalStateException("a second head must end the stream (trailers)");
        }
        if (s.headersSent && (head.isRequest() || head.isResponse())) {
            throw new IllegalStateException("trailers carry no pseudo-header fields");
        }
        long limit = remote.get(Http2Settings.MAX_HEADER_LIST_SIZE);
        if (limit < Http2Settings.UNLIMITED && head.listSize() > limit) {
            resetLocally(s, INTERNAL_ERROR, "header list too large for the peer");
            throw new IllegalArgumentException("the header list (" + head.listSize()
                    + " octets) exceeds the peer's SETTINGS_MAX_HEADER_LIST_SIZE of " + limit);
        }
        block.reset();
        encoder.beginBlock(block);
        head.forEachWireField((n, v) -> encoder.encode(n, v, block));
        out.headers(s.id, block.array(), block.size(), endStream, (int) remote.get(Http2Settings.MAX_FRAME_SIZE));
        s.headersSent = true;
        if (endStream) {
            localEnd(s);
        }
        if (out.size() >= HIGH_WATER) {
            flushNow();
        } else {
            scheduleFlush();
        }
    }

    void writeData(Http2Stream s, byte[] b, int off, int len, boolean endStream) throws IOException {
        checkWritable(s);
        if (!s.headersSent) {
            throw new IllegalStateException("DATA before the head on stream " + s.id);
        }
        if (len == 0 && !endStream) {
            return; // nothing to send: no empty DATA frame (peers count those as a flood)
        }
        long timeout = options.writeTimeout().toNanos();
        do {
            checkWritable(s);
            int n = (int) Math.min(len, Math.min(remote.get(Http2Settings.MAX_FRAME_SIZE),
                    Math.min(s.sendWindow, connSendWindow)));
            if (len > 0 && n <= 0) {
                awaitWindow(s, timeout);
                continue;
            }
            boolean last = endStream && n == len;
            out.data(s.id, b, off, n, last);
            s.sendWindow -= n;
            connSendWindow -= n;
            off += n;
            len -= n;
            if (last) {
                localEnd(s);
            }
            awaitWritable(s);
        } while (len > 0);
    }

    private void checkWritable(Http2Stream s) throws IOException {
        if (s.failure != null) {
            throw s.failure;
        }
        if (s.writeFailure != null) {
            throw s.writeFailure;
        }
        if (failure != null) {
            throw failure;
        }
        if (s.localEnded) {
            throw new IllegalStateException("stream " + s.id + " was already ended by this side");
        }
    }

    /** Waits for the stream's or the connection's window to open, at most the write timeout. */
    private void awaitWindow(Http2Stream s, long timeoutNanos) throws IOException {
        Future<Void> w;
        boolean connection = s.sendWindow > 0;
        if (connection) {
            w = new Future<>(loop);
            windowWaiters.add(w);
        } else {
            w = s.windowWaiter(loop);
        }
        boolean opened;
        try {
            opened = s.awaitWindow(w, timeoutNanos);
        } finally {
            if (connection) {
                windowWaiters.remove(w);
            }
        }
        if (!opened && s.failure == null && failure == null) {
            resetLocally(s, CANCEL, "the peer kept its flow-control window of "
                    + (connection ? "the connection" : "stream " + s.id) + " shut for " + Durations.format(options.writeTimeout()));
            throw s.failure;
        }
    }

    private void wakeWindowWaiters() {
        Future<Void> w;
        while ((w = windowWaiters.poll()) != null) {
            w.trySetResult(null);
        }
    }

    /** Socket back-pressure: flushes, and waits (one drainer at a time) while too much is unsent. */
    private void awaitWritable(Http2Stream s) throws IOException {
        if (out.size() >= HIGH_WATER) {
            flushNow();
        } else {
            scheduleFlush();
        }
        while (io.bufferedAmount() > HIGH_WATER && failure == null) {
            Future<Void> gate = drainDone;
            if (gate != null) {
                try {
                    gate.await(options.writeTimeout());
                } catch (TimeoutException e) {
                    // the drainer will fail the connection; check again
                }
                continue;
            }
            Future<Void> mine = new Future<>(loop);
            drainDone = mine;
            try {
                Weft.withTimeout(options.writeTimeout(), io::drain);
            } catch (TimeoutException e) {
                fail(Http2Exception.connectionError(INTERNAL_ERROR, "the peer read nothing for "
                        + Durations.format(options.writeTimeout())), true);
            } catch (dev.weft.TaskFailedException e) {
                throw e.rethrowIoCause();
            } finally {
                drainDone = null;
                mine.trySetResult(null);
            }
        }
        if (failure != null && s.failure == null) {
            throw failure;
        }
    }

    /** After queuing an answer the peer's frame asked for: count it if the peer is not reading. */
    private void answered() {
        if (out.size() >= HIGH_WATER) {
            flushNow();
        } else {
            scheduleFlush();
        }
        if (io.bufferedAmount() > 0 && ++queuedAnswers > options.maxQueuedControlFrames()) {
            fail(Http2Exception.connectionError(ENHANCE_YOUR_CALM, "more than " + options.maxQueuedControlFrames()
                    + " answers queued: the peer sends frames but does not read ours"), true);
        }
    }

    private void scheduleFlush() {
        if (!flushScheduled && state != State.CLOSED) {
            flushScheduled = true;
            loop.callSoon(this::flush);
        }
    }

    private void flush() {
        flushScheduled = false;
        flushNow();
    }

    private void flushNow() {
        try {
            out.writeTo(io);
            if (io.bufferedAmount() == 0) {
                queuedAnswers = 0;
            }
        } catch (IOException e) {
            if (state != State.CLOSED) {
                LOG.debug("writing to {} failed: {}", io.remoteAddress(), e.toString());
                terminate(e, true);
            }
        }
    }

    // ------------------------------------------------------------------ slots (client)

    private void acquireSlot(Duration wait) throws IOException {
        checkAccepting();
        if (slotWaiters.isEmpty() && activeLocal + reservedSlots < peerMaxConcurrentStreams()) {
            reservedSlots++;
            return;
        }
        Future<Void> ticket = new Future<>(loop);
        slotWaiters.add(ticket);
        try {
            if (wait == null) {
                ticket.await();
            } else {
                ticket.await(wait);
            }
        } catch (dev.weft.TimeoutException e) {
            // on the loop, between the wake-up and here nobody granted it: still waiting, so withdraw
            slotWaiters.remove(ticket);
            throw e;
        } catch (CancelledException e) {
            if (!slotWaiters.remove(ticket) && ticket.state() == Future.State.RESULT) {
                reservedSlots--; // granted, then cancelled: pass it on
                grantSlots();
            }
            throw e;
        } catch (RuntimeException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }

    private void grantSlots() {
        while (!slotWaiters.isEmpty() && activeLocal + reservedSlots < peerMaxConcurrentStreams()) {
            if (slotWaiters.poll().trySetResult(null)) {
                reservedSlots++;
            }
        }
    }

    private void failSlotWaiters() {
        Future<Void> w;
        while ((w = slotWaiters.poll()) != null) {
            w.trySetException(notAccepting());
        }
    }

    private void checkAccepting() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (state != State.OPEN) {
            throw notAccepting();
        }
    }

    private Http2Exception notAccepting() {
        return Http2Exception.refusedByGoAway(0, goAwayReceivedLastId, NO_ERROR.code());
    }

    private void checkNotClosed() throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (state == State.CLOSED) {
            throw new IOException("the connection is closed");
        }
    }

    // ------------------------------------------------------------------ ending

    /** Sends GOAWAY with the last peer stream we process, once. */
    private void goAway(Http2ErrorCode code, String debug) {
        if (state == State.CLOSED) {
            return;
        }
        int last = goAwaySentLastId >= 0 ? Math.min(goAwaySentLastId, lastPeerStreamId) : lastPeerStreamId;
        if (goAwaySentLastId == last && code == NO_ERROR) {
            return;
        }
        goAwaySentLastId = last;
        out.goAway(last, code, debug.getBytes(StandardCharsets.UTF_8));
        if (state == State.OPEN) {
            state = State.DRAINING;
        }
        failSlotWaiters();
        flushNow();
    }

    /** A connection error: GOAWAY with its code, then everything ends. */
    private void fail(Http2Exception e) {
        fail(e, false);
    }

    /**
     * A connection error: GOAWAY with its code, then everything ends; with {@code abort}, for a
     * peer that does not read, the socket is reset rather than left to flush what it never reads.
     */
    private void fail(Http2Exception e, boolean abort) {
        if (state == State.CLOSED) {
            return;
        }
        LOG.debug("HTTP/2 connection error with {}: {} {}", io.remoteAddress(), e.errorCode(), e.getMessage());
        goAway(e.errorCode(), e.getMessage() == null ? "" : e.getMessage());
        terminate(e, abort);
    }

    private void finishDrainIfDone() {
        if (state == State.DRAINING && streams.isEmpty() && pendingHandlers.isEmpty()) {
            if (role == Role.SERVER && goAwaySentLastId == LAST_STREAM_ID) {
                return; // the first of the two GOAWAYs: streams in flight may still come
            }
            if (goAwaySentLastId < 0) {
                goAway(NO_ERROR, "");
            }
            terminate(null, false);
        }
    }

    /** The end: streams failed, waiters woken, handlers cancelled, the socket closed. */
    private void terminate(IOException cause, boolean abort) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        failure = cause;
        IOException forStreams = cause != null ? cause : new IOException("the connection was closed");
        for (Http2Stream s : List.copyOf(streams.values())) {
            closeStream(s, forStreams);
        }
        for (Http2Stream s : pendingHandlers) {
            s.failure = forStreams;
        }
        pendingHandlers.clear();
        for (Task<?> t : List.copyOf(handlerTasks)) {
            if (t != Task.current()) {
                t.cancel("the HTTP/2 connection closed");
            }
        }
        failSlotWaiters();
        wakeWindowWaiters();
        for (Future<Long> p : pings.values()) {
            p.trySetException(forStreams);
        }
        pings.clear();
        if (settingsTimer != null) {
            settingsTimer.cancel();
        }
        if (idleTimer != null) {
            idleTimer.cancel();
        }
        if (abort) {
            out.discard();
            io.abort();
        } else {
            try {
                out.writeTo(io);
            } catch (IOException e) {
                LOG.debug("last write to {} failed: {}", io.remoteAddress(), e.toString());
            }
            io.close();
        }
        if (readerTask != null && readerTask != Task.current()) {
            readerStopped = true;
            readerTask.cancel("the HTTP/2 connection closed");
        }
        remoteSettings.trySetResult(null);
        closed.trySetResult(null);
    }

    private void armIdleTimer() {
        Duration idle = options.idleTimeout();
        if (idle == null || state != State.OPEN || idleTimer != null) {
            return;
        }
        idleTimer = loop.callLater(idle, () -> {
            idleTimer = null;
            if (streams.isEmpty() && state == State.OPEN) {
                LOG.debug("closing idle HTTP/2 connection with {}", io.remoteAddress());
                goAway(NO_ERROR, "idle");
                finishDrainIfDone();
            }
        });
    }

    void checkLoop() {
        if (!loop.inLoop()) {
            throw new IllegalStateException("use an HTTP/2 connection only from tasks of its loop");
        }
    }

    EventLoop loop() {
        return loop;
    }

    /** A block buffer whose array can be written out without a copy. */
    private static final class BlockBuffer extends ByteArrayOutputStream {
        BlockBuffer() {
            super(256);
        }

        byte[] array() {
            return buf;
        }
    }

    @Override
    public String toString() {
        return "Http2Connection[" + role + " " + io.remoteAddress() + ", " + state + ", streams=" + streams.size() + "]";
    }
}
