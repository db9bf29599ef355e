package dev.weft;

import java.util.Locale;

/**
 * The POSIX signals Weft knows by name, for {@link EventLoop#addSignalHandler(Signal, Runnable)}
 * and {@code Subprocess.sendSignal} (Python's {@code signal.SIGTERM} and co.).
 *
 * <p>{@link #number()} is the number on this platform (asked from the JVM, so SIGUSR1 is 10 on
 * Linux and 30 on macOS); it is -1 if the JVM does not know the signal here.
 */
public enum Signal {
    /** Hang-up: the terminal went away; daemons often reload their configuration. */
    HUP,
    /** Interrupt: Ctrl-C. */
    INT,
    /** Quit: Ctrl-\; the JVM uses it for its thread dump, so it cannot be handled in Java. */
    QUIT,
    /** Kill: ends a process at once; cannot be caught. */
    KILL,
    /** User-defined signal 1 ({@link Weft#run} prints a task dump on it). */
    USR1,
    /** User-defined signal 2 (the JVM uses it to suspend threads, for JFR's sampler). */
    USR2,
    /** Terminate: the polite request to exit. */
    TERM,
    /** Continue a stopped process. */
    CONT,
    /** Stop (pause) a process; cannot be caught. */
    STOP,
    /** Terminal window size changed. */
    WINCH;

    /** {@return the name without the {@code SIG} prefix, as {@code kill -s} and the JVM take it} */
    public String shortName() {
        return name();
    }

    /** {@return this signal's number on this platform, or -1 if unknown here} */
    public int number() {
        return Signals.number(this);
    }

    /** {@return true for the signals no process can catch or ignore (SIGKILL, SIGSTOP)} */
    public boolean uncatchable() {
        return this == KILL || this == STOP;
    }

    /**
     * The signal called {@code name}, with or without the {@code SIG} prefix, in any case
     * ({@code "TERM"}, {@code "SIGterm"}).
     *
     * @param name the signal's name
     * @return the signal
     * @throws IllegalArgumentException for an unknown name
     */
    public static Signal of(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (n.startsWith("SIG")) {
            n = n.substring(3);
        }
        try {
            return valueOf(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown signal '" + name + "' (known: HUP, INT, QUIT, KILL, USR1, USR2,"
                    + " TERM, CONT, STOP, WINCH)");
        }
    }
}
