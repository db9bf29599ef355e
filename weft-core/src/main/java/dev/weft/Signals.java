package dev.weft;

import dev.weft.internal.Loggers;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import sun.misc.SignalHandler;

/**
 * The one owner of the process's signal handlers in Weft: the only class that touches the JDK's
 * {@code sun.misc.Signal}. Two kinds of listeners share it:
 * <ul>
 *   <li><b>loop handlers</b> ({@link EventLoop#addSignalHandler}, asyncio's
 *       {@code add_signal_handler}): one callback per loop and signal, run on the loop's thread;</li>
 *   <li><b>runs</b> ({@link Weft#run}): while a run is active, SIGINT and SIGTERM go to its
 *       {@link Runner}, which cancels the main task, and SIGUSR1 prints its task dump.</li>
 * </ul>
 *
 * <p><b>Installation.</b> For each signal, Weft's handler is installed while anything listens
 * for it and the handler it replaced (the JVM's own, which exits with status 128 + n, or the
 * program's) is put back when nothing does any more — unless someone replaced Weft's meanwhile:
 * theirs then stays. A handler installed over Weft's while it listens is replaced again by the
 * next listener, and put back after it.
 *
 * <p><b>Precedence.</b> When a signal arrives, the loop handlers registered for it run, if there
 * are any; otherwise every active run gets it. So a program's own SIGINT or SIGTERM handler
 * takes over from {@code Weft.run}'s while it is registered.
 *
 * <p><b>Threads.</b> The JVM calls a Java signal handler on a short-lived thread of its own;
 * from there loop callbacks are queued with {@code callSoonThreadsafe}, never run. All state is
 * guarded by {@code Signals.class}; nothing is called out under it but the JDK's handler swap.
 */
final class Signals {

    private static final Logger LOG = Loggers.get(Signals.class);
    /** What a run listens for. */
    private static final Set<Signal> RUN_SIGNALS = EnumSet.of(Signal.INT, Signal.TERM, Signal.USR1);

    // Guarded by Signals.class.
    private static final Map<Signal, Map<EventLoop, Runnable>> LOOP_HANDLERS = new EnumMap<>(Signal.class);
    private static final List<Runner> RUNS = new ArrayList<>();
    /** Per signal: the handler Weft's replaced, to put back when nothing listens any more. */
    private static final Map<Signal, SignalHandler> PREVIOUS = new EnumMap<>(Signal.class);
    /** Weft's handler per signal, one instance each, so "is ours installed?" is an identity test. */
    private static final Map<Signal, SignalHandler> OURS = new EnumMap<>(Signal.class);

    private Signals() {
    }

