package dev.weft.sync;

import dev.weft.InvalidStateException;

/**
 * A {@link Semaphore} that refuses to be released more often than it was acquired (asyncio's
 * {@code asyncio.BoundedSemaphore}): a {@link #release()} that would make more permits
 * available than it was created with throws {@link InvalidStateException}, which catches the
 * classic bug of releasing twice.
 *
 * <p>A permit being handed to a waiter counts as taken, so the bound holds at every instant.
 * Everything else — fairness, cancellation, threads — is as in {@link Semaphore}.
 */
public final class BoundedSemaphore extends Semaphore {

    /**
     * Creates a semaphore with {@code permits} permits available and at most that many ever.
     *
     * @param permits the permits available at the start, and the most there may ever be
     * @throws IllegalArgumentException if {@code permits} is negative
     */
    public BoundedSemaphore(int permits) {
        super(permits, permits);
    }
}
