package dev.weft;

/**
 * Carries a checked exception out of a task, a future or a combinator, whose methods throw
 * unchecked exceptions only. Unchecked exceptions and errors are rethrown as they are; only a
 * checked one (an {@link java.io.IOException}, say) arrives wrapped in this, as its cause.
 */
public class TaskFailedException extends RuntimeException {

    /**
     * Wraps the checked {@code cause}.
     *
     * @param cause the cause
     */
    public TaskFailedException(Throwable cause) {
        super(cause.toString(), cause);
    }

    /**
     * Throws the cause if it is an {@link java.io.IOException}, the usual way back to a caller
     * that declares one; otherwise returns this exception:
     * {@code catch (TaskFailedException e) { throw e.rethrowIoCause(); }}.
     *
     * @return this exception, when its cause is not an {@code IOException}
     * @throws java.io.IOException the cause, when it is one
     */
    public TaskFailedException rethrowIoCause() throws java.io.IOException {
        if (getCause() instanceof java.io.IOException io) {
            throw io;
        }
        return this;
    }
}
