package dev.weft.net;

import dev.weft.LoopLocal;
import dev.weft.Task;
import dev.weft.internal.Durations;
import dev.weft.internal.Loggers;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;

/**
 * A {@link Transport} that speaks TLS over another transport (a {@link SocketTransport}, or even
 * another TLS transport for TLS through an HTTPS proxy) with a {@link SSLEngine}, entirely on the
 * loop: no thread of its own, no thread hop.
 *
 * <pre>
 *              handshake() (a task drives it; waits only for the lower transport to be readable)
 *   HANDSHAKING ----------------------------------------------------------> OPEN
 *      |  SSL error: alert sent, lower closed          peer close_notify:     |  \
 *      |  timeout, cancellation, EOF: lower aborted    tryRead = -1 (input    |   \ renegotiation / TLS 1.3
 *      |  (the transport is never handed out)          closed, writes go on)  |    \ post-handshake messages
 *      |                                                                      |     (tickets, KeyUpdate):
 *      |       shutdownOutput(): OUTPUT_SHUT, close_notify once the queued    |     handled inside tryRead;
 *      |       plaintext is out, then the lower transport's half-close        |     writes queue as plaintext
 *      |                                                                      |     while the engine waits
 *      |       close() with plaintext queued: CLOSING until the handshake     |     for the peer
 *      |       lets it out (at most CLOSE_FLUSH_LIMIT, then aborted)          v
 *      +-----> CLOSED: close() (close_notify sent, lower closed after its flush), abort() (lower
 *              reset, nothing sent), or an SSL error in unwrap / wrap (alert sent, lower closed;
 *              the error is kept and thrown by every later call)
 * </pre>
 *
 * <p>The lifecycle is {@link AbstractTransport.State}, shared with the other transports; this
 * layer's {@code CLOSED} means it is done, while the lower transport may still be flushing
 * ({@link #awaitClosed} waits for that). The read side ends on its own, with the peer's
 * {@code close_notify} ({@link #inboundDone}).
 *
 * <p><b>Reading.</b> {@link #tryRead} makes all the progress it can without waiting: it reads
 * ciphertext from the lower transport into a per-loop scratch buffer, unwraps it straight into
 * the caller's buffer (or through a per-loop staging buffer when the caller's is smaller than a
 * record), answers handshake messages, and keeps only leftovers (a partial record, plaintext the
 * caller had no room for) in per-connection buffers that are dropped once empty. So an idle TLS
 * connection holds no buffer, and no loop-shared buffer is ever held across a wait. A TCP end of
 * stream without the peer's {@code close_notify} is reported as an {@link SSLException}
 * ("truncated"), never as a clean end of stream.
 *
 * <p><b>Writing.</b> {@link #write} wraps at once into a per-loop scratch buffer and hands the
 * records to the lower transport, which sends or buffers them; it never blocks. While a handshake
 * is in progress (the initial one, or a TLS 1.2 renegotiation waiting for the peer), plaintext is
 * queued and wrapped once the handshake has moved on, which happens when the connection is read.
 * {@link #bufferedBytes} counts queued plaintext plus the lower transport's buffered ciphertext,
 * so {@code drain} covers both.
 *
 * <p><b>Delegated tasks</b> (certificate validation, key exchange) run inline on the loop, as
 * Netty's and asyncio's TLS do: they take a fraction of a millisecond to a few milliseconds per
 * handshake, sending them to another thread would cost a hop for each and a second thread touching
 * the engine, and a loop that serves many handshakes should be one of several loops
 * ({@link ServerOptions#loops}) anyway.
 *
 * <p><b>Closing from another thread</b> hands the close to the loop; once the loop is closed it
 * aborts on the spot (no {@code close_notify}: nothing runs on a closed loop to send it; the
 * lower transport is aborted the same way), as every {@link AbstractTransport} does.
 *
 * <p>Fields are owned by the loop thread (and the loop's tasks, which run on it).
 */
final class TlsTransport extends AbstractTransport {

