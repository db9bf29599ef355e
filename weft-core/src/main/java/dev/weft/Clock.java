package dev.weft;

/**
 * A loop's monotonic clock in nanoseconds since the loop was made: the system's, or a virtual
 * one that only moves when the loop has nothing else to do (see
 * {@link EventLoop#createWithVirtualClock()}).
 *
 * <p>Thread-safety: {@link #nanoTime()} from any thread; {@link #advanceTo} on the loop
 * thread only.
 */
abstract class Clock {

    abstract long nanoTime();

    abstract boolean isVirtual();

    abstract void advanceTo(long nanos);

    static Clock system() {
        return new Clock() {
            private final long origin = System.nanoTime();

            @Override
            long nanoTime() {
                return System.nanoTime() - origin;
            }

            @Override
            boolean isVirtual() {
                return false;
            }

            @Override
            void advanceTo(long nanos) {
                throw new UnsupportedOperationException("the system clock cannot be moved");
            }
        };
    }

    static Clock virtual() {
        return new Clock() {
            private volatile long now;

            @Override
            long nanoTime() {
                return now;
            }

            @Override
            boolean isVirtual() {
                return true;
            }

            @Override
            void advanceTo(long nanos) {
                if (nanos > now) {
                    now = nanos;
                }
            }
        };
    }
}
