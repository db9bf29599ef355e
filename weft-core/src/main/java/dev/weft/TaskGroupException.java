package dev.weft;

import java.util.List;

/**
 * Every failure of a {@link TaskGroup}'s children, none lost (asyncio's
 * {@code ExceptionGroup}). The first is also the cause; all are in {@link #exceptions()} and
 * attached as suppressed exceptions so that a printed stack trace shows each.
 */
public class TaskGroupException extends RuntimeException {

    /** The failures of the group's tasks, in the order they happened. */
    private final List<Throwable> exceptions;

    /**
     * Creates the group exception for {@code exceptions} (at least one).
     *
     * @param message the detail message
     * @param exceptions the exceptions
     */
    public TaskGroupException(String message, List<Throwable> exceptions) {
        super(message + " (" + exceptions.size() + " sub-exception" + (exceptions.size() == 1 ? "" : "s") + ")",
                exceptions.getFirst());
        this.exceptions = List.copyOf(exceptions);
        for (Throwable t : this.exceptions.subList(1, this.exceptions.size())) {
            addSuppressed(t);
        }
    }

    /** {@return the failures, in the order they happened} */
    public List<Throwable> exceptions() {
        return exceptions;
    }
}
