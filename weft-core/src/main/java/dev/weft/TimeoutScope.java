package dev.weft;

import dev.weft.internal.Durations;
import java.time.Duration;

/**
 * A deadline for a block of code in the calling task (asyncio's {@code asyncio.timeout()}).
 *
 * <pre>
 *   enter           deadline passes: cancel the task            body ends
 *  -------> ARMED ------------------------------------> FIRED ----------> EXITED
 *             |                                                  (CancelledException from the
 *             +----------- body ends first ----------> EXITED     body becomes TimeoutException)
 * </pre>
 *
 * <p>Only the cancellation this scope caused is converted: if, after withdrawing its own
 * request, the task still has cancellation requests from elsewhere, the
 * {@link CancelledException} passes through untouched. Scopes nest; each converts only its own.
 *
 * <p>Thread ownership: {@code fired} is written by the loop thread (the timer) and read by the
 * task, which runs on the same loop, so the two never run at once.
 */
final class TimeoutScope {

    private final Task<?> task;
    private boolean fired;
    private boolean exited;

    private TimeoutScope(Task<?> task) {
        this.task = task;
    }

    /**
     * {@link Weft#withTimeout}: runs {@code body} in the calling task with a deadline
     * {@code timeout} from now. A deadline already passed ({@code timeout <= 0}) is requested at
     * once, as {@code asyncio.timeout(0)} does: the body runs until its first suspension, where
     * it times out; a body that never suspends finishes with its value.
     */
    static <T> T run(Duration timeout, Coroutine<T> body) {
        Task<?> me = callingTask();
        me.checkpoint();
        TimeoutScope scope = new TimeoutScope(me);
        int cancellingBefore = me.cancelling();
        long nanos = timeout.toNanos();
        TimerHandle timer = null;
        if (nanos <= 0) {
            scope.fire();
        } else {
            timer = me.loop.callLater(nanos, scope::fire);
        }
        try {
            return body.call();
        } catch (Exception e) {
            // The scope's own cancellation comes out as CancelledException at a Weft wait, or,
            // from a blocking JDK call it interrupted, as whatever that call throws for an
            // interrupt (InterruptedException, ClosedByInterruptException, a socket "Closed by
            // interrupt", possibly wrapped by a driver): all of them are this timeout.
            if (scope.fired && (e instanceof CancelledException || Task.causedByInterrupt(e))) {
                scope.fired = false;
                if (me.uncancel() <= cancellingBefore) {
                    throw new TimeoutException("timed out after " + Durations.format(timeout), e);
                }
            }
            throw Future.rethrowable(e);
        } finally {
            scope.exited = true;
            if (timer != null) {
                timer.cancel();
            }
            if (scope.fired) {
                // Fired, but the body finished before reaching a checkpoint: withdraw the request.
                me.uncancel();
            }
        }
    }

    /**
     * {@link Weft#waitFor(Duration, Coroutine)}: like {@link #run}, except that a timeout of
     * zero or less times out at once without starting the body ({@code asyncio.wait_for} with
     * {@code timeout <= 0} cancels the coroutine's task before it ran).
     */
    static <T> T waitFor(Duration timeout, Coroutine<T> body) {
        if (timeout.isNegative() || timeout.isZero()) {
            callingTask().checkpoint();
            throw new TimeoutException("timed out after " + Durations.format(timeout) + " (the body was not started)");
        }
        return run(timeout, body);
    }

    private static Task<?> callingTask() {
        Task<?> me = Task.current();
        if (me == null) {
            throw new InvalidStateException("withTimeout/waitFor(body) must be called from a task");
        }
        return me;
    }

    private void fire() {
        if (!exited && !task.isDone()) {
            fired = true;
            task.cancel("deadline exceeded");
        }
    }
}
