package dev.weft;

import java.util.Set;

/**
 * What {@link Weft#wait} returns: the futures that are done and those still pending, each in
 * the order they were given.
 *
 * @param done the futures that are done
 * @param pending the futures that are not
 * @param <F> the type of the futures
 */
public record WaitResult<F extends Future<?>>(Set<F> done, Set<F> pending) {
}
