package dev.weft;

import dev.weft.internal.Loggers;
import dev.weft.process.Signal;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import sun.misc.SignalHandler;

/**
 * The process-wide registry behind {@link EventLoop#addSignalHandler} (asyncio's
 * {@code loop.add_signal_handler}).
 *
 * <p>The JVM runs a Java signal handler on a short-lived thread of its own. The handler
 * installed here only queues each registered callback on its loop with {@code callSoonThreadsafe},
 * so user callbacks always run on the loop thread. One loop has at most one callback per signal;
 * several loops may each have one, and all of them run.
 *
 * <p><b>Precedence.</b> The first registration for a signal installs this class's handler with
 * {@code sun.misc.Signal.handle} and remembers the handler it replaced (for SIGINT/SIGTERM inside
 * {@link Weft#run}: the runner's, which cancels the main task); removing the last registration puts
 * that one back. So while a user handler is registered it takes precedence, and afterwards the
 * previous behaviour returns. If someone else replaced this class's handler meanwhile (a
 * {@code Weft.run} that ended restores the JVM's default), removal leaves theirs in place.
 *
 * <p><b>Threads.</b> All state is guarded by {@code SignalHandlers.class}; callbacks never run
 * under it.
 */
final class SignalHandlers {

    private static final Logger LOG = Loggers.get(SignalHandlers.class);

    /** Per signal: the callback of each loop. Guarded by the class. */
    private static final Map<Signal, Map<EventLoop, Runnable>> REGISTRY = new HashMap<>();
    /** Per signal: the handler replaced by ours. Guarded by the class. */
    private static final Map<Signal, SignalHandler> PREVIOUS = new HashMap<>();
    /** Our handler per signal (one instance each, so "is ours installed?" is an identity test). */
    private static final Map<Signal, SignalHandler> OURS = new ConcurrentHashMap<>();

    private SignalHandlers() {
    }

    static void add(EventLoop loop, Signal signal, Runnable callback) {
        if (signal.uncatchable()) {
            throw new IllegalArgumentException("SIG" + signal + " cannot be caught, blocked or ignored by any process;"
                    + " no handler can be installed for it");
        }
        synchronized (SignalHandlers.class) {
            SignalHandler ours = OURS.computeIfAbsent(signal, s -> sig -> dispatch(s));
            SignalHandler before;
            try {
                before = sun.misc.Signal.handle(new sun.misc.Signal(signal.name()), ours);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot handle SIG" + signal + " in this JVM: " + e.getMessage()
                        + (signal == Signal.QUIT ? " (the JVM uses SIGQUIT for its thread dump)" : "")
                        + (signal == Signal.USR2 || signal == Signal.USR1 ? " (is -Xrs or a JVM option using it set?)" : ""),
                        e);
            }
            if (before != ours) {
                // HotSpot keeps SIGHUP/SIGINT/SIGTERM ignored if they were ignored at start-up
                // (nohup): the call "succeeds" but installs nothing. Ask again to find out.
                SignalHandler now = sun.misc.Signal.handle(new sun.misc.Signal(signal.name()), ours);
                if (now != ours) {
                    throw new IllegalArgumentException("SIG" + signal + " is ignored by this process (started with"
                            + " nohup or with the signal ignored?); the JVM does not let Java code handle it");
                }
                PREVIOUS.put(signal, before);
            }
            REGISTRY.computeIfAbsent(signal, s -> new HashMap<>()).put(loop, callback);
            LOG.debug("SIG{} handler added on {}", signal, loop);
        }
    }

    static boolean remove(EventLoop loop, Signal signal) {
        synchronized (SignalHandlers.class) {
            Map<EventLoop, Runnable> byLoop = REGISTRY.get(signal);
            if (byLoop == null || byLoop.remove(loop) == null) {
                return false;
            }
            if (byLoop.isEmpty()) {
                REGISTRY.remove(signal);
                restore(signal);
            }
            LOG.debug("SIG{} handler removed on {}", signal, loop);
            return true;
        }
    }

    /** Puts back the handler ours replaced, unless ours was replaced meanwhile. Under the class lock. */
    private static void restore(Signal signal) {
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

    /**
     * For {@link Runner}, whose own handler may be installed over ours (a user handler added
     * before {@code Weft.run} started): if user callbacks are registered for {@code name}, runs
     * them instead and returns true.
     */
    static boolean dispatchIfRegistered(String name) {
        Signal signal;
        try {
            signal = Signal.valueOf(name);
        } catch (IllegalArgumentException unknown) {
            return false;
        }
        synchronized (SignalHandlers.class) {
            Map<EventLoop, Runnable> byLoop = REGISTRY.get(signal);
            if (byLoop == null || byLoop.isEmpty()) {
                return false;
            }
        }
        dispatch(signal);
        return true;
    }

    /** JVM signal thread: queues every registered callback on its loop. */
    private static void dispatch(Signal signal) {
        Map<EventLoop, Runnable> targets;
        synchronized (SignalHandlers.class) {
            Map<EventLoop, Runnable> byLoop = REGISTRY.get(signal);
            targets = byLoop == null ? Map.of() : Map.copyOf(byLoop);
        }
        if (targets.isEmpty()) {
            LOG.debug("SIG{} arrived with no handler registered", signal);
            return;
        }
        for (Map.Entry<EventLoop, Runnable> e : targets.entrySet()) {
            EventLoop loop = e.getKey();
            Runnable cb = e.getValue();
            try {
                loop.callSoonThreadsafe(() -> {
                    try {
                        cb.run();
                    } catch (Throwable t) {
                        EventLoop.reportUnhandled("SIG" + signal + " handler", t, loop);
                    }
                });
            } catch (RejectedExecutionException ex) {
                LOG.debug("SIG{}: {} is closed; dropping its handler", signal, loop);
                remove(loop, signal);
            }
        }
    }
}