    private static final Logger LOG = Loggers.get(TlsTransport.class);

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /**
     * Per-loop scratch buffers, one set per layer: TLS over TLS (a tunnel through an https proxy)
     * runs two engines at once, the inner one wrapping into its buffer while the outer one wraps
     * that buffer into its own, so the layers must never share one. Layers deeper than
     * {@link #SHARED_LAYERS} get buffers of their own.
     */
    private static final int SHARED_LAYERS = 2;
    private static final List<LoopLocal<ByteBuffer>> NET_IN = layers(() -> ByteBuffer.allocateDirect(80 * 1024));
    private static final List<LoopLocal<ByteBuffer>> NET_OUT = layers(() -> ByteBuffer.allocateDirect(80 * 1024));
    private static final List<LoopLocal<ByteBuffer>> STAGING = layers(() -> ByteBuffer.allocate(34 * 1024));

    private static List<LoopLocal<ByteBuffer>> layers(java.util.function.Supplier<ByteBuffer> make) {
        List<LoopLocal<ByteBuffer>> l = new java.util.ArrayList<>();
        for (int i = 0; i < SHARED_LAYERS; i++) {
            l.add(new LoopLocal<>(make));
        }
        return List.copyOf(l);
    }

    private final Transport lower;
    /** 0 over a plain transport, 1 for TLS over TLS, and so on: which scratch buffers it uses. */
    private final int layer;
    /** Scratch buffers of a layer deeper than the shared ones (allocated on first use), else null. */
    private ByteBuffer ownNetIn;
    private ByteBuffer ownNetOut;
    private ByteBuffer ownStaging;
    private final SSLEngine engine;
    /** Who the peer is, for messages: "host:port" or the remote address. */
    private final String peer;

    /** Ciphertext received and not unwrapped yet (read mode), or null. */
    private ByteBuffer netIn;
    /** Plaintext unwrapped and not read yet (read mode), or null. */
    private ByteBuffer appIn;
    /** Plaintext written while the engine could not wrap it yet. */
    private final ArrayDeque<ByteBuffer> pendingPlain = new ArrayDeque<>(2);
    private long pendingPlainBytes;

    /** The last tryRead found nothing to read: awaitReadable must wait for the lower transport. */
    private boolean starved;
    /** The read side is over: the peer's close_notify came. */
    private boolean inboundDone;

    private TlsTransport(Transport lower, SSLEngine engine, String peer, byte[] initialCiphertext) {
        super(lower.loop(), State.HANDSHAKING);
        this.lower = lower;
        this.layer = lower instanceof TlsTransport t ? t.layer + 1 : 0;
        this.engine = engine;
        this.peer = peer;
        if (initialCiphertext != null && initialCiphertext.length > 0) {
            netIn = ByteBuffer.wrap(initialCiphertext);
        }
    }

    /**
     * Runs a client handshake over {@code lower} in the calling task, verifying {@code host}
     * (also sent as SNI unless it is an IP literal). On failure the lower transport is closed.
     *
     * @param initialCiphertext bytes already read from {@code lower} that belong to TLS, or null
     * @throws SSLHandshakeException if the handshake fails (the message names the host and the reason)
     * @throws SocketTimeoutException if it takes longer than the options' handshake timeout
     */
    static TlsTransport client(Transport lower, TlsOptions options, String host, int port, byte[] initialCiphertext)
            throws IOException {
        SSLEngine engine;
        try {
            engine = options.newEngine(host, port);
        } catch (SSLException | RuntimeException e) {
            lower.abort();
            throw e;
        }
        String peer = host == null ? String.valueOf(lower.remoteAddress()) : port > 0 ? host + ":" + port : host;
        TlsTransport t = new TlsTransport(lower, engine, peer, initialCiphertext);
        t.handshake(options.handshakeTimeout());
        return t;
    }

