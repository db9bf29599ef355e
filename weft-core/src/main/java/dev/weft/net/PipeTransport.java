package dev.weft.net;

import dev.weft.EventLoop;
import dev.weft.Future;
import dev.weft.InvalidStateException;
import dev.weft.Task;
import dev.weft.TimeoutException;
import dev.weft.internal.Durations;
import dev.weft.internal.Loggers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;

/**
 * A {@link Transport} over a blocking {@link InputStream} (read side) or {@link OutputStream}
 * (write side), such as a subprocess pipe. The JDK offers no non-blocking channel for those, so
 * the blocking calls run on <em>pump</em> threads, never on the loop thread: daemon platform
 * threads of one shared cached pool ({@code weft-pipe-N}; while pumping, a thread is named after
 * its pipe). Pumps are started with {@link EventLoop#runInExecutor}, so a virtual-clock loop
 * counts them as external work and does not jump its clock while one runs.
 *
 * <p><b>Read side.</b> The pump reads chunks of up to 64 KiB and hands each to the loop with
 * {@code loop.execute}; {@link #tryRead} sees a chunk only once the loop has taken it in, so a
 * reader that is always supplied still gives the loop back between chunks. Back-pressure: once
 * more than {@code pauseAt} bytes are pumped but not read by the {@link StreamReader}, the pump
 * stops reading (the child then blocks on a full pipe), until the reader catches up.
 *
 * <p><b>Write side.</b> {@link #write} copies the bytes into a queue and never blocks; a pump
 * job, started when the queue gets data and ending when it is empty, writes and flushes them.
 * {@link #bufferedBytes} counts bytes queued or being written, so {@link StreamWriter#drain}
 * works with its usual water marks.
 *
 * <pre>
 *   OPEN --shutdownOutput()--> OUTPUT_SHUT --close()--+
 *    | |                           |                  v
 *    | +---------close()-----------(-------------> CLOSING
 *    |                             |                  |
 *    |      queue flushed, output stream closed       |
 *    |                             v                  v
 *    +-- abort(), write error ---> CLOSED &lt;-----------+
 *        close() of a read-only pipe
 * </pre>
 *
 * <p>The lifecycle is {@link AbstractTransport.State}, shared with the other transports. The
 * read side ends on its own (end of input, or a read error). {@link #awaitClosed} waits until the
 * pumps have closed their streams.
 *
 * <p><b>Closing without races.</b> The streams are closed by their pump only: closing a file
 * descriptor while another thread is blocked reading it does not wake that thread on Linux, and
 * the descriptor number could be reused. {@link #abort} therefore marks the transport closed at
 * once (readers and writers see it immediately) and the pump closes the stream when its current
 * read or write returns — for a subprocess, when the child exits (or, if a grandchild inherited
 * the pipe, when that one closes it).
 *
 * <p><b>Closing from another thread</b> hands the close to the loop; once the loop is closed it
 * aborts on the spot, as every {@link AbstractTransport} does (here: the pumps stop and close their
 * streams when their current call returns, and an output stream no pump is writing is closed at once).
 *
 * <p><b>Threads.</b> Fields without a comment belong to the loop thread; the pump shares
 * {@link #unread}, {@link #stopRead} and the write queue under {@link #lock}.
 */
final class PipeTransport extends AbstractTransport {

    private static final Logger LOG = Loggers.get(PipeTransport.class);
    private static final int CHUNK = 64 * 1024;
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();
    private static final ExecutorService PUMPS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "weft-pipe-" + THREAD_IDS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private static final byte[] EOF_MARK = new byte[0];

    private final String name;
    private final InputStream in;
    private final OutputStream out;
    private final long pauseAt;

    // Shared with the pump, guarded by lock.
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    /** Read side: bytes pumped and not yet consumed by tryRead. Guarded by lock. */
    private long unread;
    /** Read side: the pump must stop and close the stream. Guarded by lock. */
    private boolean stopRead;
    /** Write side: chunks for the pump; EOF_MARK asks it to close the stream. Guarded by lock. */
    private final ArrayDeque<byte[]> writeQueue = new ArrayDeque<>();
    /** Write side: a pump job is running. Guarded by lock. */
    private boolean writePumpActive;
    /** Write side: abort() asked the pump to drop what is queued and close. Guarded by lock. */
    private boolean writeAborted;

