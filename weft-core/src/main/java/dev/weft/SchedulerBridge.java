package dev.weft;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executor;

/**
 * The one place where Weft touches the JDK's non-public virtual-thread scheduler hook.
 *
 * <p>JDK 25 has no public API to give a virtual thread a scheduler of one's own. The
 * package-private constructor {@code java.lang.ThreadBuilders.VirtualThreadBuilder(Executor)}
 * does exactly that; it is reachable when the JVM runs with
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED} ({@code =dev.weft.core} on the module
 * path; see {@link #addOpensFlag()}). The {@code ./weft} launcher passes it; an application
 * passes it as its build tool allows ({@code docs/using-weft.md}), or, started with
 * {@code java -jar}, names it in its own jar's manifest ({@code Add-Opens: java.base/java.lang}). When the OpenJDK's public
 * {@code Thread.VirtualThreadScheduler} arrives, this class is the only one to change.
 *
 * <p>When the hook is missing, {@link #available()} is false, {@link #unavailableReason()} says
 * why, and {@link Task} falls back to ordinary virtual threads that pass one loop baton
 * between them (see {@code Task.Baton}): Weft's own waits still yield the loop, but a blocking
 * JDK call inside a task holds it until the loop lends the task its freedom.
 *
 * <p>Thread-safety: all methods are safe from any thread.
 */
final class SchedulerBridge {

    private static final String NOT_OPENED = "java.lang is not opened to Weft";
    private static final MethodHandle NEW_BUILDER;
    private static final String UNAVAILABLE_REASON;
    /** True when the fast path is off only because java.lang is not opened to Weft. */
    private static final boolean OPENS_WOULD_HELP;

    static {
        MethodHandle handle = null;
        String reason = null;
        if (Boolean.getBoolean("weft.noSchedulerHook")) {
            reason = "disabled by -Dweft.noSchedulerHook=true";
        } else {
            try {
                Class<?> builderClass = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(builderClass, MethodHandles.lookup());
                handle = lookup.findConstructor(builderClass, MethodType.methodType(void.class, Executor.class))
                        .asType(MethodType.methodType(Thread.Builder.OfVirtual.class, Executor.class));
                // Prove the whole path works once, so that a half-working hook is never used.
                Thread probe = ((Thread.Builder.OfVirtual) handle.invokeExact((Executor) Runnable::run))
                        .unstarted(() -> { });
                if (!probe.isVirtual()) {
                    throw new IllegalStateException("hook made a platform thread");
                }
            } catch (IllegalAccessException e) {
                handle = null;
                reason = NOT_OPENED;
            } catch (Throwable e) {
                handle = null;
                reason = "the JDK's virtual-thread builder hook is missing (" + e + ")";
            }
        }
        NEW_BUILDER = handle;
        UNAVAILABLE_REASON = reason;
        OPENS_WOULD_HELP = NOT_OPENED.equals(reason);
    }

    private SchedulerBridge() {
    }

    /** True when tasks can be virtual threads scheduled by their own loop (the fast path). */
    static boolean available() {
        return NEW_BUILDER != null;
    }

    /**
     * The one-line notice printed once when the fast path is off: what compatibility mode means
     * and, when the JVM option is the cure, the option itself (for the module path when Weft is
     * loaded as the module {@code dev.weft.core}).
     */
    static String notice() {
        String what = "Weft: running tasks in compatibility mode (" + UNAVAILABLE_REASON + "): a task blocked in a JDK"
                + " call (a java.net socket, Thread.sleep, JDBC) holds its loop for up to "
                + Task.Baton.LEND_AFTER_NANOS / 1_000_000 + " ms, then runs beside the loop until its next call into"
                + " Weft.";
        if (!OPENS_WOULD_HELP) {
            return what;
        }
        return what + " For the fast path, start the JVM with " + addOpensFlag()
                + (weftIsNamedModule() ? "" : " (with java -jar: 'Add-Opens: java.base/java.lang' in your jar's manifest)")
                + "; for Maven, Gradle and IDEs see Weft's guide \"Using Weft in your project\".";
    }

    /**
     * The remedy, tool by tool, for reports of a task that held its loop in compatibility mode
     * (several lines; empty when the option would not help).
     */
    static String remedy() {
        if (available() || !OPENS_WOULD_HELP) {
            return "";
        }
        String flag = addOpensFlag();
        String opens = flag.substring("--add-opens ".length());
        StringBuilder b = new StringBuilder()
                .append("Weft runs in compatibility mode (").append(UNAVAILABLE_REASON).append("). On the fast path a")
                .append(" blocking JDK call in a task frees the loop. Start the JVM with ").append(flag).append(":\n")
                .append("  java:          java ").append(flag).append(" ...\n")
                .append("  Maven tests:   maven-surefire-plugin <argLine>").append(flag).append("</argLine>\n")
                .append("  mvn exec:java: a line '").append(flag).append("' in .mvn/jvm.config\n")
                .append("  Gradle:        tasks.test { jvmArgs(\"--add-opens\", \"").append(opens).append("\") },")
                .append(" application { applicationDefaultJvmArgs = listOf(\"--add-opens\", \"").append(opens)
                .append("\") }\n");
        if (!weftIsNamedModule()) {
            b.append("  java -jar:     'Add-Opens: java.base/java.lang' in your application jar's manifest\n");
        }
        return b.append("  anywhere:      JDK_JAVA_OPTIONS=\"").append(flag).append("\"")
                .toString();
    }

    private static boolean weftIsNamedModule() {
        return SchedulerBridge.class.getModule().isNamed();
    }

    /**
     * The JVM option that opens the hook to Weft where Weft was loaded: to the module
     * {@code dev.weft.core} on the module path, to {@code ALL-UNNAMED} on the class path.
     */
    static String addOpensFlag() {
        Module weft = SchedulerBridge.class.getModule();
        return "--add-opens java.base/java.lang=" + (weft.isNamed() ? weft.getName() : "ALL-UNNAMED");
    }

    /**
     * Creates an unstarted virtual thread whose continuation is handed to {@code scheduler}
     * every time it becomes runnable.
     */
    static Thread newVirtualThread(Executor scheduler, String name, Runnable body) {
        try {
            Thread.Builder.OfVirtual builder = (Thread.Builder.OfVirtual) NEW_BUILDER.invokeExact(scheduler);
            return builder.name(name).inheritInheritableThreadLocals(false).unstarted(body);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("virtual thread builder hook failed", e);
        }
    }
}
