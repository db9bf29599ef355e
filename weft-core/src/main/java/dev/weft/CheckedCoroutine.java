package dev.weft;

/**
 * The body of {@link Weft#runChecked(CheckedCoroutine)}: a main task whose checked exception
 * comes out of the call as it is, with its own type. Java infers {@code X} from the lambda:
 * {@code Weft.runChecked(() -> session.get(url))} throws {@code IOException}, and a body that
 * throws no checked exception throws none.
 *
 * @param <T> the result type
 * @param <X> the checked exception the body may throw
 */
@FunctionalInterface
public interface CheckedCoroutine<T, X extends Exception> {

    /**
     * Runs the body.
     *
     * @return its result
     * @throws X what the body throws
     */
    T call() throws X;
}