    /** Runs a server handshake over {@code lower} in the calling task; see {@link #client}. */
    static TlsTransport server(Transport lower, TlsOptions options, byte[] initialCiphertext) throws IOException {
        SSLEngine engine;
        try {
            engine = options.newEngine(null, -1);
        } catch (SSLException | RuntimeException e) {
            lower.abort();
            throw e;
        }
        TlsTransport t = new TlsTransport(lower, engine, String.valueOf(lower.remoteAddress()), initialCiphertext);
        t.handshake(options.handshakeTimeout());
        return t;
    }

    private ByteBuffer netInScratch() {
        if (layer < SHARED_LAYERS) {
            return NET_IN.get(layer).get(loop);
        }
        if (ownNetIn == null) {
            ownNetIn = ByteBuffer.allocate(80 * 1024);
        }
        return ownNetIn;
    }

    private ByteBuffer netOutScratch() {
        if (layer < SHARED_LAYERS) {
            return NET_OUT.get(layer).get(loop);
        }
        if (ownNetOut == null) {
            ownNetOut = ByteBuffer.allocate(80 * 1024);
        }
        return ownNetOut;
    }

    private ByteBuffer stagingScratch() {
        if (layer < SHARED_LAYERS) {
            return STAGING.get(layer).get(loop);
        }
        if (ownStaging == null) {
            ownStaging = ByteBuffer.allocate(34 * 1024);
        }
        return ownStaging;
    }

    // ------------------------------------------------------------------ handshake

    private void handshake(Duration timeout) throws IOException {
        long deadline = timeout == null ? Long.MAX_VALUE : loop.nanoTime() + timeout.toNanos();
        boolean ok = false;
        try {
            engine.beginHandshake();
            while (true) {
                int n = pump(null);
                if (n < 0 || inboundDone) {
                    throw new SSLHandshakeException("the peer closed the TLS session during the handshake");
                }
                HandshakeStatus hs = engine.getHandshakeStatus();
                if (hs == HandshakeStatus.NOT_HANDSHAKING || hs == HandshakeStatus.FINISHED) {
                    break;
                }
                long wait = -1;
                if (deadline != Long.MAX_VALUE) {
                    wait = deadline - loop.nanoTime();
                    if (wait <= 0) {
                        throw handshakeTimeout(timeout);
                    }
                }
                try {
                    lower.awaitReadable(wait);
                } catch (SocketTimeoutException e) {
                    throw handshakeTimeout(timeout);
                }
            }
            moveTo(State.OPEN);
            ok = true;
            if (LOG.isDebugEnabled()) {
                SSLSession s = engine.getSession();
                LOG.debug("TLS handshake with {} done: {} {}, ALPN {}", peer, s.getProtocol(), s.getCipherSuite(),
                        alpnProtocol());
            }
            flushPlain();
        } catch (SSLException e) {
            throw fatal(e);
        } finally {
            if (!ok && failure == null) {
                moveTo(State.CLOSED);
                lower.abort(); // timeout, cancellation, I/O error: nothing sensible to send
            }
        }
    }

    private SocketTimeoutException handshakeTimeout(Duration timeout) {
        return new SocketTimeoutException("TLS handshake with " + peer + " did not complete within " + Durations.format(timeout));
    }

