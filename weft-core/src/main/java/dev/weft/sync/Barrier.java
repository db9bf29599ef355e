package dev.weft.sync;

import dev.weft.CancelledException;
import dev.weft.Future;
import dev.weft.Task;
import java.util.List;

/**
 * A meeting point for a fixed number of tasks (asyncio's {@code asyncio.Barrier}): each of
 * {@link #parties()} tasks calls {@link #await()}, and all of them pass once the last one
 * arrives. The barrier then starts over for the next round.
 *
 * <pre>
 *                 await (not the last)         last await: everyone passes, a new round starts
 *   FILLING ------------------------> FILLING ---------------------------------------> FILLING
 *      |                                                                                ^
 *      | abort(), or a waiting party is cancelled: the waiters get BrokenBarrierException |
 *      v                                                                                |
 *   BROKEN (every await throws) ------------------- reset() ---------------------------+
 *
 *   reset() while FILLING: the waiters get BrokenBarrierException, the round starts empty.
 * </pre>
 *
 * <p>Rounds do not overlap: the moment the last party arrives, the passing parties belong to
 * a finished round and a task that calls {@code await()} again joins the next one (Java's
 * {@link java.util.concurrent.CyclicBarrier} works the same way; asyncio instead makes new
 * arrivals wait until the passing tasks have left, which looks the same from outside).
 *
 * <p><b>Cancellation.</b> {@link #await()} is always a cancellation point. Unlike asyncio —
 * which lets a cancelled waiter quietly leave, so the round then needs another party — a party
 * cancelled while waiting <em>breaks</em> the barrier, like a timeout breaks Java's
 * {@code CyclicBarrier}: the others are woken with {@link BrokenBarrierException} instead of
 * waiting for a party that will not come. A party cancelled after its round completed, but
 * before it resumed, gets {@link CancelledException}; the round has passed for the others and
 * is not broken.
 *
 * <p><b>Threads.</b> Every method is safe from any thread; parties may be tasks of different
 * loops or plain threads.
 */
public final class Barrier {

    private final int parties;
    private final Object guard = new Object();

    // Guarded by `guard`.
    // Invariants: 0 <= arrived < parties; arrived == round.waiters.size() except for tickets
    // withdrawn by cancelled parties, which break the round; broken implies arrived == 0.
    private int arrived;
    private Round round = new Round();
    private boolean broken;
    private String brokenReason;

    /** The parties waiting for one round; each ticket gets TRUE (passed) or FALSE (broken). */
    private final class Round {
        final WaitList<Boolean> waiters = new WaitList<>(guard);
        /** Why the round was broken; set under `guard` before its tickets get FALSE. */
        String brokenBy;
    }

    /**
     * Creates a barrier for {@code parties} tasks.
     *
     * @param parties how many tasks must call {@link #await()} to pass
     * @throws IllegalArgumentException if {@code parties} is less than 1
     */
    public Barrier(int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("parties must be at least 1, was " + parties);
        }
        this.parties = parties;
    }

    /**
     * Waits until {@link #parties()} tasks have called this, then returns (asyncio's
     * {@code await barrier.wait()}). Always a cancellation point.
     *
     * @return this party's arrival index in its round: 0 for the first, {@code parties() - 1}
     *         for the last (which does not wait)
     * @throws BrokenBarrierException if the barrier is broken, or breaks or is reset while waiting
     * @throws CancelledException     if the calling task is cancelled (which breaks the barrier
     *                                for the others)
     */
    public int await() {
        Task.checkpointCurrent();
        Round mine;
        Future<Boolean> ticket = null;
        List<Future<Boolean>> passing = null;
        int index;
        synchronized (guard) {
            if (broken) {
                throw new BrokenBarrierException("barrier is broken: " + brokenReason);
            }
            mine = round;
            index = arrived++;
            if (arrived == parties) {
                passing = mine.waiters.pollAll();
                round = new Round();
                arrived = 0;
            } else {
                ticket = mine.waiters.add();
            }
        }
        if (passing != null) {
            for (Future<Boolean> p : passing) {
                p.trySetResult(Boolean.TRUE); // false: that party was cancelled in this instant
            }
            return index;
        }
        boolean passed;
        try {
            passed = mine.waiters.await(ticket, null, outcome -> { });
        } catch (CancelledException e) {
            if (ticket.isCancelled()) {
                endRound(mine, false, "a waiting party was cancelled");
            }
            throw e;
        }
        if (!passed) {
            String why;
            synchronized (guard) {
                why = mine.brokenBy;
            }
            throw new BrokenBarrierException(why);
        }
        return index;
    }

    /**
     * Breaks the barrier (asyncio's {@code abort()}): current waiters and every later
     * {@link #await()} get {@link BrokenBarrierException} until {@link #reset()}.
     */
    public void abort() {
        endRound(null, false, "barrier was aborted");
    }

    /**
     * Returns the barrier to its empty, unbroken state (asyncio's {@code reset()}); tasks
     * waiting in the current round get {@link BrokenBarrierException}.
     */
    public void reset() {
        endRound(null, true, "barrier was reset");
    }

    /**
     * Ends the current round without passing: its waiters get FALSE. {@code expected}: only if
     * that round is still the current one (null: whichever is). Then the barrier is broken, or
     * with {@code reset} starts over unbroken.
     */
    private void endRound(Round expected, boolean reset, String why) {
        List<Future<Boolean>> woken;
        synchronized (guard) {
            Round r = round;
            if (expected != null && expected != r) {
                return; // that round already passed or ended
            }
            if (reset) {
                broken = false;
                brokenReason = null;
            } else if (broken) {
                return; // already broken: nobody waits
            } else {
                broken = true;
                brokenReason = why;
            }
            r.brokenBy = why;
            woken = r.waiters.pollAll();
            round = new Round();
            arrived = 0;
        }
        for (Future<Boolean> w : woken) {
            w.trySetResult(Boolean.FALSE);
        }
    }

    /** {@return how many tasks must call {@link #await()} to pass} */
    public int parties() {
        return parties;
    }

    /** {@return how many tasks wait in the current round} */
    public int waiting() {
        synchronized (guard) {
            return arrived;
        }
    }

    /** {@return true if the barrier is broken (see {@link #abort()})} */
    public boolean isBroken() {
        synchronized (guard) {
            return broken;
        }
    }

    @Override
    public String toString() {
        synchronized (guard) {
            return "<Barrier " + (broken ? "broken" : "filling") + ", waiting=" + arrived + "/" + parties + ">";
        }
    }
}