    // Loop thread only.
    private final ArrayDeque<byte[]> readable = new ArrayDeque<>();
    private int readableOffset;
    /** The read side is over: end of input, a read error, or the read pump ended. */
    private boolean inputEnded;
    private Future<Void> readWaiter;
    private long pendingBytes;
    /** No pump runs: the read pump ended, or no write job is running. */
    private boolean pumpDone;

    private PipeTransport(EventLoop loop, String name, InputStream in, OutputStream out, long pauseAt) {
        super(loop, State.OPEN);
        this.name = name;
        this.in = in;
        this.out = out;
        this.pauseAt = pauseAt;
    }

    /** A read-only transport whose pump starts at once; it pauses when {@code pauseAt} bytes are unread. */
    static PipeTransport forInput(EventLoop loop, InputStream in, String name, long pauseAt) {
        PipeTransport t = new PipeTransport(loop, name, in, null, Math.max(1, pauseAt));
        t.start(t::readPump);
        return t;
    }

    /** A write-only transport; its pump runs while there is data to write. */
    static PipeTransport forOutput(EventLoop loop, OutputStream out, String name) {
        PipeTransport t = new PipeTransport(loop, name, null, out, 0);
        t.pumpDone = true; // no pump until the first write
        return t;
    }

    private void start(Runnable pump) {
        Future<Void> job = loop.runInExecutor(PUMPS, () -> {
            Thread self = Thread.currentThread();
            String idle = self.getName();
            self.setName("weft-pipe[" + name + "]");
            try {
                pump.run();
            } finally {
                self.setName(idle);
            }
            return null;
        });
        job.addDoneCallback(f -> {
            if (f.state() == Future.State.FAILED) {
                LOG.warn("{}: pump failed", name, f.exception());
            }
        });
    }

    /** Runs {@code r} on the loop; false if the loop is closed. Pump thread. */
    private boolean post(Runnable r) {
        try {
            loop.execute(r);
            return true;
        } catch (RejectedExecutionException e) {
            LOG.debug("{}: loop closed, pump stops", name);
            return false;
        }
    }

    // ------------------------------------------------------------------ read side: pump

    /** Pump thread: reads the stream until its end, an error, or stopRead. */
    private void readPump() {
        try {
            while (true) {
                byte[] buf = new byte[CHUNK];
                int n;
                try {
                    n = in.read(buf);
                } catch (IOException e) {
                    if (isStopRead()) {
                        break;
                    }
                    post(() -> inputFailed(e));
                    break;
                }
                if (n < 0) {
                    post(this::inputEnded);
                    break;
                }
                if (n == 0) {
                    continue;
                }
                byte[] chunk = n == CHUNK ? buf : java.util.Arrays.copyOf(buf, n);
                lock.lock();
                try {
                    if (stopRead) {
                        break;
                    }
                    unread += n;
                } finally {
                    lock.unlock();
                }
                if (!post(() -> chunkArrived(chunk))) {
                    break;
                }
                lock.lock();
                try {
                    while (unread > pauseAt && !stopRead) {
                        drained.awaitUninterruptibly();
                    }
                    if (stopRead) {
                        break;
                    }
                } finally {
                    lock.unlock();
                }
            }
        } finally {
            try {
                in.close();
            } catch (IOException e) {
                LOG.trace("{}: close", name, e);
            }
            post(this::pumpEnded);
        }
    }

