package dev.weft;

import dev.weft.internal.Loggers;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;

/**
 * What {@link Weft#run} does (asyncio's {@code asyncio.run}/{@code Runner}):
 * <ol>
 *   <li>spawn the main task on a fresh loop and listen, through {@link Signals}, for SIGINT and
 *       SIGTERM, which cancel it, and SIGUSR1, which prints a {@link TaskDump} to standard error
 *       ({@code kill -USR1 <pid>}; SIGQUIT belongs to the JVM's own thread dump, and SIGUSR2 to
 *       its thread suspension, which JFR's sampler uses);</li>
 *   <li>run the loop until the main task is done;</li>
 *   <li>cancel every task still alive and run the loop until they have finished, so their
 *       {@code finally} blocks run;</li>
 *   <li>close the loop, give the signals back, and — if a signal ended the run — re-raise it,
 *       so the JVM exits the way a Java user expects (130, 143).</li>
 * </ol>
 *
 * <p><b>Signals reach the program whatever holds the loop.</b> The cancellation is requested
 * from the JVM's signal thread directly (not queued on the loop, which a task may be holding):
 * it interrupts the main task, and also the task that holds the loop if that one is blocked in
 * a JDK call (pinned on the fast path; holding the loop in compatibility mode). A second
 * SIGINT or SIGTERM while the first one's clean-up still runs goes to the handler Weft replaced:
 * the JVM exits at once with 128 + n, as Python's second Ctrl-C raises {@code KeyboardInterrupt}.
 */
final class Runner {

    private static final Logger LOG = Loggers.get(Runner.class);

    private final EventLoop loop;
    private volatile Task<?> main;
    /** The first SIGINT or SIGTERM, once one arrived. Guarded by {@code this}. */
    private Signal signalled;

    private Runner(EventLoop loop) {
        this.loop = loop;
    }

    static <T> T run(Coroutine<T> body, EventLoop loop) {
        if (Task.current() != null) {
            throw new InvalidStateException("Weft.run() cannot be called from a running task: it would block"
                    + " the task's loop. Spawn a task (Weft.spawn) and await it instead.");
        }
        if (EventLoop.current() != null) {
            throw new InvalidStateException("Weft.run() cannot be called from a running event loop");
        }
        Runner runner = new Runner(loop);
        Signal signal;
        try {
            Task<T> main = loop.spawn("main", body);
            runner.main = main;
            Signals.runStarted(runner);
            RuntimeException loopFailure = null;
            try {
                loop.runUntilComplete(main);
            } catch (RuntimeException e) {
                // The main task's own failure is reported after clean-up below; anything else
                // (the loop stopped early, the selector failed) is the outcome of the run.
                if (!main.isDone()) {
                    loopFailure = e;
                }
            } finally {
                try {
                    runner.cancelRemaining();
                } catch (RuntimeException e) {
                    if (loopFailure == null) {
                        throw e;
                    }
                    loopFailure.addSuppressed(e);
                } finally {
                    Signals.runEnded(runner);
                }
            }
            if (loopFailure != null) {
                throw loopFailure;
            }
            signal = runner.signalled();
            if (signal == null || !main.isCancelled()) {
                return main.result();
            }
        } finally {
            loop.close();
        }
        LOG.debug("re-raising SIG{} after clean-up", signal);
        Signals.reRaise(signal);
        throw new CancelledException("interrupted by SIG" + signal);
    }

    private void cancelRemaining() {
        Set<Task<?>> rest = loop.allTasks();
        if (rest.isEmpty()) {
            return;
        }
        for (Task<?> t : rest) {
            t.cancel("event loop is shutting down");
        }
        Future<Void> all = new Future<>(loop);
        List<Task<?>> list = new ArrayList<>(rest);
        loop.spawn("weft-shutdown", () -> {
            Weft.awaitAllQuietly(Task.current(), list);
            all.trySetResult(null);
        });
        loop.runUntilComplete(all);
        for (Task<?> t : list) {
            if (t.state() == Future.State.FAILED) {
                EventLoop.reportUnhandled("task '" + t.name() + "' during shutdown", t.exception(), loop);
            }
        }
    }

    private synchronized Signal signalled() {
        return signalled;
    }

    /** The JVM's signal thread (through {@link Signals}): SIGINT, SIGTERM or SIGUSR1 arrived. */
    void onSignal(Signal signal) {
        if (signal == Signal.USR1) {
            System.err.print(TaskDump.of(loop));
            System.err.flush();
            return;
        }
        synchronized (this) {
            if (signalled != null) {
                // The first one asked the program to stop and it has not stopped yet.
                System.err.println("Weft: SIG" + signal + " again while the clean-up of SIG" + signalled
                        + " runs: exiting now, without waiting for the tasks");
                System.err.flush();
                Signals.forwardToPrevious(signal);
                return;
            }
            signalled = signal;
        }
        Task<?> m = main;
        if (m != null) {
            // Directly, not through the loop: a task may hold it. cancel() is safe from any thread.
            m.cancel("SIG" + signal);
        }
        Task<?> holder = blockedHolder();
        if (holder != null && holder != m) {
            LOG.debug("SIG{}: cancelling task '{}', blocked while it holds {}", signal, holder.name(), loop);
            holder.cancel("SIG" + signal);
        }
    }

    /** The task that holds the loop while blocked in a JDK call, or null (see {@link Task#blockedHoldingLoop}). */
    private Task<?> blockedHolder() {
        for (Task<?> t : loop.allTasks()) {
            if (t.blockedHoldingLoop()) {
                return t;
            }
        }
        return null;
    }
}
