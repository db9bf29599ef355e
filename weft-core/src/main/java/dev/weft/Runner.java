package dev.weft;

import dev.weft.internal.Loggers;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * What {@link Weft#run} does (asyncio's {@code asyncio.run}/{@code Runner}):
 * <ol>
 *   <li>spawn the main task on a fresh loop, with SIGINT and SIGTERM handlers that cancel it
 *       and a SIGUSR1 handler that prints a {@link TaskDump} to standard error
 *       ({@code kill -USR1 <pid>}; SIGQUIT belongs to the JVM's own thread dump, and SIGUSR2 to
 *       its thread suspension, which JFR's sampler uses);</li>
 *   <li>run the loop until the main task is done;</li>
 *   <li>cancel every task still alive and run the loop until they have finished, so their
 *       {@code finally} blocks run;</li>
 *   <li>close the loop, restore the previous signal handlers, and — if a signal ended the
 *       run — re-raise it, so the JVM exits the way a Java user expects (130, 143).</li>
 * </ol>
 */
final class Runner {

    private static final Logger LOG = Loggers.get(Runner.class);
    private static final List<Runner> ACTIVE = new CopyOnWriteArrayList<>();
    private static final String[] SIGNALS = {"INT", "TERM", "USR1"};
    private static final Object SIGNAL_LOCK = new Object();
    private static SignalHandler[] previous;

    private final EventLoop loop;
    private volatile Task<?> main;
    private volatile String signalled;

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
        String signal;
        try {
            Task<T> main = loop.spawn("main", body);
            runner.main = main;
            installSignals(runner);
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
                    uninstallSignals(runner);
                }
            }
            if (loopFailure != null) {
                throw loopFailure;
            }
            signal = runner.signalled;
            if (signal == null || !main.isCancelled()) {
                return main.result();
            }
        } finally {
            loop.close();
        }
        LOG.debug("re-raising SIG{} after clean-up", signal);
        reRaise(signal);
        throw new CancelledException("interrupted by SIG" + signal);
    }

    /**
     * Hands signal {@code name} to the handler now installed (the JVM's own, which exits with
     * status 128 + n, or the program's), on this thread. {@code Signal.raise} alone is
     * asynchronous: its handler runs on a new thread, and this thread's exception out of
     * {@code main} won the race (exit status 1 and a stack trace instead of 130). Only a native
     * disposition (SIG_DFL, SIG_IGN), which has no Java handler to call, is raised.
     */
    private static void reRaise(String name) {
        Signal sig = new Signal(name);
        SignalHandler current;
        try {
            current = Signal.handle(sig, SignalHandler.SIG_IGN); // read the installed handler...
            Signal.handle(sig, current);                         // ...and put it back
        } catch (IllegalArgumentException e) {
            return;
        }
        if (current == SignalHandler.SIG_DFL || current == SignalHandler.SIG_IGN) {
            Signal.raise(sig);
        } else {
            current.handle(sig);
        }
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

    private void onSignal(String name) {
        signalled = name;
        Task<?> m = main;
        loop.callSoonThreadsafe(() -> {
            if (m != null) {
                m.cancel("SIG" + name);
            }
        });
    }

    private static void installSignals(Runner runner) {
        if (Boolean.getBoolean("weft.noSignals")) {
            return;
        }
        synchronized (SIGNAL_LOCK) {
            if (ACTIVE.isEmpty()) {
                previous = new SignalHandler[SIGNALS.length];
                for (int i = 0; i < SIGNALS.length; i++) {
                    String name = SIGNALS[i];
                    try {
                        previous[i] = Signal.handle(new Signal(name), s -> {
                            if (SignalHandlers.dispatchIfRegistered(name)) {
                                return; // a user handler (EventLoop.addSignalHandler) takes precedence
                            }
                            for (Runner r : ACTIVE) {
                                if (name.equals("USR1")) {
                                    System.err.print(TaskDump.of(r.loop));
                                    System.err.flush();
                                } else {
                                    r.onSignal(name);
                                }
                            }
                        });
                    } catch (IllegalArgumentException e) {
                        LOG.debug("cannot handle SIG{}: {}", name, e.toString());
                    }
                }
            }
            ACTIVE.add(runner);
        }
    }

    private static void uninstallSignals(Runner runner) {
        synchronized (SIGNAL_LOCK) {
            if (!ACTIVE.remove(runner) || !ACTIVE.isEmpty() || previous == null) {
                return;
            }
            for (int i = 0; i < SIGNALS.length; i++) {
                if (previous[i] != null) {
                    try {
                        Signal.handle(new Signal(SIGNALS[i]), previous[i]);
                    } catch (IllegalArgumentException e) {
                        LOG.debug("cannot restore SIG{}", SIGNALS[i]);
                    }
                }
            }
            previous = null;
        }
    }
}
