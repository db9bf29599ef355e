package dev.weft.internal;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.CallerBoundaryAware;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * A Weft logger (see {@link Loggers}): hands each record to the installed {@link LogTap}, or to
 * its SLF4J logger, or, when SLF4J has no provider, prints WARN and ERROR on {@code System.err}.
 * Immutable; thread-safe.
 */
final class WeftLogger extends LegacyAbstractLogger {

    private static final long serialVersionUID = 1L;

    /** The SLF4J logger, or null when there is no provider. */
    private final transient Logger delegate;

    WeftLogger(String name, Logger delegate) {
        this.name = name;
        this.delegate = delegate;
    }

    @Override
    public boolean isTraceEnabled() {
        return delegate != null && delegate.isTraceEnabled();
    }

    @Override
    public boolean isDebugEnabled() {
        return delegate != null && delegate.isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
        return Loggers.currentTap() != null || (delegate != null && delegate.isInfoEnabled());
    }

    @Override
    public boolean isWarnEnabled() {
        return Loggers.currentTap() != null || delegate == null || delegate.isWarnEnabled();
    }

    @Override
    public boolean isErrorEnabled() {
        return Loggers.currentTap() != null || delegate == null || delegate.isErrorEnabled();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return AbstractLogger.class.getName();
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                                               Throwable error) {
        LogTap tap = Loggers.currentTap();
        if (tap != null && level.toInt() >= Level.INFO.toInt()) {
            tap.record(systemLevel(level), name, MessageFormatter.basicArrayFormat(pattern, args), error);
        } else if (delegate != null) {
            forward(level, marker, pattern, args, error);
        } else if (level.toInt() >= Level.WARN.toInt()) {
            printOnStderr(level, MessageFormatter.basicArrayFormat(pattern, args), error);
        }
    }

    private void forward(Level level, Marker marker, String pattern, Object[] args, Throwable error) {
        LoggingEventBuilder event = delegate.makeLoggingEventBuilder(level).setMessage(pattern);
        if (marker != null) {
            event = event.addMarker(marker);
        }
        if (args != null) {
            for (Object arg : args) {
                event = event.addArgument(arg);
            }
        }
        if (error != null) {
            event = event.setCause(error);
        }
        if (event instanceof CallerBoundaryAware boundary) {
            boundary.setCallerBoundary(getFullyQualifiedCallerName());
        }
        event.log();
    }

    /** One write, so that records of several threads do not interleave. */
    private void printOnStderr(Level level, String message, Throwable error) {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        out.print("[" + Thread.currentThread().getName() + "] " + level + " " + name + " - " + message);
        out.println();
        if (error != null) {
            error.printStackTrace(out);
        }
        out.flush();
        System.err.print(text);
        System.err.flush();
    }

    private static System.Logger.Level systemLevel(Level level) {
        return switch (level) {
            case ERROR -> System.Logger.Level.ERROR;
            case WARN -> System.Logger.Level.WARNING;
            case INFO -> System.Logger.Level.INFO;
            case DEBUG -> System.Logger.Level.DEBUG;
            case TRACE -> System.Logger.Level.TRACE;
        };
    }
}
