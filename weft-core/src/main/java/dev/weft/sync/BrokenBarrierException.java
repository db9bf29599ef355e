package dev.weft.sync;

/**
 * Thrown by {@link Barrier#await()} when the barrier is broken: it was {@link Barrier#abort()
 * aborted}, {@link Barrier#reset() reset} while the caller waited, or a waiting party was
 * cancelled (asyncio's {@code BrokenBarrierError}). Unchecked, unlike
 * {@link java.util.concurrent.BrokenBarrierException}.
 */
public class BrokenBarrierException extends IllegalStateException {

    /**
     * Creates the exception with a message saying why the barrier broke.
     *
     * @param message why the barrier broke
     */
    public BrokenBarrierException(String message) {
        super(message);
    }
}
