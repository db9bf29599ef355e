package dev.weft;

/**
 * Thrown when an operation does not fit the state of the object it is called on: asking a
 * pending future for its result, completing a completed future, running a closed loop
 * (asyncio's {@code InvalidStateError}). The message names the state that was found.
 */
public class InvalidStateException extends IllegalStateException {

    /**
     * Creates the exception with a message naming the violation.
     *
     * @param message the detail message
     */
    public InvalidStateException(String message) {
        super(message);
    }
}