    /** The number of {@code signal} on this platform, or -1 if the JVM does not know it here. */
    static int number(Signal signal) {
        try {
            return new sun.misc.Signal(signal.name()).getNumber();
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    // ------------------------------------------------------------------ loop handlers

    /** {@link EventLoop#addSignalHandler}: registers (or replaces) {@code loop}'s callback for {@code signal}. */
    static void addLoopHandler(EventLoop loop, Signal signal, Runnable callback) {
        if (signal.uncatchable()) {
            throw new IllegalArgumentException("SIG" + signal + " cannot be caught, blocked or ignored by any process;"
                    + " no handler can be installed for it");
        }
        synchronized (Signals.class) {
            try {
                install(signal);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot handle SIG" + signal + " in this JVM: " + e.getMessage()
                        + (signal == Signal.QUIT ? " (the JVM uses SIGQUIT for its thread dump)" : "")
                        + (signal == Signal.USR2 || signal == Signal.USR1 ? " (is -Xrs or a JVM option using it set?)" : ""),
                        e);
            }
            LOOP_HANDLERS.computeIfAbsent(signal, s -> new HashMap<>()).put(loop, callback);
            LOG.debug("SIG{} handler added on {}", signal, loop);
        }
    }

    /** {@link EventLoop#removeSignalHandler}: false if {@code loop} had no callback for {@code signal}. */
    static boolean removeLoopHandler(EventLoop loop, Signal signal) {
        synchronized (Signals.class) {
            Map<EventLoop, Runnable> byLoop = LOOP_HANDLERS.get(signal);
            if (byLoop == null || byLoop.remove(loop) == null) {
                return false;
            }
            if (byLoop.isEmpty()) {
                LOOP_HANDLERS.remove(signal);
            }
            releaseIfUnused(signal);
            LOG.debug("SIG{} handler removed on {}", signal, loop);
            return true;
        }
    }

    // ------------------------------------------------------------------ runs

    /**
     * A {@link Weft#run} begins: from now on SIGINT, SIGTERM and SIGUSR1 reach
     * {@link Runner#onSignal}. Off with {@code -Dweft.noSignals=true}.
     */
    static void runStarted(Runner run) {
        if (Boolean.getBoolean("weft.noSignals")) {
            return;
        }
        synchronized (Signals.class) {
            RUNS.add(run);
            for (Signal s : RUN_SIGNALS) {
                try {
                    install(s);
                } catch (IllegalArgumentException e) {
                    // Ignored at start-up (nohup), or kept by the JVM (-Xrs): Weft.run goes on without it.
                    LOG.debug("cannot handle SIG{}: {}", s, e.getMessage());
                }
            }
        }
    }

    /** The run has ended: its signals go back to whoever had them before, if nothing else listens. */
    static void runEnded(Runner run) {
        synchronized (Signals.class) {
            if (!RUNS.remove(run)) {
                return;
            }
            for (Signal s : RUN_SIGNALS) {
                releaseIfUnused(s);
            }
        }
    }

    /**
     * Hands {@code signal} to the handler Weft replaced, as if Weft had never handled it: the
     * JVM's own exits with status 128 + n after its shutdown hooks. For a second Ctrl-C while
     * the first one's clean-up is still running. On the calling thread.
     */
    static void forwardToPrevious(Signal signal) {
        SignalHandler previous;
        synchronized (Signals.class) {
            previous = PREVIOUS.get(signal);
        }
        sun.misc.Signal sig = new sun.misc.Signal(signal.name());
        if (previous == null || previous == SignalHandler.SIG_DFL) {
            // The OS default (the JVM started with -Xrs): end the process as it would have.
            sun.misc.Signal.handle(sig, SignalHandler.SIG_DFL);
            sun.misc.Signal.raise(sig);
        } else if (previous != SignalHandler.SIG_IGN) {
            previous.handle(sig);
        }
    }

    /**
     * After a run that {@code signal} ended has cleaned up: hands the signal to the handler
     * installed now (the JVM's own, which exits with status 128 + n, or the program's), on this
     * thread. {@code Signal.raise} alone is asynchronous: its handler runs on a new thread, and
     * this thread's exception out of {@code main} would win the race (exit status 1 and a stack
     * trace instead of 130). Only a native disposition (SIG_DFL, SIG_IGN), which has no Java
     * handler to call, is raised.
     */
    static void reRaise(Signal signal) {
        sun.misc.Signal sig = new sun.misc.Signal(signal.name());
        SignalHandler current;
        try {
            current = sun.misc.Signal.handle(sig, SignalHandler.SIG_IGN); // read the installed handler...
            sun.misc.Signal.handle(sig, current);                         // ...and put it back
        } catch (IllegalArgumentException e) {
            return;
        }
        if (current == SignalHandler.SIG_DFL || current == SignalHandler.SIG_IGN) {
            sun.misc.Signal.raise(sig);
        } else {
            current.handle(sig);
        }
    }

    // ------------------------------------------------------------------ installation

    /**
     * Makes Weft's handler the one installed for {@code signal}, remembering the one it replaced.
     * Under the class lock.
     *
     * @throws IllegalArgumentException if the JVM does not let Java code handle it
     */
    private static void install(Signal signal) {
        SignalHandler ours = OURS.computeIfAbsent(signal, s -> sig -> dispatch(s));
        sun.misc.Signal sig = new sun.misc.Signal(signal.name());
        SignalHandler before = sun.misc.Signal.handle(sig, ours);
        if (before == ours) {
            return;
        }
        // HotSpot keeps SIGHUP/SIGINT/SIGTERM ignored if they were ignored at start-up (nohup):
        // the call "succeeds" but installs nothing. Ask again to find out.
        SignalHandler now = sun.misc.Signal.handle(sig, ours);
        if (now != ours) {
            throw new IllegalArgumentException("SIG" + signal + " is ignored by this process (started with nohup or"
                    + " with the signal ignored?); the JVM does not let Java code handle it");
        }
        PREVIOUS.put(signal, before);
    }

    /** True while a loop handler or a run listens for {@code signal}. Under the class lock. */
    private static boolean used(Signal signal) {
        Map<EventLoop, Runnable> byLoop = LOOP_HANDLERS.get(signal);
        return (byLoop != null && !byLoop.isEmpty()) || (!RUNS.isEmpty() && RUN_SIGNALS.contains(signal));
    }

    /** Puts back the handler ours replaced once nothing listens, unless ours was replaced meanwhile. Under the lock. */
    private static void releaseIfUnused(Signal signal) {
        if (used(signal)) {
            return;
        }
        SignalHandler previous = PREVIOUS.remove(signal);
        SignalHandler ours = OURS.get(signal);
        if (previous == null || ours == null) {
            return;
        }
        sun.misc.Signal sig = new sun.misc.Signal(signal.name());
        try {
            SignalHandler current = sun.misc.Signal.handle(sig, previous);
            if (current != ours) {
                sun.misc.Signal.handle(sig, current); // not ours any more: leave the newer one alone
            }
        } catch (IllegalArgumentException e) {
            LOG.debug("cannot restore SIG{}: {}", signal, e.toString());
        }
    }

    // ------------------------------------------------------------------ dispatch

    /** The JVM's signal thread: the loop handlers for {@code signal} if any, else every active run. */
    private static void dispatch(Signal signal) {
        Map<EventLoop, Runnable> targets;
        List<Runner> runs;
        synchronized (Signals.class) {
            Map<EventLoop, Runnable> byLoop = LOOP_HANDLERS.get(signal);
            targets = byLoop == null ? Map.of() : Map.copyOf(byLoop);
            runs = RUN_SIGNALS.contains(signal) ? List.copyOf(RUNS) : List.of();
        }
        if (!targets.isEmpty()) {
            for (Map.Entry<EventLoop, Runnable> e : targets.entrySet()) {
                queue(signal, e.getKey(), e.getValue());
            }
        } else if (!runs.isEmpty()) {
            for (Runner r : runs) {
                r.onSignal(signal);
            }
        } else {
            LOG.debug("SIG{} arrived as its last listener left; dropped", signal);
        }
    }

    private static void queue(Signal signal, EventLoop loop, Runnable callback) {
        try {
            loop.callSoonThreadsafe(() -> {
                try {
                    callback.run();
                } catch (Throwable t) {
                    EventLoop.reportUnhandled("SIG" + signal + " handler", t, loop);
                }
            });
        } catch (RejectedExecutionException closed) {
            LOG.debug("SIG{}: {} is closed; dropping its handler", signal, loop);
            removeLoopHandler(loop, signal);
        }
    }
}
