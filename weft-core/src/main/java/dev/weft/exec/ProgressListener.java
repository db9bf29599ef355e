package dev.weft.exec;

/**
 * Told how far a {@link Parallel} map has come (joblib's progress callback, tqdm's
 * {@code update}).
 *
 * <p>{@link Parallel} calls it on the thread that called {@code map} (a task or a plain
 * thread), never concurrently, once per finished item: {@code done} runs 1, 2, … up to
 * {@code total} when every item succeeds. If the listener throws, the map is aborted like
 * after a failing item.
 */
@FunctionalInterface
public interface ProgressListener {

    /**
     * One more item is finished.
     *
     * @param done how many items are finished so far (1 on the first call)
     * @param total how many items the map has
     */
    void progressed(long done, long total);
}
