package dev.weft;

/**
 * The body of {@link Weft#runChecked(CheckedVoidCoroutine)}: {@link CheckedCoroutine} for a
 * main task without a result.
 *
 * @param <X> the checked exception the body may throw
 */
@FunctionalInterface
public interface CheckedVoidCoroutine<X extends Exception> {

    /**
     * Runs the body.
     *
     * @throws X what the body throws
     */
    void run() throws X;
}
