package dev.weft;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A scope whose child tasks cannot outlive it (asyncio's {@code TaskGroup}, Trio's nursery).
 *
 * <pre>{@code
 * try (var group = TaskGroup.open()) {
 *     for (String url : urls) group.spawn(() -> fetch(url));
 * }   // waits for every child; throws TaskGroupException if any failed
 * }</pre>
 *
 * <pre>
 *   open         a child fails: cancel the others      close(): all children done
 *  ------> OPEN ----------------------------------> ABORTING ------------------> CLOSED
 *            |                                                                    ^
 *            +------------------------- close(): all children done ---------------+
 * </pre>
 *
 * <ul>
 *   <li>{@link #close()} waits for every child. If the owner is cancelled while waiting, the
 *       children are cancelled, awaited, and the cancellation is rethrown. If the owner was
 *       cancelled inside the block (by {@link Task#cancel}, or by a {@link Weft#withTimeout}
 *       around the block) and has not withdrawn it with {@link Task#uncancel()}, the children
 *       are cancelled before they are awaited, and the body's {@link CancelledException}
 *       goes on (asyncio's {@code TaskGroup} when its body raises {@code CancelledError}).</li>
 *   <li>The first failure of a child cancels all the others; {@code close()} then throws a
 *       {@link TaskGroupException} holding every failure (cancellations are not failures).
 *       As in asyncio, the others are cancelled from the loop's queue just after the failure:
 *       children failing in the same pass of the loop (ready at the same time) are all
 *       reported.</li>
 *   <li>The body of a try-with-resources block is not cancelled by a failing child (Java would
 *       hide the group's exception behind the body's); use {@link #run(GroupBody)} for a body
 *       that must stop too, or for a body whose own exception must cancel the children.</li>
 * </ul>
 *
 * <p>Thread-safety: {@code spawn} and {@code cancel} are safe from any thread; {@code close}
 * is called by the owner.
 */
public final class TaskGroup implements AutoCloseable {

    /**
     * The body of {@link #run(GroupBody)}.
     *
     * @param <T> the body's result type
     */
    @FunctionalInterface
    public interface GroupBody<T> {
        /**
         * Runs with the open group.
         *
         * @param group the group
         * @return the result
         * @throws Exception what the code throws
         */
        T run(TaskGroup group) throws Exception;
    }

    private enum State { OPEN, ABORTING, CLOSED }

    private final EventLoop loop;
    private final Task<?> owner;
    /** The owner's {@link Task#cancelling()} when the group was opened. */
    private final int ownerCancellingAtOpen;

    // Guarded by `this`.
    private final List<Task<?>> children = new ArrayList<>();
    private final List<Throwable> failures = new ArrayList<>();
    private State state = State.OPEN;

    private TaskGroup(EventLoop loop, Task<?> owner) {
        this.loop = loop;
        this.owner = owner;
        this.ownerCancellingAtOpen = owner != null ? owner.cancelling() : 0;
    }

    /** {@return opens a group whose children run on the current loop} */
    public static TaskGroup open() {
        return new TaskGroup(EventLoop.running(), Task.current());
    }

    /**
     * Runs {@code body} with a new group: if the body throws, the children are cancelled; if a
     * child fails, the body (when it is waiting) is cancelled too. Returns the body's result
     * once every child is done.
     *
     * @param <T> the result type
     * @param body the task's body
     * @return the result
     * @throws TaskGroupException with every child failure (and the body's, if it failed)
     */
    public static <T> T run(GroupBody<T> body) {
        TaskGroup group = open();
        group.cancelOwnerOnFailure = true;
        Task<?> me = Task.current();
        T result = null;
        Throwable bodyError = null;
        try {
            result = body.run(group);
        } catch (Throwable t) {
            bodyError = t;
        }
        boolean bodyCancelledByGroup = bodyError instanceof CancelledException && group.ownerCancelledByGroup;
        if (bodyError != null && !bodyCancelledByGroup) {
            group.cancel();
        }
        TaskGroupException groupError = null;
        CancelledException cancelled = null;
        try {
            group.close();
        } catch (TaskGroupException e) {
            groupError = e;
        } catch (CancelledException e) {
            cancelled = e;
        }
        if (group.ownerCancelledByGroup && me != null) {
            me.uncancel(); // the group's own request, turned into the TaskGroupException below
            if (cancelled != null && me.cancelling() == 0) {
                cancelled = null;
            }
        }
        List<Throwable> all = new ArrayList<>();
        if (bodyError != null && !bodyCancelledByGroup) {
            all.add(bodyError);
        }
        if (groupError != null) {
            all.addAll(groupError.exceptions());
        }
        if (groupError != null || (!all.isEmpty() && bodyError != null && !(bodyError instanceof CancelledException))) {
            if (all.size() == 1 && groupError == null) {
                throw Future.rethrowable(all.getFirst());
            }
            throw new TaskGroupException("unhandled errors in a task group", all);
        }
        if (bodyError != null) {
            throw Future.rethrowable(bodyError);
        }
        if (cancelled != null) {
            throw cancelled;
        }
        return result;
    }

    private volatile boolean cancelOwnerOnFailure;
    private volatile boolean ownerCancelledByGroup;

    /**
     * Spawns a child task in this group.
     *
     * @param <T> the result type
     * @param body the task's body
     * @return the task
     */
    public <T> Task<T> spawn(Coroutine<T> body) {
        return spawn(null, body);
    }

    /**
     * Spawns a named child task in this group.
     *
     * @param <T> the result type
     * @param name the name
     * @param body the task's body
     * @return the task
     */
    public <T> Task<T> spawn(String name, Coroutine<T> body) {
        Objects.requireNonNull(body, "body");
        Task<T> child;
        synchronized (this) {
            if (state == State.CLOSED) {
                throw new InvalidStateException("task group is closed; spawn children inside its block");
            }
            child = loop.spawn(name, body);
            children.add(child);
            if (state == State.ABORTING) {
                child.cancel("task group is aborting");
            }
        }
        child.addDirectCallback(this::childDone);
        return child;
    }

    /**
     * Spawns a child without result.
     *
     * @param body the task's body
     * @return the task
     */
    public Task<Void> spawn(VoidCoroutine body) {
        return spawn(null, body.asCoroutine());
    }

    /**
     * Spawns a named child without result.
     *
     * @param name the name
     * @param body the task's body
     * @return the task
     */
    public Task<Void> spawn(String name, VoidCoroutine body) {
        return spawn(name, body.asCoroutine());
    }

    /** Cancels every child (and keeps cancelling children spawned later). */
    public void cancel() {
        List<Task<?>> toCancel;
        synchronized (this) {
            if (state == State.OPEN) {
                state = State.ABORTING;
            }
            toCancel = new ArrayList<>(children);
        }
        for (Task<?> t : toCancel) {
            t.cancel("task group cancelled");
        }
    }

    private void childDone(Future<?> child) {
        if (child.state() != Future.State.FAILED) {
            return;
        }
        synchronized (this) {
            failures.add((Throwable) child.outcome());
            if (state != State.OPEN) {
                return;
            }
            state = State.ABORTING;
        }
        // The siblings are cancelled from the loop's queue, after what is already there, as
        // asyncio's TaskGroup does from its done callback: a sibling whose step was queued
        // before this failure (it was ready at the same time, or had not started) runs that
        // step first, so that two children failing at once are both reported, not one failure
        // and one cancellation.
        try {
            loop.callSoon(this::abortAfterFailure);
        } catch (RuntimeException closed) {
            abortAfterFailure(); // the loop is closed: no sibling can run a step anyway
        }
    }

    /** The loop, soon after the first failure of a child: cancels the others (and the body of {@link #run}). */
    private void abortAfterFailure() {
        List<Task<?>> toCancel;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            toCancel = new ArrayList<>(children);
            if (cancelOwnerOnFailure && owner != null && !owner.isDone()) {
                ownerCancelledByGroup = true;
                owner.cancel("a child task failed");
            }
        }
        for (Task<?> t : toCancel) {
            t.cancel("a sibling task failed");
        }
    }

    /** {@return the children spawned so far} */
    public synchronized List<Task<?>> children() {
        return List.copyOf(children);
    }

    /**
     * Waits for every child; throws {@link TaskGroupException} if any failed.
     *
     * @throws CancelledException if the owner was cancelled while waiting (after the children
     *         were cancelled and finished)
     */
    @Override
    public void close() {
        Task<?> me = Task.current();
        CancelledException cancelled = null;
        if (me != null && me == owner && me.cancelling() > ownerCancellingAtOpen) {
            // The owner was cancelled inside the block (a cancel, a timeout around the block)
            // and has not withdrawn it: the body is on its way out with CancelledException,
            // which close() cannot see. As asyncio's TaskGroup does when its body raises, the
            // children are cancelled, not waited for as if nothing had happened.
            cancel();
        }
        while (true) {
            List<Task<?>> snapshot;
            synchronized (this) {
                snapshot = new ArrayList<>(children);
            }
            try {
                Weft.awaitAll(me, snapshot);
            } catch (CancelledException e) {
                cancelled = e;
                cancel();
                continue;
            }
            synchronized (this) {
                if (snapshot.size() == children.size()) {
                    state = State.CLOSED;
                    break;
                }
            }
        }
        List<Throwable> errs;
        synchronized (this) {
            errs = new ArrayList<>(failures);
        }
        if (!errs.isEmpty()) {
            throw new TaskGroupException("unhandled errors in a task group", errs);
        }
        if (cancelled != null) {
            throw cancelled;
        }
    }
}
