package dev.weft.crawler.progress;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A crawl's live progress. On a terminal it redraws one line in place ({@code \r}) at most
 * ten times a second, fitted to the terminal's width ({@link ProgressLine#terminal}); when
 * the output is not a terminal (a pipe, a file, a CI log) it prints a plain line
 * ({@link ProgressLine#plain}) every few seconds instead. The speed is measured over the last
 * five seconds (the average since the start until then), so that it follows a crawl that
 * speeds up or slows down, and the ETA with it. The pages done at the first update (those of
 * earlier runs, when a crawl resumes) count toward the total, not toward the speed.
 *
 * <pre>
 *   create        update(...)          finish(...)
 *  --------> SHOWING -----------> SHOWING ----------> FINISHED   (last line drawn, line ended)
 * </pre>
 *
 * <p>Time comes from the clock given at construction, so tests drive it by hand; it counts
 * from the first update.
 *
 * <p><b>Thread-safety:</b> every method is safe from any thread (the state is guarded by
 * {@code this}; only printing happens under it).
 */
public final class ProgressDisplay {

    /** The lifecycle above. */
    private enum State { SHOWING, FINISHED }

    /** How often a terminal line is redrawn, at most. */
    public static final Duration TERMINAL_INTERVAL = Duration.ofMillis(100);
    /** How often a plain line is printed when the output is not a terminal. */
    public static final Duration PLAIN_INTERVAL = Duration.ofSeconds(2);
    /** The span over which the speed is measured. */
    public static final Duration RATE_WINDOW = Duration.ofSeconds(5);
    /** The width assumed when the terminal's cannot be found. */
    public static final int DEFAULT_WIDTH = 80;

    private static final long SAMPLE_EVERY_NANOS = 250_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final int width;
    private final LongSupplier nanoClock;
    private final long intervalNanos;

    // Guarded by `this`.
    private State state = State.SHOWING;
    /** The clock at the first update: the crawl's start, not the display's making. */
    private long startNanos = Long.MIN_VALUE;
    /** The pages done at the first update: a resumed crawl starts with its earlier pages. */
    private long baseline = -1;
    private long lastDrawNanos = Long.MIN_VALUE;
    private int lastLength;
    /** (time, done) pairs of the last RATE_WINDOW and one before it, oldest first. */
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();

    /**
     * A display on {@code out}.
     *
     * @param out where to draw
     * @param terminal true to redraw one line in place, false for plain periodic lines
     * @param width the terminal's width in columns (ignored for plain lines)
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
     * @param plainInterval the gap between two plain lines
     */
    public ProgressDisplay(PrintStream out, boolean terminal, int width, LongSupplier nanoClock, Duration plainInterval) {
        this.out = Objects.requireNonNull(out, "out");
        this.terminal = terminal;
        this.width = width > 0 ? width : DEFAULT_WIDTH;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.intervalNanos = terminal ? TERMINAL_INTERVAL.toNanos() : plainInterval.toNanos();
    }

    /**
     * A display on standard error that redraws in place if standard error is a terminal, as
     * wide as the terminal. Finds the width from {@code $COLUMNS} or {@code stty size} (a
     * short subprocess): call it before the crawl, not on a loop thread.
     *
     * @return the display
     */
    public static ProgressDisplay onStandardError() {
        boolean terminal = standardErrorIsTerminal();
        return new ProgressDisplay(System.err, terminal, terminal ? terminalWidth() : DEFAULT_WIDTH, System::nanoTime,
                PLAIN_INTERVAL);
    }

    /** {@return true if it redraws one line in place} */
    public boolean isTerminal() {
        return terminal;
    }

    /**
     * Shows the crawl's counters, if the last line is old enough (a terminal line every
     * {@link #TERMINAL_INTERVAL}, a plain line every {@link #PLAIN_INTERVAL}); cheap otherwise.
     * Ignored once finished.
     *
     * @param done pages finished
     * @param total pages known (0: unknown)
     * @param inFlight requests under way
     * @param queued URLs waiting
     * @param errors pages that ended in an error
     */
    public synchronized void update(long done, long total, long inFlight, long queued, long errors) {
        if (state != State.SHOWING) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (baseline < 0) {
            baseline = done;
            startNanos = now;
        }
        sample(now, done);
        if (lastDrawNanos != Long.MIN_VALUE && now - lastDrawNanos < intervalNanos) {
            return;
        }
        draw(frame(now, done, total, inFlight, queued, errors));
        lastDrawNanos = now;
    }

    /**
     * Draws the final state and ends the line; later calls do nothing.
     *
     * @param done pages finished
     * @param total pages known
     * @param inFlight requests under way (0 after a complete crawl)
     * @param queued URLs waiting (0 after a complete crawl)
     * @param errors pages that ended in an error
     */
    public synchronized void finish(long done, long total, long inFlight, long queued, long errors) {
        if (state != State.SHOWING) {
            return;
        }
        state = State.FINISHED;
        long now = nanoClock.getAsLong();
        if (baseline < 0) { // finished before any update
            baseline = 0;
            startNanos = now;
        }
        double elapsed = (now - startNanos) / 1e9;
        long thisRun = done - Math.max(0, baseline);
        // The final speed is the average of the whole run, not the last five seconds'.
        draw(new ProgressFrame(done, total, inFlight, queued, errors, elapsed, elapsed > 0 ? thisRun / elapsed : 0));
        if (terminal) {
            out.println();
        }
        out.flush();
    }

    private ProgressFrame frame(long now, long done, long total, long inFlight, long queued, long errors) {
        return new ProgressFrame(done, total, inFlight, queued, errors, (now - startNanos) / 1e9, rate(now, done));
    }

    private void sample(long now, long done) {
        if (samples.isEmpty() || now - samples.peekLast()[0] >= SAMPLE_EVERY_NANOS) {
            samples.addLast(new long[] {now, done});
        }
        // keep one sample at or before the window's start
        long windowStart = now - RATE_WINDOW.toNanos();
        while (samples.size() >= 2) {
            java.util.Iterator<long[]> it = samples.iterator();
            it.next();
            if (it.next()[0] > windowStart) {
                break;
            }
            samples.removeFirst();
        }
    }

    /** Pages per second over the window once it is full; before that, since the start. */
    private double rate(long now, long done) {
        long[] oldest = samples.peekFirst();
        if (oldest != null && now - oldest[0] >= RATE_WINDOW.toNanos()) {
            return (done - oldest[1]) * 1e9 / (now - oldest[0]);
        }
        long elapsed = now - startNanos;
        return elapsed > 0 ? (done - baseline) * 1e9 / elapsed : 0;
    }

    private void draw(ProgressFrame f) {
        if (terminal) {
            String line = ProgressLine.terminal(f, width);
            out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
        } else {
            out.println(ProgressLine.plain(f));
        }
        out.flush();
    }

    /**
     * Whether standard error (where the display draws) is a terminal, whatever standard input
     * and output are ({@code ./weft demo > out.txt} still gets the bar, {@code 2> log} plain
     * lines): asks {@code [ -t 2 ]} of a shell that inherits our standard error; without a shell,
     * what {@link java.io.Console#isTerminal()} says.
     *
     * @return true for a terminal
     */
    static boolean standardErrorIsTerminal() {
        try {
            Process p = new ProcessBuilder("sh", "-c", "[ -t 2 ]").redirectError(ProcessBuilder.Redirect.INHERIT)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor(2, TimeUnit.SECONDS)) {
                return p.exitValue() == 0;
            }
            p.destroyForcibly();
        } catch (IOException e) {
            // no shell: ask the JDK
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }

    /**
     * The terminal's width: {@code $COLUMNS} if set, else what {@code stty size} says about
     * {@code /dev/tty}, else {@value #DEFAULT_WIDTH}.
     *
     * @return columns
     */
    static int terminalWidth() {
        String columns = System.getenv("COLUMNS");
        if (columns != null && columns.matches("[0-9]{1,4}") && Integer.parseInt(columns) > 0) {
            return Integer.parseInt(columns);
        }
        File tty = new File("/dev/tty");
        if (!tty.exists()) {
            return DEFAULT_WIDTH;
        }
        try {
            Process p = new ProcessBuilder("stty", "size").redirectInput(tty)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String answer = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return DEFAULT_WIDTH;
            }
            String[] rowsCols = answer.split("\\s+");
            if (p.exitValue() == 0 && rowsCols.length == 2 && rowsCols[1].matches("[0-9]{1,4}")) {
                int w = Integer.parseInt(rowsCols[1]);
                return w > 0 ? w : DEFAULT_WIDTH;
            }
        } catch (IOException e) {
            return DEFAULT_WIDTH;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return DEFAULT_WIDTH;
    }
}
