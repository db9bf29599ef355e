package dev.weft.exec;

/**
 * Thrown by {@link Parallel#map} when an item failed: names the item's position in the input
 * and carries the item's exception as its cause. Failures of other items after the first
 * (apart from interruptions caused by the abort) are attached as suppressed exceptions.
 */
public final class ParallelException extends RuntimeException {

    /** The position of the input whose call failed. */
    private final int index;
    /** How many inputs there were. */
    private final int total;

    ParallelException(int index, int total, Throwable cause) {
        super("input " + index + " (of " + total + ") failed: " + cause, cause);
        this.index = index;
        this.total = total;
    }

    /** {@return the position of the failing item in the input, from 0} */
    public int index() {
        return index;
    }

    /** {@return how many items the map had} */
    public int total() {
        return total;
    }
}
