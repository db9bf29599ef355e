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
 * path; see {@link #addOpensFlag()}) (the {@code ./weft} launcher and the
 * executable jar's {@code Add-Opens} manifest entry both arrange it). When the OpenJDK's public
 * {@code Thread.VirtualThreadScheduler} arrives, this class is the only one to change.
 *
 * <p>When the hook is missing, {@link #available()} is false, {@link #unavailableReason()} says
 * why, and {@link Task} falls back to ordinary virtual threads that pass one loop baton
 * between them (see {@code Task.Baton}): Weft's own waits still yield the loop, but a blocking
 * JDK call inside a task then holds it.
 *
 * <p>Thread-safety: all methods are safe from any thread.
 */
final class SchedulerBridge {

    private static final MethodHandle NEW_BUILDER;
    private static final String UNAVAILABLE_REASON;

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
                reason = "java.lang is not opened to Weft";
            } catch (Throwable e) {
                handle = null;
                reason = "the JDK's virtual-thread builder hook is missing (" + e + ")";
            }
        }
        NEW_BUILDER = handle;
        UNAVAILABLE_REASON = reason;
    }

    private SchedulerBridge() {
    }

    /** True when tasks can be virtual threads scheduled by their own loop (the fast path). */
    static boolean available() {
        return NEW_BUILDER != null;
    }

    /** The one-line notice printed once when the fast path is off. */
    static String notice() {
        return "Weft: running tasks in compatibility mode (" + UNAVAILABLE_REASON + "): blocking JDK calls inside"
                + " a task hold its loop. For the fast path run the JVM with"
                + " " + addOpensFlag() + " (the ./weft launcher and the jar manifest do this).";
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