    /** Records a fatal TLS error (once), sends the alert the engine has for the peer and closes. */
    private IOException fatal(SSLException e) {
        if (failure != null) {
            return failure;
        }
        failure = handshakeDone() ? e : describe(peer, e);
        LOG.debug("TLS with {} failed: {}", peer, e.toString());
        moveTo(State.CLOSED);
        try {
            ByteBuffer out = ByteBuffer.allocate(Math.max(engine.getSession().getPacketBufferSize(), 1024));
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                SSLEngineResult r = engine.wrap(EMPTY, out);
                if (r.bytesProduced() == 0) {
                    break;
                }
            }
            out.flip();
            if (out.hasRemaining()) {
                lower.write(out);
            }
        } catch (IOException | RuntimeException ignored) {
            // the alert is a courtesy
        }
        lower.close();
        forceWakeDrainWaiter();
        return failure;
    }

    /** An {@link SSLHandshakeException} naming the peer and the reason in words. */
    static SSLHandshakeException describe(String peer, SSLException e) {
        SSLHandshakeException h = new SSLHandshakeException("TLS handshake with " + peer + " failed: " + reason(e));
        h.initCause(e);
        return h;
    }

    private static String reason(Throwable e) {
        String top = String.valueOf(e.getMessage());
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (c instanceof CertificateExpiredException) {
                return "certificate expired (" + m + ")";
            }
            if (c instanceof CertificateNotYetValidException) {
                return "certificate not yet valid (" + m + ")";
            }
            if (c instanceof CertPathBuilderException || m.contains("unable to find valid certification path")) {
                return "certificate not trusted: unknown CA or self-signed (" + top + ")";
            }
            if (m.contains("No subject alternative") || m.contains("No name matching")) {
                return "host name mismatch (" + m + ")";
            }
        }
        return top;
    }

    // ------------------------------------------------------------------ read side

    @Override
    public int tryRead(ByteBuffer dst) throws IOException {
        checkLoop();
        int n = pump(dst);
        if (pendingPlainBytes > 0) {
            flushPlain();
        }
        return n;
    }

    @Override
    public void forgetEmptyHint() {
        lower.forgetEmptyHint();
    }

    @Override
    public void awaitReadable(long timeoutNanos) throws IOException {
        if (appIn != null || inboundDone || failure != null || !starved) {
            Task.checkpointCurrent();
            return;
        }
        starved = false;
        lower.awaitReadable(timeoutNanos);
    }

    /**
     * Makes all the progress possible without waiting: runs delegated tasks, sends what the
     * engine wants to send, reads and unwraps. With {@code dst} null (handshake) plaintext is
     * kept in {@link #appIn} and it returns once the engine stops handshaking.
     *
     * @return bytes put into {@code dst}; 0 if the lower transport has nothing more; -1 after the peer's close_notify
     */
    private int pump(ByteBuffer dst) throws IOException {
        if (failure != null) {
            throw failure;
        }
        int delivered = 0;
        if (appIn != null && dst != null) {
            delivered = moveAppIn(dst);
            if (delivered > 0) {
                starved = false;
                return delivered;
            }
        }
        if (inboundDone) {
            return appIn != null ? 0 : -1;
        }
        boolean scratch = netIn == null;
        ByteBuffer net;
        if (scratch) {
            net = netInScratch();
            net.clear().flip(); // read mode, empty
        } else {
            net = netIn;
        }
        int overflows = 0;
        try {
            while (true) {
                HandshakeStatus hs = engine.getHandshakeStatus();
                if (hs == HandshakeStatus.NEED_TASK) {
                    runDelegatedTasks();
                    continue;
                }
                if (hs == HandshakeStatus.NEED_WRAP) {
                    if (wrapFrom(EMPTY) == 0 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                        throw new SSLException("the TLS engine wants to send but produces nothing");
                    }
                    continue;
                }
                boolean handshaking = hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.FINISHED;
                if (dst == null && !handshaking) {
                    return 0;
                }
                int appSize = engine.getSession().getApplicationBufferSize();
                if (delivered > 0 && dst.remaining() < appSize) {
                    return delivered;
                }
                if (net.hasRemaining()) {
                    ByteBuffer target = dst != null && dst.remaining() >= appSize ? dst : staging(appSize);
                    SSLEngineResult r;
                    try {
                        r = engine.unwrap(net, target);
                    } catch (SSLException e) {
                        throw fatal(e);
                    }
                    if (r.bytesProduced() > 0) {
                        delivered += target == dst ? r.bytesProduced() : deliverStaged(target, dst);
                        starved = false;
                    }
                    boolean stuck = r.bytesConsumed() == 0 && r.bytesProduced() == 0
                            && engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING;
                    switch (r.getStatus()) {
                        case OK:
                            if (stuck) {
                                break; // nothing to do with what is buffered: read more
                            }
                            continue;
                        case CLOSED:
                            peerClosed();
                            return delivered > 0 ? delivered : -1;
                        case BUFFER_OVERFLOW:
                            if (target == dst && delivered > 0) {
                                return delivered;
                            }
                            if (++overflows > 2) {
                                throw new SSLException("TLS record larger than the session's application buffer");
                            }
                            continue; // the next round stages (the session's sizes changed)
                        case BUFFER_UNDERFLOW:
                        default:
                            break;
                    }
                }
                if (delivered > 0) {
                    return delivered;
                }
                // Need more ciphertext: read what the lower transport has.
                net = roomToRead(net, scratch);
                scratch = net == netInScratch();
                int n;
                net.compact();
                try {
                    n = lower.tryRead(net);
                } finally {
                    net.flip();
                }
                if (n == 0) {
                    starved = true;
                    return 0;
                }
                if (n < 0) {
                    throw endOfStream(handshaking);
                }
            }
        } finally {
            keepLeftover(net, scratch);
        }
    }

    private IOException endOfStream(boolean handshaking) throws IOException {
        if (!handshakeDone() || handshaking) {
            return new SSLHandshakeException("the peer closed the connection during the TLS handshake");
        }
        try {
            engine.closeInbound();
        } catch (SSLException expected) {
            // the engine's own truncation complaint; ours below says more
        }
        return new SSLException("TLS connection with " + peer + " truncated: the peer closed the TCP connection "
                + "without a TLS close_notify (the data may be incomplete)");
    }

    /** The peer's close_notify: input is over; answer it if the engine wants to (TLS 1.2). */
    private void peerClosed() {
        inboundDone = true;
        LOG.debug("TLS close_notify from {}", peer);
        try {
            if (!closeStarted() && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                wrapFrom(EMPTY);
            }
        } catch (IOException e) {
            LOG.debug("answering close_notify", e);
        }
        forceWakeDrainWaiter();
    }

    /** A buffer with room for at least one more record after compaction. */
    private ByteBuffer roomToRead(ByteBuffer net, boolean scratch) {
        int packet = engine.getSession().getPacketBufferSize();
        if (net.capacity() >= packet && net.capacity() > net.remaining()) {
            return net;
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(packet, net.remaining() * 2));
        bigger.put(net).flip();
        if (scratch) {
            // the scratch is too small for this session; the per-connection buffer takes over
            netIn = bigger;
        }
        return bigger;
    }

    /** Keeps unprocessed ciphertext in the per-connection buffer; frees that buffer once empty. */
    private void keepLeftover(ByteBuffer net, boolean scratch) {
        if (!net.hasRemaining()) {
            netIn = null;
        } else if (scratch) {
            int packet = engine.getSession().getPacketBufferSize();
            ByteBuffer keep = ByteBuffer.allocate(Math.max(net.remaining(), packet));
            keep.put(net).flip();
            netIn = keep;
        } else {
            netIn = net;
        }
    }

    private ByteBuffer staging(int appSize) {
        ByteBuffer s = stagingScratch();
        if (s.capacity() < appSize) {
            s = ByteBuffer.allocate(appSize);
        }
        s.clear();
        return s;
    }

    /** Moves staged plaintext to {@code dst} (as much as fits; null: none) and the rest to {@link #appIn}. */
    private int deliverStaged(ByteBuffer staged, ByteBuffer dst) {
        staged.flip();
        int k = 0;
        if (dst != null) {
            k = Math.min(staged.remaining(), dst.remaining());
            dst.put(staged.slice(staged.position(), k));
            staged.position(staged.position() + k);
        }
        if (staged.hasRemaining()) {
            if (appIn == null) {
                appIn = ByteBuffer.allocate(staged.remaining());
            } else {
                ByteBuffer grown = ByteBuffer.allocate(appIn.remaining() + staged.remaining());
                grown.put(appIn);
                appIn = grown;
            }
            appIn.put(staged).flip();
        }
        return k;
    }

    private int moveAppIn(ByteBuffer dst) {
        int k = Math.min(appIn.remaining(), dst.remaining());
        dst.put(appIn.slice(appIn.position(), k));
        appIn.position(appIn.position() + k);
        if (!appIn.hasRemaining()) {
            appIn = null;
        }
        return k;
    }

    private void runDelegatedTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run(); // inline: see the class comment
        }
    }

    // ------------------------------------------------------------------ write side

    @Override
    public void write(ByteBuffer src) throws IOException {
        checkLoop();
        if (failure != null) {
            throw failure;
        }
        if (!acceptsWrites()) {
            throw new IOException("cannot write: the stream is closing");
        }
        if (!src.hasRemaining()) {
            return;
        }
        if (engine.isOutboundDone()) {
            throw new IOException("cannot write: the TLS session with " + peer + " is closed"
                    + (inboundDone ? " (the peer sent close_notify)" : ""));
        }
        if (pendingPlainBytes == 0 && !waitingForPeer()) {
            wrapFrom(src);
            if (!src.hasRemaining()) {
                return;
            }
        }
        ByteBuffer copy = ByteBuffer.allocate(src.remaining());
        copy.put(src).flip();
        pendingPlain.add(copy);
        pendingPlainBytes += copy.remaining();
    }

    /** True while the engine cannot wrap application data before it hears from the peer. */
    private boolean waitingForPeer() {
        if (!handshakeDone()) {
            return true;
        }
        HandshakeStatus hs = engine.getHandshakeStatus();
        return hs == HandshakeStatus.NEED_UNWRAP || hs == HandshakeStatus.NEED_UNWRAP_AGAIN;
    }

    /**
     * Wraps {@code src} ({@link #EMPTY}: only what the engine wants to send by itself) and hands
     * the records to the lower transport. Stops when {@code src} is consumed, or the engine needs
     * the peer first, or the outbound side closed.
     *
     * @return the ciphertext bytes produced
     */
    private long wrapFrom(ByteBuffer src) throws IOException {
        ByteBuffer out = netOutScratch();
        out.clear();
        long produced = 0;
        try {
            while (true) {
                HandshakeStatus hs = engine.getHandshakeStatus();
                if (hs == HandshakeStatus.NEED_TASK) {
                    runDelegatedTasks();
                    continue;
                }
                if (src.hasRemaining()) {
                    if (hs == HandshakeStatus.NEED_UNWRAP || hs == HandshakeStatus.NEED_UNWRAP_AGAIN) {
                        break;
                    }
                } else if (hs != HandshakeStatus.NEED_WRAP) {
                    break;
                }
                int packet = engine.getSession().getPacketBufferSize();
                if (out.remaining() < packet) {
                    send(out);
                    if (out.capacity() < packet) {
                        out = ByteBuffer.allocate(packet);
                    }
                }
                SSLEngineResult r = engine.wrap(src, out);
                produced += r.bytesProduced();
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    if (src.hasRemaining() && r.bytesConsumed() == 0) {
                        send(out);
                        throw new IOException("cannot write: the TLS session with " + peer + " is closed");
                    }
                    break;
                }
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    if (out.position() == 0) {
                        out = ByteBuffer.allocate(2 * out.capacity());
                    } else {
                        send(out);
                    }
                    continue;
                }
                if (r.bytesProduced() == 0 && r.bytesConsumed() == 0
                        && engine.getHandshakeStatus() != HandshakeStatus.NEED_TASK) {
                    break;
                }
            }
        } catch (SSLException e) {
            throw fatal(e);
        }
        send(out);
        return produced;
    }

    private void send(ByteBuffer out) throws IOException {
        out.flip();
        try {
            if (out.hasRemaining()) {
                lower.write(out);
            }
        } finally {
            out.clear();
        }
    }

    /** Wraps queued plaintext once the engine can; finishes a close or half-close waiting for it. */
    private void flushPlain() throws IOException {
        while (!pendingPlain.isEmpty() && !waitingForPeer() && failure == null) {
            ByteBuffer b = pendingPlain.peek();
            int before = b.remaining();
            wrapFrom(b);
            pendingPlainBytes -= before - b.remaining();
            if (b.hasRemaining()) {
                break;
            }
            pendingPlain.poll();
        }
        if (pendingPlainBytes == 0) {
            if (state() == State.CLOSING) {
                finishClose();
            } else if (state() == State.OUTPUT_SHUT) {
                finishShutdownOutput();
            }
        }
        forceWakeDrainWaiter();
    }

    /** True once the handshake is done (a transport whose handshake failed is never handed out). */
    private boolean handshakeDone() {
        return state() != State.HANDSHAKING;
    }

    @Override
    public long bufferedBytes() {
        return pendingPlainBytes + lower.bufferedBytes();
    }

    /**
     * Waits for queued plaintext to be wrapped (the handshake letting it out), or, with none
     * queued, for the lower transport's own drain.
     */
    @Override
    void awaitDrainStep(long bytes) throws IOException {
        if (pendingPlainBytes == 0) {
            lower.awaitBufferedAtMost(bytes);
            return;
        }
        if (lower.isClosing() && state() != State.CLOSING) {
            throw new IOException("the stream was closed with " + pendingPlainBytes + " bytes unsent");
        }
        parkOnDrainGate(bytes);
    }

    @Override
    public void shutdownOutput() throws IOException {
        checkLoop();
        if (!acceptsWrites()) {
            return;
        }
        moveTo(State.OUTPUT_SHUT);
        if (pendingPlainBytes == 0) {
            finishShutdownOutput();
        }
    }

    private void finishShutdownOutput() throws IOException {
        sendCloseNotify();
        lower.shutdownOutput();
    }

    private void sendCloseNotify() {
        if (failure != null || engine.isOutboundDone()) {
            return;
        }
        engine.closeOutbound();
        try {
            wrapFrom(EMPTY);
        } catch (IOException e) {
            LOG.debug("sending close_notify to {}: {}", peer, e.toString());
        }
    }

    // ------------------------------------------------------------------ closing

    @Override
    void closeOnLoop() {
        if (closeStarted()) {
            return;
        }
        if (pendingPlainBytes > 0 && failure == null) {
            moveTo(State.CLOSING);
            loop.callLater(CLOSE_FLUSH_LIMIT, () -> { // a no-op once the close went on
                if (state() == State.CLOSING) {
                    LOG.debug("{}: handshake did not let {} queued bytes out in {}; aborting", peer,
                            pendingPlainBytes, Durations.format(CLOSE_FLUSH_LIMIT));
                    abort();
                }
            });
            return;
        }
        finishClose();
    }

    /** After the loop closed: no close_notify, the lower transport aborted the same way (its socket closed at once). */
    @Override
    void abortAfterLoopClosed() {
        pendingPlain.clear();
        pendingPlainBytes = 0;
        lower.abort();
    }

    private void finishClose() {
        moveTo(State.CLOSED);
        sendCloseNotify();
        lower.close();
        forceWakeDrainWaiter();
    }

    @Override
    void abortOnLoop() {
        moveTo(State.CLOSED);
        pendingPlain.clear();
        pendingPlainBytes = 0;
        engine.closeOutbound();
        lower.abort();
        forceWakeDrainWaiter();
    }

    @Override
    public boolean isClosing() {
        return closeStarted() || failure != null || lower.isClosing();
    }

    @Override
    public void awaitClosed() throws IOException {
        lower.awaitClosed();
    }

    /** The transport under this one (for tests). */
    Transport lowerForTests() {
        return lower;
    }

    @Override
    public SocketAddress localAddress() {
        return lower.localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return lower.remoteAddress();
    }

    @Override
    public SSLSession tlsSession() {
        return handshakeDone() ? engine.getSession() : null;
    }

    @Override
    public String alpnProtocol() {
        String p = handshakeDone() || engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                ? engine.getApplicationProtocol() : null;
        return p == null || p.isEmpty() ? null : p;
    }

    @Override
    public String toString() {
        return "TlsTransport[" + peer + ", " + lower + (state() == State.OPEN ? "" : ", " + state())
                + (inboundDone ? ", input closed" : "") + (failure != null ? ", failed" : "") + "]";
    }
}