    private boolean isStopRead() {
        lock.lock();
        try {
            return stopRead;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ read side: loop

    private void chunkArrived(byte[] chunk) {
        assert holdsLoop();
        if (state() == State.CLOSED) {
            return;
        }
        readable.add(chunk);
        wakeReader();
    }

    private void inputEnded() {
        assert holdsLoop();
        inputEnded = true;
        wakeReader();
    }

    private void inputFailed(IOException e) {
        assert holdsLoop();
        if (failure == null) {
            failure = e;
        }
        inputEnded = true;
        wakeReader();
    }

    private void wakeReader() {
        Future<Void> w = readWaiter;
        if (w != null) {
            readWaiter = null;
            w.trySetResult(null);
        }
    }

    @Override
    public int tryRead(ByteBuffer dst) throws IOException {
        checkLoop();
        if (in == null) {
            return -1;
        }
        if (state() == State.CLOSED) {
            throw new ClosedChannelException();
        }
        int total = 0;
        while (dst.hasRemaining() && !readable.isEmpty()) {
            byte[] head = readable.peek();
            int k = Math.min(dst.remaining(), head.length - readableOffset);
            dst.put(head, readableOffset, k);
            readableOffset += k;
            total += k;
            if (readableOffset == head.length) {
                readable.poll();
                readableOffset = 0;
            }
        }
        if (total > 0) {
            lock.lock();
            try {
                long before = unread;
                unread -= total;
                if (before > pauseAt && unread <= pauseAt) {
                    drained.signalAll();
                }
            } finally {
                lock.unlock();
            }
            return total;
        }
        if (inputEnded) {
            if (failure != null) {
                throw failure;
            }
            return -1;
        }
        return 0;
    }

    @Override
    public void awaitReadable(long timeoutNanos) throws IOException {
        checkLoop();
        Task.checkpointCurrent();
        if (in == null || !readable.isEmpty() || inputEnded || state() == State.CLOSED) {
            return;
        }
        if (readWaiter != null && !readWaiter.isDone()) {
            throw new InvalidStateException("another task is already reading " + name);
        }
        Future<Void> w = new Future<>(loop);
        readWaiter = w;
        try {
            if (timeoutNanos < 0) {
                w.await();
            } else {
                try {
                    w.await(Duration.ofNanos(timeoutNanos));
                } catch (TimeoutException e) {
                    throw new SocketTimeoutException("no data from " + name + " within " + Durations.nanos(timeoutNanos));
                }
            }
        } finally {
            if (readWaiter == w) {
                readWaiter = null;
            }
        }
    }

    // ------------------------------------------------------------------ write side

    @Override
    public void write(ByteBuffer src) throws IOException {
        checkLoop();
        if (out == null) {
            throw new IOException(name + " is not writable");
        }
        if (failure != null) {
            throw failure;
        }
        if (!acceptsWrites()) {
            throw new IOException("cannot write: " + name + " is closing");
        }
        if (!src.hasRemaining()) {
            return;
        }
        byte[] copy = new byte[src.remaining()];
        src.get(copy);
        pendingBytes += copy.length;
        enqueue(copy);
    }

    /** Loop thread: hands a chunk (or EOF_MARK) to the write pump, starting it if idle. */
    private void enqueue(byte[] chunk) {
        assert holdsLoop();
        boolean startPump;
        lock.lock();
        try {
            writeQueue.add(chunk);
            startPump = !writePumpActive;
            writePumpActive = true;
        } finally {
            lock.unlock();
        }
        if (startPump) {
            pumpDone = false;
            start(this::writePump);
        }
    }

    /** Pump thread: writes queued chunks until the queue is empty, EOF_MARK, an error or abort. */
    private void writePump() {
        while (true) {
            byte[] chunk;
            boolean abort;
            lock.lock();
            try {
                chunk = writeQueue.poll();
                abort = writeAborted;
                if (chunk == null && !abort) {
                    writePumpActive = false;
                    break;
                }
                if (abort) {
                    writeQueue.clear();
                    writePumpActive = false;
                }
            } finally {
                lock.unlock();
            }
            if (abort || chunk == EOF_MARK) {
                closeOutputStream();
                post(this::outputClosed);
                return;
            }
            try {
                out.write(chunk);
                out.flush();
            } catch (IOException e) {
                closeOutputStream();
                lock.lock();
                try {
                    writeQueue.clear();
                    writePumpActive = false;
                    writeAborted = true; // nothing more will be written
                } finally {
                    lock.unlock();
                }
                post(() -> outputFailed(e));
                return;
            }
            int n = chunk.length;
            post(() -> written(n));
        }
        post(this::writePumpIdle);
    }

    private void closeOutputStream() {
        try {
            out.close();
        } catch (IOException e) {
            LOG.trace("{}: close", name, e);
        }
    }

    private void written(int n) {
        assert holdsLoop();
        pendingBytes -= n;
        wakeDrainWaiter();
    }

    private void writePumpIdle() {
        assert holdsLoop();
        // Only idle if no new job started meanwhile (enqueue set pumpDone = false before starting it).
        lock.lock();
        try {
            if (writePumpActive) {
                return;
            }
        } finally {
            lock.unlock();
        }
        pumpDone = true;
        signalIfFullyClosed();
    }

    /** The write pump closed the output stream (asked to, or aborted): the transport is closed. */
    private void outputClosed() {
        assert holdsLoop();
        pendingBytes = 0;
        pumpDone = true;
        moveTo(State.CLOSED);
        wakeDrainWaiter();
        signalIfFullyClosed();
    }

    private void outputFailed(IOException e) {
        if (failure == null) {
            failure = e;
        }
        LOG.debug("{}: write failed: {}", name, e.toString());
        outputClosed();
    }

    @Override
    public long bufferedBytes() {
        return pendingBytes;
    }

    @Override
    public void shutdownOutput() throws IOException {
        checkLoop();
        if (out == null || !acceptsWrites()) {
            return;
        }
        moveTo(State.OUTPUT_SHUT);
        enqueue(EOF_MARK);
    }

    // ------------------------------------------------------------------ closing

    @Override
    void closeOnLoop() {
        if (closeStarted()) {
            return;
        }
        if (out != null) {
            boolean eofQueued = state() == State.OUTPUT_SHUT;
            moveTo(State.CLOSING);
            if (!eofQueued) {
                enqueue(EOF_MARK);
            }
        } else {
            abortOnLoop();
        }
    }

    @Override
    void abortOnLoop() {
        if (state() == State.CLOSED) {
            return;
        }
        moveTo(State.CLOSED);
        readable.clear();
        readableOffset = 0;
        boolean startPump = false;
        lock.lock();
        try {
            stopRead = true;
            unread = 0;
            drained.signalAll();
            if (out != null) {
                writeAborted = true;
                writeQueue.clear();
                startPump = !writePumpActive;
                writePumpActive = true;
            }
        } finally {
            lock.unlock();
        }
        if (startPump) {
            pumpDone = false;
            start(this::writePump); // closes the stream off the loop
        }
        pendingBytes = 0;
        wakeReader();
        wakeDrainWaiter();
    }

    /**
     * After the loop closed: the pumps are told to stop and close their streams when their
     * current read or write returns (as {@link #abort} does), and an output stream no pump is
     * writing is closed at once.
     */
    @Override
    void abortAfterLoopClosed() {
        readable.clear();
        pendingBytes = 0;
        boolean closeOut;
        lock.lock();
        try {
            stopRead = true;
            unread = 0;
            drained.signalAll();
            writeAborted = true;
            writeQueue.clear();
            closeOut = out != null && !writePumpActive;
            writePumpActive |= closeOut; // no pump may start on it now
        } finally {
            lock.unlock();
        }
        if (closeOut) {
            closeOutputStream();
        }
    }

    /** Loop: the read pump ended (end of stream, error, or abort); the stream is closed. */
    private void pumpEnded() {
        assert holdsLoop();
        pumpDone = true;
        inputEnded = true;
        wakeReader();
        signalIfFullyClosed();
    }

    /** Closed all the way once no pump runs any more and the streams are closed (read side: end of input or abort). */
    @Override
    boolean isFullyClosed() {
        return pumpDone && (state() == State.CLOSED || in != null);
    }

    @Override
    public SocketAddress localAddress() {
        return null;
    }

    @Override
    public SocketAddress remoteAddress() {
        return null;
    }

    @Override
    public String toString() {
        return "PipeTransport[" + name + (state() == State.OPEN ? "" : ", " + state()) + "]";
    }
}
