package dev.weft;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A value kept once per event loop, like a {@link ThreadLocal} whose thread is the loop: for
 * scratch buffers and caches that the tasks of one loop share without locking (they never run
 * at the same time). Read it only on the loop's thread or from one of its tasks.
 *
 * <pre>{@code
 * static final LoopLocal<ByteBuffer> SCRATCH = new LoopLocal<>(() -> ByteBuffer.allocateDirect(65536));
 * ByteBuffer buf = SCRATCH.get(loop);
 * }</pre>
 *
 * @param <T> the type of the value
 */
public final class LoopLocal<T> {

    private static final AtomicInteger NEXT_INDEX = new AtomicInteger();

    private final int index = NEXT_INDEX.getAndIncrement();
    private final Supplier<? extends T> initial;

    /**
     * A loop-local value created on first use in each loop by {@code initial}.
     *
     * @param initial the initial
     */
    public LoopLocal(Supplier<? extends T> initial) {
        this.initial = Objects.requireNonNull(initial, "initial");
    }

    /**
     * The value for {@code loop}, created on first use. Loop thread or one of its tasks only.
     *
     * @param loop the loop
     * @return the result
     */
    @SuppressWarnings("unchecked")
    public T get(EventLoop loop) {
        assert loop.holdsLoop() : "a LoopLocal is read on its loop's thread or by one of its tasks";
        Object[] values = loop.locals;
        if (index < values.length) {
            Object v = values[index];
            if (v != null) {
                return (T) v;
            }
        } else {
            values = java.util.Arrays.copyOf(values, Math.max(index + 1, values.length * 2));
            loop.locals = values;
        }
        T v = initial.get();
        values[index] = v;
        return v;
    }
}
