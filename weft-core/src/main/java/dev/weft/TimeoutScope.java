package dev.weft;

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

    static <T> T run(Duration timeout, Coroutine<T> body) {
        Task<?> me = Task.current();
        if (me == null) {
            throw new InvalidStateException("withTimeout/waitFor(body) must be called from a task");
        }
        me.checkpoint();
        TimeoutScope scope = new TimeoutScope(me);
        int cancellingBefore = me.cancelling();
        TimerHandle timer = me.loop.callLater(timeout.toNanos(), scope::fire);
        try {
            return body.call();
        } catch (CancelledException | InterruptedException e) {
            if (scope.fired) {
                scope.fired = false;
                if (me.uncancel() <= cancellingBefore) {
                    throw new TimeoutException("timed out after " + timeout, e);
                }
            }
            throw Future.rethrowable(e);
        } catch (Exception e) {
            throw Future.rethrowable(e);
        } finally {
            scope.exited = true;
            timer.cancel();
            if (scope.fired) {
                // Fired, but the body finished before reaching a checkpoint: withdraw the request.
                me.uncancel();
            }
        }
    }

    private void fire() {
        if (!exited && !task.isDone()) {
            fired = true;
            task.cancel("deadline exceeded");
        }
    }
}
