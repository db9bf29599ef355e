package dev.weft;

import dev.weft.internal.Loggers;
import java.lang.ref.Cleaner;
import org.slf4j.Logger;

/**
 * Reports futures and tasks whose exception nobody ever looked at (asyncio's "Task exception
 * was never retrieved"). A failed future registers a small {@link Report} with a
 * {@link Cleaner}; when the future becomes unreachable without {@code result()},
 * {@code exception()}, {@code await()} or a combinator having read it, the report is logged.
 * Only failures pay for this.
 */
final class UnretrievedExceptions {

    private static final Logger LOG = Loggers.get("dev.weft.unretrieved");
    private static final Cleaner CLEANER = Cleaner.create(Thread.ofPlatform().daemon().name("weft-cleaner").factory());

    /** What is logged; it must not reference the future, or the future could never be collected. */
    static final class Report implements Runnable {
        final String what;
        final Throwable error;
        volatile boolean retrieved;

        Report(String what, Throwable error) {
            this.what = what;
            this.error = error;
        }

        @Override
        public void run() {
            if (!retrieved) {
                LOG.error("{} exception was never retrieved", what, error);
                Debug.countUnretrieved();
            }
        }
    }

    private UnretrievedExceptions() {
    }

    static Report watch(Future<?> future, Throwable error) {
        String what = future instanceof Task<?> t ? "Task '" + t.name() + "'" : "Future";
        Report report = new Report(what, error);
        CLEANER.register(future, report);
        return report;
    }
}
