package dev.weft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The I/O side of one {@link EventLoop}: its selector (epoll), the channels registered on it,
 * and who is told when one is ready. Each direction of a channel has either a callback
 * ({@link EventLoop#addReader}/{@link EventLoop#addWriter}), queued on the loop whenever the
 * channel is ready, or one parked task ({@link Readiness}), unparked once; never both.
 *
 * <p>The loop polls with the selector's action form ({@code select(Consumer)}): each ready key
 * goes straight to {@link #processKey}; the selected-key set is never filled.
 *
 * <p><b>Threads.</b> Everything here is the loop thread's (a task step of the loop counts:
 * {@code EventLoop.holdsLoop()}), and the methods assert it, except {@link #wakeup()},
 * {@link #validKey} and {@link #close()} (the loop is not running then).
 */
final class IoRegistry {

    private final EventLoop loop;
    private final Selector selector;
    /** The loop's ready queue, where ready callbacks go. Loop thread only. */
    private final ArrayDeque<Runnable> ready;
    /** Handles each key the selector reports ready (made once: no allocation per poll). */
    private final Consumer<SelectionKey> onReady = this::processKey;

    /**
     * Callbacks and waiting tasks of one registered channel (the key's attachment). Loop thread
     * only. A direction has either a callback or one parked task, never both.
     */
    private static final class Interest {
        /** The {@link EventLoop#addReader} callback, as a {@link Handle}. */
        Runnable reader;
        /** The {@link EventLoop#addWriter} callback, as a {@link Handle}. */
        Runnable writer;
        /** The task parked in {@link #awaitReady} for reading, and whether it was woken. */
        Thread readWaiter;
        boolean readFired;
        /** The task parked in {@link #awaitReady} for writing, and whether it was woken. */
        Thread writeWaiter;
        boolean writeFired;
    }

    IoRegistry(EventLoop loop, ArrayDeque<Runnable> ready) {
        this.loop = loop;
        this.ready = ready;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
    }

    // ------------------------------------------------------------------ polling

    /** Reports the keys that are ready now, without waiting. Loop thread only. */
    void pollNow() throws IOException {
        assert loop.holdsLoop() : "the selector is polled on the loop thread";
        selector.selectNow(onReady);
    }

    /**
     * Waits until a key is ready, {@link #wakeup()} is called, or {@code timeoutMillis} passed
     * (0: no limit), and reports the ready keys. Loop thread only.
     */
    void poll(long timeoutMillis) throws IOException {
        assert loop.holdsLoop() : "the selector is polled on the loop thread";
        if (timeoutMillis == 0) {
            selector.select(onReady);
        } else {
            selector.select(onReady, timeoutMillis);
        }
    }

    /** Ends a {@link #poll} in progress, or the next one. Any thread. */
    void wakeup() {
        selector.wakeup();
    }

    /** True if any channel is registered (cancelled keys not yet flushed included). Loop thread only. */
    boolean hasChannels() {
        assert loop.holdsLoop() : "the selector's keys are read on the loop thread";
        return !selector.keys().isEmpty();
    }

    /**
     * One ready key: queue its callbacks, or wake the task waiting on it (see
     * {@link #awaitReady}). Loop thread only; runs inside a poll.
     */
    private void processKey(SelectionKey key) {
        assert loop.holdsLoop() : "ready keys are handled on the loop thread";
        Interest interest = (Interest) key.attachment();
        try {
            int readyOps = key.readyOps();
            if ((readyOps & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
                if (interest.reader != null) {
                    ready.add(interest.reader);
                } else if (interest.readWaiter != null) {
                    if (!interest.readFired) {
                        interest.readFired = true;
                        LockSupport.unpark(interest.readWaiter);
                    }
                } else {
                    // Nobody reads now: stop polling for it until a task waits again.
                    key.interestOps(key.interestOps() & ~(SelectionKey.OP_READ | SelectionKey.OP_ACCEPT));
                }
            }
            if ((readyOps & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
                if (interest.writer != null) {
                    if ((readyOps & SelectionKey.OP_CONNECT) != 0) {
                        // Connected: from now on it is plain writability.
                        key.interestOps((key.interestOps() & ~SelectionKey.OP_CONNECT) | SelectionKey.OP_WRITE);
                    }
                    ready.add(interest.writer);
                } else {
                    key.interestOps(key.interestOps() & ~(SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT));
                    if (interest.writeWaiter != null && !interest.writeFired) {
                        interest.writeFired = true;
                        LockSupport.unpark(interest.writeWaiter);
                    }
                }
            }
        } catch (CancelledKeyException e) {
            // Channel closed meanwhile: nothing to call.
        }
    }

    // ------------------------------------------------------------------ callbacks (addReader & co.)

    /** The channel's key on this selector, registering it (non-blocking) if needed. Loop thread only. */
    private SelectionKey keyOf(SelectableChannel channel) throws IOException {
        assert loop.holdsLoop() : "channels are registered on the loop thread";
        SelectionKey key = channel.keyFor(selector);
        if (key != null && key.isValid()) {
            return key;
        }
        if (key != null) {
            selector.selectNow(onReady); // flush the cancelled key
        }
        if (channel.isBlocking()) {
            channel.configureBlocking(false);
        }
        return channel.register(selector, 0, new Interest());
    }

    /**
     * Calls {@code callback} on the loop whenever {@code channel} is ready for {@code op}
     * ({@link SelectionKey#OP_READ} or {@link SelectionKey#OP_WRITE}); replaces a previous
     * callback for that direction. Loop thread only.
     */
    void register(SelectableChannel channel, int op, Callback callback) {
        try {
            SelectionKey key = keyOf(channel);
            Interest interest = (Interest) key.attachment();
            if ((op == SelectionKey.OP_READ ? interest.readWaiter : interest.writeWaiter) != null) {
                throw new InvalidStateException("a task is waiting on this channel in the same direction");
            }
            // A Handle, as asyncio's add_reader makes one: what the callback throws goes to the
            // exception handler, and the loop goes on.
            Handle handle = new Handle(loop, callback);
            if (op == SelectionKey.OP_READ) {
                interest.reader = handle;
            } else {
                interest.writer = handle;
            }
            // A connecting channel reports writability as OP_CONNECT.
            key.interestOps(key.interestOps() | selectorOp(channel, op));
        } catch (ClosedChannelException e) {
            throw new UncheckedIOException("channel is closed", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The valid key of {@code channel} on this selector, or null. Any thread (a racy answer off the loop). */
    SelectionKey validKey(SelectableChannel channel) {
        SelectionKey key = channel.keyFor(selector);
        return key != null && key.isValid() ? key : null;
    }

    /**
     * Drops the callback of {@code key}'s channel for {@code op}; cancels the key when nothing is
     * left to watch. Loop thread only.
     */
    void unregister(SelectionKey key, int op) {
        assert loop.holdsLoop() : "channels are unregistered on the loop thread";
        if (!key.isValid()) {
            return;
        }
        Interest interest = (Interest) key.attachment();
        int remove = op == SelectionKey.OP_WRITE ? SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT : op;
        if (op == SelectionKey.OP_READ) {
            interest.reader = null;
        } else {
            interest.writer = null;
        }
        int ops = key.interestOps() & ~remove;
        if (ops == 0 && interest.reader == null && interest.writer == null) {
            key.cancel();
        } else {
            key.interestOps(ops);
        }
    }

    /** The selector operation for a read or write interest: accept and connect included. */
    private static int selectorOp(SelectableChannel channel, int op) {
        if (op == SelectionKey.OP_READ) {
            return channel instanceof ServerSocketChannel ? SelectionKey.OP_ACCEPT : SelectionKey.OP_READ;
        }
        if (channel instanceof SocketChannel sc && sc.isConnectionPending()) {
            return SelectionKey.OP_CONNECT;
        }
        return SelectionKey.OP_WRITE;
    }

    // ------------------------------------------------------------------ parked tasks (Readiness)

    /**
     * Task thread, on this loop: parks {@code me} until {@code channel} is ready for {@code op}
     * ({@link SelectionKey#OP_READ} covers accept, {@link SelectionKey#OP_WRITE} covers connect)
     * or {@code timeoutNanos} (negative: none) passed. A cancellation point. Read interest stays
     * registered after a wake-up and is dropped only when the channel fires with nobody waiting,
     * so a connection read in a loop costs no {@code epoll_ctl} per message.
     *
     * @return false on timeout
     * @throws AsynchronousCloseException if the channel was closed (through {@link #closeChannel}) meanwhile
     */
    boolean awaitReady(Task<?> me, SelectableChannel channel, int op, long timeoutNanos) throws IOException {
        assert loop.holdsLoop() && Task.current() == me : "a task waits for its channel on its own loop";
        me.checkpoint();
        SelectionKey key;
        try {
            key = keyOf(channel);
        } catch (ClosedChannelException e) {
            throw new AsynchronousCloseException();
        }
        Interest interest = (Interest) key.attachment();
        boolean read = op == SelectionKey.OP_READ;
        Thread self = Thread.currentThread();
        if (read) {
            if (interest.readWaiter != null || interest.reader != null) {
                throw new InvalidStateException("another task or callback is already reading from " + channel);
            }
            interest.readWaiter = self;
            interest.readFired = false;
        } else {
            if (interest.writeWaiter != null || interest.writer != null) {
                throw new InvalidStateException("another task or callback is already writing to " + channel);
            }
            interest.writeWaiter = self;
            interest.writeFired = false;
        }
        int sop = selectorOp(channel, op);
        if ((key.interestOps() & sop) == 0) {
            key.interestOps(key.interestOps() | sop);
        }
        TimerHandle timer = timeoutNanos >= 0 ? loop.callLater(timeoutNanos, () -> LockSupport.unpark(self)) : null;
        boolean ok = false;
        try {
            while (true) {
                // Cancellation first: a cancel that came after the channel became ready but
                // before this task resumed is still delivered here (the readiness is not lost:
                // the interest stays registered, and the selector reports it again).
                if (me.takeCancel()) {
                    throw new CancelledException(me.lastCancelMessage());
                }
                if (read ? interest.readFired : interest.writeFired) {
                    ok = true;
                    return true;
                }
                if (!key.isValid()) {
                    throw new AsynchronousCloseException();
                }
                if (timer != null && timer.hasFired()) {
                    return false;
                }
                Task.park(interest);
            }
        } finally {
            if (read) {
                interest.readWaiter = null;
            } else {
                interest.writeWaiter = null;
                if (!ok && key.isValid() && interest.writer == null) {
                    key.interestOps(key.interestOps() & ~(SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT));
                }
            }
            if (timer != null) {
                timer.cancel();
            }
        }
    }

    /**
     * Closes {@code channel}, first waking any task of this loop parked on it (it gets an
     * {@link AsynchronousCloseException}) and cancelling its key so that its descriptor is
     * released at once. Loop thread only.
     */
    void closeChannel(SelectableChannel channel) throws IOException {
        assert loop.holdsLoop() : "a registered channel is closed on the loop thread";
        SelectionKey key = channel.keyFor(selector);
        if (key != null) {
            Interest interest = (Interest) key.attachment();
            key.cancel();
            if (interest.readWaiter != null) {
                LockSupport.unpark(interest.readWaiter);
            }
            if (interest.writeWaiter != null) {
                LockSupport.unpark(interest.writeWaiter);
            }
            channel.close();
            // A registered channel's descriptor is released when the selector drops the
            // cancelled key: do that now, so that closing is visible to the OS at once.
            selector.selectNow(onReady);
            return;
        }
        channel.close();
    }

    /** Closes the selector (the loop is closing; it is not running). */
    void close() throws IOException {
        selector.close();
    }
}
