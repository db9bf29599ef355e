package dev.weft.internal;

import java.util.Objects;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * Where Weft's classes get their SLF4J loggers: {@code Loggers.get(MyClass.class)} instead of
 * {@code LoggerFactory.getLogger}. Two things differ from SLF4J alone.
 * <ul>
 *   <li><b>Errors are never silent.</b> With no SLF4J provider on the class path, SLF4J drops
 *       every record. Weft's loggers then print WARN and ERROR records on {@code System.err}
 *       themselves, in the form {@code [thread] LEVEL logger - message} followed by the stack
 *       trace, as {@code slf4j-simple} does. A provider that discards on purpose
 *       ({@code slf4j-nop}) is respected.</li>
 *   <li><b>Tests can take the records.</b> While a {@link LogTap} is installed, records at INFO
 *       and above go to it instead of the log, so a test asserts the errors it provokes rather
 *       than printing them (see weft-test's {@code WeftLogs}).</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class Loggers {

    /** True when SLF4J found no provider and would drop everything. */
    private static final boolean NO_PROVIDER = !hasProvider();

    private static volatile LogTap tap;

    private Loggers() {
    }

    /**
     * The logger named after {@code owner}.
     *
     * @param owner the class that logs
     * @return its logger
     */
    public static Logger get(Class<?> owner) {
        return get(owner.getName());
    }

    /**
     * The logger called {@code name}.
     *
     * @param name a logger name, such as {@code dev.weft.debug}
     * @return the logger
     */
    public static Logger get(String name) {
        return new WeftLogger(name, NO_PROVIDER ? null : LoggerFactory.getLogger(name));
    }

    /**
     * Installs {@code newTap} to receive every record at INFO and above, from every Weft logger
     * and thread, until {@link #untap(LogTap)}; one tap at a time.
     *
     * @param newTap the tap
     * @throws IllegalStateException if another tap is installed
     */
    public static synchronized void tap(LogTap newTap) {
        Objects.requireNonNull(newTap, "newTap");
        if (tap != null) {
            throw new IllegalStateException("Weft's log is already tapped (close the other capture first)");
        }
        tap = newTap;
    }

    /**
     * Removes {@code oldTap} if it is the one installed; records go to the log again.
     *
     * @param oldTap the tap installed with {@link #tap(LogTap)}
     */
    public static synchronized void untap(LogTap oldTap) {
        if (tap == oldTap) {
            tap = null;
        }
    }

    static LogTap currentTap() {
        return tap;
    }

    /** False when SLF4J fell back to its no-operation logger because it found no provider. */
    private static boolean hasProvider() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof NOPLoggerFactory)) {
            return true;
        }
        try { // slf4j-nop's provider also hands out NOP loggers, but it was chosen on purpose
            Class.forName("org.slf4j.nop.NOPServiceProvider", false, Loggers.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
