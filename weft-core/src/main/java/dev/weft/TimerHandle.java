package dev.weft;

/**
 * A callback scheduled for a point in loop time by {@code callLater}/{@code callAt}
 * (asyncio's {@code TimerHandle}). Ordered by deadline, then by scheduling order, so two
 * timers for the same instant run in the order they were made.
 */
public final class TimerHandle extends Handle implements Comparable<TimerHandle> {

    private final long deadlineNanos;
    private final long sequence;
    private final EventLoop loop;
    private volatile boolean fired;

    TimerHandle(EventLoop loop, long deadlineNanos, long sequence, Callback callback) {
        super(loop, callback);
        this.loop = loop;
        this.deadlineNanos = deadlineNanos;
        this.sequence = sequence;
    }

    /** {@return the deadline in the loop's clock, in seconds (comparable with {@link EventLoop#time()})} */
    public double when() {
        return deadlineNanos / 1e9;
    }

    /** {@return the deadline in the loop's clock, in nanoseconds} */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    /** {@return true once the deadline passed and the callback was started} */
    public boolean hasFired() {
        return fired;
    }

    @Override
    public void cancel() {
        if (!isCancelled()) {
            super.cancel();
            if (!fired) {
                loop.timerCancelled(); // still in the heap: counted for the clean-up
            }
        }
    }

    @Override
    public void run() {
        fired = true;
        super.run();
    }

    @Override
    public int compareTo(TimerHandle o) {
        int c = Long.compare(deadlineNanos, o.deadlineNanos);
        return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
}
