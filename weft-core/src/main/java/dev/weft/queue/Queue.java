package dev.weft.queue;

import dev.weft.CancelledException;
import dev.weft.Future;
import dev.weft.InvalidStateException;
import dev.weft.Task;
import dev.weft.TimeoutException;
import dev.weft.internal.Durations;
import dev.weft.sync.WaitList;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A first-in-first-out queue for tasks (asyncio's {@code asyncio.Queue}), optionally bounded:
 * {@link #put} waits while it is full, {@link #get} waits while it is empty. {@link LifoQueue}
 * and {@link PriorityQueue} are the same queue with another order of items; only their
 * {@link Storage} differs.
 *
 * <pre>{@code
 * Queue<Job> jobs = new Queue<>(100);
 * // producer                          // consumer
 * jobs.put(job);                       while (true) {
 *                                          Job j = jobs.get();
 *                                          try { run(j); } finally { jobs.taskDone(); }
 *                                      }
 * jobs.join();                         // waits until every job put was taskDone'd
 * }</pre>
 *
 * <pre>
 *          shutdown()                  shutdown(true)
 *   OPEN -------------> SHUT_DOWN ---------------------> SHUT_DOWN_IMMEDIATELY
 *    |                                                          ^
 *    +-------------------- shutdown(true) ---------------------+
 *
 *   SHUT_DOWN:             puts throw QueueShutDownException; gets take the items left, then throw it
 *   SHUT_DOWN_IMMEDIATELY: the items left are dropped; puts and gets throw at once
 * </pre>
 * Waiting producers are woken with {@link QueueShutDownException} by any shutdown, waiting
 * consumers too (a consumer only waits on an empty queue), and {@link #join()} is released by
 * an immediate shutdown that drops the last unfinished items.
 *
 * <p><b>Fairness and hand-off.</b> Producers and consumers that wait are served in arrival
 * order. When an item arrives and consumers wait, it is <em>claimed</em> for the first of them
 * on the spot: until that consumer runs and takes it, the item does not count in
 * {@link #size()} and no other {@code get}/{@code getNowait} can take it. Likewise a slot freed
 * while producers wait is claimed for the first of them. So a woken waiter is never overtaken.
 *
 * <p><b>Cancellation and timeouts.</b> {@link #put}, {@link #get} and {@link #join()} are
 * always cancellation points, also when they need not wait. Nothing is lost or duplicated: a
 * task cancelled (or timed out) while waiting leaves the line and its item is not put / it
 * gets no item; if a claim was made for it before it resumed, the claim passes to the next
 * waiter (the item stays in the queue, the free slot stays free), and the cancelled task gets
 * {@link CancelledException} (see {@link WaitList}). A timeout that loses the race against a
 * claim is ignored: the operation succeeded.
 *
 * <p><b>Threads.</b> Every method is safe from any thread: producers and consumers may be tasks
 * of different loops ({@link dev.weft.LoopGroup}) or plain threads (which block). Items must
 * not be null.
 *
 * @param <T> the type of the items
 */
public sealed class Queue<T> permits LifoQueue, PriorityQueue {

    private enum State { OPEN, SHUT_DOWN, SHUT_DOWN_IMMEDIATELY }

    private final int maxSize;
    private final Object guard = new Object();

    // ---- Guarded by `guard`. ----
    private final Storage<T> storage;
    /** Waiting consumers; a ticket gets TRUE when an item is claimed for it, FALSE on shutdown. */
    private final WaitList<Boolean> getters = new WaitList<>(guard);
    /** Waiting producers; a ticket gets TRUE when a slot is claimed for it, FALSE on shutdown. */
    private final WaitList<Boolean> putters = new WaitList<>(guard);
    /** Waiting {@link #join()} callers; woken when {@code unfinished} drops to 0. */
    private final WaitList<Void> joiners = new WaitList<>(guard);
    /** Stored items claimed for woken consumers that have not taken them yet. */
    private int claimedItems;
    /** Free slots claimed for woken producers that have not stored their item yet. */
    private int claimedSlots;
    /** Items put and not yet {@link #taskDone()}'d. */
    private int unfinished;
    private State state = State.OPEN;
    // Invariants (checked by assertions):
    //   0 <= claimedItems <= storage.size();  0 <= claimedSlots
    //   !getters.isEmpty() implies available() == 0   (no item is free while a consumer waits)
    //   !putters.isEmpty() implies isFullLocked()     (no slot is free while a producer waits)
    //   unfinished == 0 implies joiners.isEmpty()
    //   state == SHUT_DOWN_IMMEDIATELY implies storage empty, claimedItems == 0, nobody waits
    //   (an immediate shutdown voids every outstanding item claim: releasing one is then a no-op)

    /** Creates an unbounded queue. */
    public Queue() {
        this(0);
    }

    /**
     * Creates a queue holding at most {@code maxSize} items; 0 means unbounded.
     *
     * @param maxSize the most items the queue holds; 0 or less: no limit
     * @throws IllegalArgumentException if {@code maxSize} is negative
     */
    public Queue(int maxSize) {
        this(maxSize, new Storage.Deque<>(false));
    }

    Queue(int maxSize, Storage<T> storage) {
        if (maxSize < 0) {
            throw new IllegalArgumentException("maxSize must be 0 (unbounded) or positive, was " + maxSize);
        }
        this.maxSize = maxSize;
        this.storage = storage;
    }

    // ------------------------------------------------------------------ put

    /**
     * Puts {@code item}, waiting while the queue is full (asyncio's {@code await queue.put()}).
     * Always a cancellation point.
     *
     * @param item the item
     * @throws QueueShutDownException if the queue is or gets shut down before the item is in
     * @throws CancelledException     if the calling task is cancelled (the item is then not put)
     */
    public void put(T item) {
        put(item, null);
    }

    /**
     * Puts {@code item}, waiting at most {@code timeout} while the queue is full. Always a
     * cancellation point.
     *
     * @param item the item
     * @param timeout the time limit
     * @throws TimeoutException       if the queue stayed full for {@code timeout} (the item is not put)
     * @throws QueueShutDownException if the queue is or gets shut down before the item is in
     * @throws CancelledException     if the calling task is cancelled (the item is then not put)
     */
    public void put(T item, Duration timeout) {
        Objects.requireNonNull(item, "item");
        storage.check(item);
        Task.checkpointCurrent();
        Future<Boolean> ticket;
        Future<Boolean> getter = null;
        synchronized (guard) {
            if (state != State.OPEN) {
                throw new QueueShutDownException("put() on a queue that is shut down");
            }
            if (putters.isEmpty() && !isFullLocked()) {
                getter = storeLocked(item);
                ticket = null;
            } else {
                ticket = putters.add();
            }
        }
        if (ticket == null) {
            wakeGetter(getter);
            return;
        }
        boolean granted;
        try {
            granted = putters.await(ticket, timeout, slot -> {
                if (slot) {
                    releaseSlotClaim();
                }
            });
        } catch (TimeoutException e) {
            throw new TimeoutException("put() timed out after " + Durations.format(timeout) + ": the queue stayed full", e);
        }
        if (!granted) {
            throw new QueueShutDownException("put() on a queue that was shut down while waiting for room");
        }
        synchronized (guard) {
            claimedSlots--;
            if (state != State.OPEN) {
                // Every other producer was woken by the shutdown: nobody to pass the slot to.
                throw new QueueShutDownException("put() on a queue that was shut down while waiting for room");
            }
            getter = storeLocked(item);
        }
        wakeGetter(getter);
    }

    /**
     * Puts {@code item} if there is room, without waiting (not a cancellation point).
     *
     * @param item the item
     * @throws QueueFullException     if the queue is full (or producers are waiting for room)
     * @throws QueueShutDownException if the queue is shut down
     */
    public void putNowait(T item) {
        Objects.requireNonNull(item, "item");
        storage.check(item);
        Future<Boolean> getter;
        synchronized (guard) {
            if (state != State.OPEN) {
                throw new QueueShutDownException("putNowait() on a queue that is shut down");
            }
            if (!putters.isEmpty() || isFullLocked()) {
                throw new QueueFullException("putNowait() on a full queue (maxSize " + maxSize + ")");
            }
            getter = storeLocked(item);
        }
        wakeGetter(getter);
    }

    /** Stores an item and claims it for the first waiting consumer, if any; returns that consumer. */
    private Future<Boolean> storeLocked(T item) {
        storage.add(item);
        unfinished++;
        return claimItemLocked();
    }

    // ------------------------------------------------------------------ get

    /**
     * Removes and returns the next item, waiting while the queue is empty (asyncio's
     * {@code await queue.get()}). Always a cancellation point.
     *
     * @return the next item, waiting while the queue is empty (asyncio's {@code await queue.get()})
     * @throws QueueShutDownException if the queue is shut down and empty (or immediately shut down)
     * @throws CancelledException     if the calling task is cancelled (it then got no item)
     */
    public T get() {
        return get(null);
    }

    /**
     * Removes and returns the next item, waiting at most {@code timeout} while the queue is
     * empty. Always a cancellation point.
     *
     * @param timeout the time limit
     * @return the next item, waiting at most {@code timeout} while the queue is empty
     * @throws TimeoutException       if the queue stayed empty for {@code timeout}
     * @throws QueueShutDownException if the queue is shut down and empty (or immediately shut down)
     * @throws CancelledException     if the calling task is cancelled (it then got no item)
     */
    public T get(Duration timeout) {
        Task.checkpointCurrent();
        Future<Boolean> ticket;
        T item;
        Future<Boolean> putter;
        synchronized (guard) {
            if (availableLocked() > 0) {
                assert getters.isEmpty() : "an item is free while consumers wait";
                item = storage.remove();
                putter = claimSlotLocked();
                ticket = null;
            } else if (state != State.OPEN) {
                throw new QueueShutDownException("get() on an empty queue that is shut down");
            } else {
                ticket = getters.add();
                item = null;
                putter = null;
            }
        }
        if (ticket == null) {
            wakePutter(putter);
            return item;
        }
        boolean granted;
        try {
            granted = getters.await(ticket, timeout, claim -> {
                if (claim) {
                    releaseItemClaim();
                }
            });
        } catch (TimeoutException e) {
            throw new TimeoutException("get() timed out after " + Durations.format(timeout) + ": the queue stayed empty", e);
        }
        if (!granted) {
            throw new QueueShutDownException("get() on a queue that was shut down while waiting for an item");
        }
        synchronized (guard) {
            if (state == State.SHUT_DOWN_IMMEDIATELY) {
                // The claimed item was dropped with the others.
                throw new QueueShutDownException("get() on a queue that was shut down immediately");
            }
            claimedItems--;
            item = storage.remove();
            putter = claimSlotLocked();
        }
        wakePutter(putter);
        return item;
    }

    /**
     * Removes and returns the next item if there is one, without waiting (not a cancellation
     * point).
     *
     * @return the next item if there is one, without waiting (not a cancellation point)
     * @throws QueueEmptyException    if no item is available
     * @throws QueueShutDownException if the queue is shut down and empty
     */
    public T getNowait() {
        T item;
        Future<Boolean> putter;
        synchronized (guard) {
            if (availableLocked() == 0) {
                if (state != State.OPEN) {
                    throw new QueueShutDownException("getNowait() on an empty queue that is shut down");
                }
                throw new QueueEmptyException("getNowait() on an empty queue");
            }
            item = storage.remove();
            putter = claimSlotLocked();
        }
        wakePutter(putter);
        return item;
    }

    // ------------------------------------------------------------------ claims and hand-off

    /** Items stored and not claimed by a woken consumer. */
    private int availableLocked() {
        return storage.size() - claimedItems;
    }

    /** True if no slot is free: stored items and slots claimed by woken producers fill it. */
    private boolean isFullLocked() {
        return maxSize > 0 && storage.size() + claimedSlots >= maxSize;
    }

    /** Claims a free item for the first waiting consumer; returns its ticket, or null. */
    private Future<Boolean> claimItemLocked() {
        if (getters.isEmpty() || availableLocked() == 0) {
            return null;
        }
        claimedItems++;
        return getters.pollFirst();
    }

    /** Claims a free slot for the first waiting producer; returns its ticket, or null. */
    private Future<Boolean> claimSlotLocked() {
        if (putters.isEmpty() || isFullLocked()) {
            return null;
        }
        claimedSlots++;
        return putters.pollFirst();
    }

    /** Tells a consumer its item is claimed (outside the guard); if it withdrew, the next one. */
    private void wakeGetter(Future<Boolean> getter) {
        while (getter != null && !getter.trySetResult(Boolean.TRUE)) {
            synchronized (guard) {
                getter = releaseItemClaimLocked();
            }
        }
    }

    /** Tells a producer its slot is claimed (outside the guard); if it withdrew, the next one. */
    private void wakePutter(Future<Boolean> putter) {
        while (putter != null && !putter.trySetResult(Boolean.TRUE)) {
            synchronized (guard) {
                putter = releaseSlotClaimLocked();
            }
        }
    }

    /** A consumer gives its item claim back: it goes to the next consumer, if any. */
    private void releaseItemClaim() {
        Future<Boolean> next;
        synchronized (guard) {
            next = releaseItemClaimLocked();
        }
        wakeGetter(next);
    }

    private Future<Boolean> releaseItemClaimLocked() {
        if (state == State.SHUT_DOWN_IMMEDIATELY) {
            return null; // the immediate shutdown voided every claim
        }
        claimedItems--;
        return claimItemLocked();
    }

    /** A producer gives its slot claim back: it goes to the next producer, if any. */
    private void releaseSlotClaim() {
        Future<Boolean> next;
        synchronized (guard) {
            next = releaseSlotClaimLocked();
        }
        wakePutter(next);
    }

    private Future<Boolean> releaseSlotClaimLocked() {
        claimedSlots--;
        return claimSlotLocked();
    }

    // ------------------------------------------------------------------ join / taskDone

    /**
     * Says that an item taken from the queue has been processed (asyncio's {@code task_done()}):
     * each {@link #get} should be followed by one call. When every item put has been marked
     * done, {@link #join()} returns. Never waits.
     *
     * @throws InvalidStateException if called more times than items were put
     */
    public void taskDone() {
        List<Future<Void>> released;
        synchronized (guard) {
            if (unfinished <= 0) {
                throw new InvalidStateException("taskDone() called more times than items were put");
            }
            unfinished--;
            if (unfinished > 0) {
                return;
            }
            released = joiners.pollAll();
        }
        for (Future<Void> j : released) {
            j.trySetResult(null);
        }
    }

    /**
     * Waits until every item that was put has been {@link #taskDone() marked done} (asyncio's
     * {@code await queue.join()}); returns at once if none is unfinished. Always a
     * cancellation point.
     *
     * @throws CancelledException if the calling task is cancelled
     */
    public void join() {
        Task.checkpointCurrent();
        Future<Void> ticket;
        synchronized (guard) {
            if (unfinished == 0) {
                return;
            }
            ticket = joiners.add();
        }
        joiners.await(ticket, null, nothing -> { });
    }

    // ------------------------------------------------------------------ shutdown

    /** {@link #shutdown(boolean) shutdown(false)}: puts stop, the items left can still be got. */
    public void shutdown() {
        shutdown(false);
    }

    /**
     * Shuts the queue down (Python 3.13's {@code Queue.shutdown}). From now on every put throws
     * {@link QueueShutDownException}, and so does every get once the queue is empty. Waiting
     * producers and consumers are woken with it. With {@code immediate}, the items still in
     * the queue are dropped (each counts as done for {@link #join()}), and gets throw at once.
     * Idempotent; never waits; safe from any thread.
     *
     * @param immediate true to immediate
     */
    public void shutdown(boolean immediate) {
        List<Future<Boolean>> wokenGetters;
        List<Future<Boolean>> wokenPutters;
        List<Future<Void>> released = List.of();
        synchronized (guard) {
            if (state == State.SHUT_DOWN_IMMEDIATELY || (state == State.SHUT_DOWN && !immediate)) {
                return;
            }
            if (immediate) {
                int dropped = storage.size();
                storage.clear();
                claimedItems = 0;
                unfinished = Math.max(0, unfinished - dropped);
                if (unfinished == 0) {
                    released = joiners.pollAll();
                }
                state = State.SHUT_DOWN_IMMEDIATELY;
            } else {
                state = State.SHUT_DOWN;
            }
            wokenGetters = getters.pollAll();
            wokenPutters = putters.pollAll();
        }
        for (Future<Boolean> g : wokenGetters) {
            g.trySetResult(Boolean.FALSE);
        }
        for (Future<Boolean> p : wokenPutters) {
            p.trySetResult(Boolean.FALSE);
        }
        for (Future<Void> j : released) {
            j.trySetResult(null);
        }
    }

    /** {@return true once {@link #shutdown(boolean)} was called} */
    public boolean isShutDown() {
        synchronized (guard) {
            return state != State.OPEN;
        }
    }

    // ------------------------------------------------------------------ size

    /**
     * How many items can be taken now (asyncio's {@code qsize()}): the stored items minus those
     * already claimed for woken consumers.
     *
     * @return how many items can be taken now (asyncio's {@code qsize()}): the stored items minus those already claimed for woken consumers
     */
    public int size() {
        synchronized (guard) {
            return availableLocked();
        }
    }

    /** {@return true if no item can be taken now ({@link #size()} is 0)} */
    public boolean isEmpty() {
        return size() == 0;
    }

    /** {@return true if a {@link #put} would wait now: the queue is bounded and has no free slot} */
    public boolean isFull() {
        synchronized (guard) {
            return isFullLocked();
        }
    }

    /** {@return the bound given at construction; 0 for an unbounded queue} */
    public int maxSize() {
        return maxSize;
    }

    @Override
    public String toString() {
        synchronized (guard) {
            return "<" + getClass().getSimpleName() + " size=" + availableLocked()
                    + (maxSize > 0 ? "/" + maxSize : "") + ", unfinished=" + unfinished
                    + ", getters=" + getters.size() + ", putters=" + putters.size()
                    + (state == State.OPEN ? "" : ", " + state.name().toLowerCase()) + ">";
        }
    }
}
