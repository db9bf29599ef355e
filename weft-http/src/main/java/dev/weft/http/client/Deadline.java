package dev.weft.http.client;

import dev.weft.EventLoop;
import dev.weft.internal.Durations;
import java.time.Duration;

/**
 * The end of a request's total time on its loop's clock (so a virtual clock applies too).
 * Immutable.
 */
final class Deadline {

    private final EventLoop loop;
    private final long atNanos;

    private Deadline(EventLoop loop, long atNanos) {
        this.loop = loop;
        this.atNanos = atNanos;
    }

    /** {@code total} from now on the current loop; null: none. */
    static Deadline after(Duration total) {
        EventLoop loop = EventLoop.running();
        return new Deadline(loop, total == null ? Long.MAX_VALUE : loop.nanoTime() + total.toNanos());
    }

    /** True if there is a deadline. */
    boolean bounded() {
        return atNanos != Long.MAX_VALUE;
    }

    /** What is left (possibly zero), or null if unbounded. */
    Duration remaining() {
        if (!bounded()) {
            return null;
        }
        return Duration.ofNanos(Math.max(0, atNanos - loop.nanoTime()));
    }

    /** The smaller of {@code limit} and what is left; null if both are unbounded. */
    Duration cap(Duration limit) {
        Duration left = remaining();
        if (left == null) {
            return limit;
        }
        return limit == null || left.compareTo(limit) < 0 ? left : limit;
    }

    /** True if {@link #cap(Duration)} of {@code limit} is set by the deadline rather than by {@code limit}. */
    boolean binds(Duration limit) {
        Duration left = remaining();
        return left != null && (limit == null || left.compareTo(limit) < 0);
    }

    /** Throws if the deadline passed. */
    void check(Duration total) throws ClientTimeoutException {
        Duration left = remaining();
        if (left != null && left.isZero()) {
            throw new ClientTimeoutException(ClientTimeoutException.Kind.TOTAL, "the request took longer than " + Durations.format(total));
        }
    }
}
