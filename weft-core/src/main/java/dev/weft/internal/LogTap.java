package dev.weft.internal;

/**
 * Receives what Weft logs at INFO and above while it is installed with
 * {@link Loggers#tap(LogTap)}, instead of the log (weft-test's {@code WeftLogs} is one). Called
 * on the logging thread, which may be any thread; it must not block.
 */
@FunctionalInterface
public interface LogTap {

    /**
     * One log record.
     *
     * @param level the level: ERROR, WARNING or INFO
     * @param logger the logger's name, such as {@code dev.weft.unretrieved}
     * @param message the message with its arguments filled in
     * @param error the exception logged with it, or null
     */
    void record(System.Logger.Level level, String logger, String message, Throwable error);
}
