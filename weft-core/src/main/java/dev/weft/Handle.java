package dev.weft;

/**
 * A callback scheduled on a loop by {@code callSoon} (asyncio's {@code Handle}); cancel it to
 * keep it from running. Safe to cancel from any thread.
 */
public class Handle implements Runnable {

    private final Callback callback;
    private final EventLoop loop;
    private volatile boolean cancelled;

    Handle(EventLoop loop, Callback callback) {
        this.loop = loop;
        this.callback = callback;
    }

    /** Keeps the callback from running, if it has not run yet. */
    public void cancel() {
        cancelled = true;
    }

    /** {@return true once {@link #cancel()} was called} */
    public boolean isCancelled() {
        return cancelled;
    }

    /** Loop thread only: runs the callback unless cancelled; errors go to the loop's handler. */
    @Override
    public void run() {
        if (cancelled) {
            return;
        }
        try {
            callback.run();
        } catch (Throwable t) {
            EventLoop.reportUnhandled("callback " + callback, t, loop);
        }
    }

    @Override
    public String toString() {
        return "<Handle " + callback + (cancelled ? " cancelled" : "") + ">";
    }
}
