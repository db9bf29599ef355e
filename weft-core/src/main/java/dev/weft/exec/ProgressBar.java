package dev.weft.exec;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A terminal progress bar in tqdm's format:
 *
 * <pre>
 * Diamonds:  46%|████▌     | 24572/53940 [00:00&lt;00:00, 75887.95it/s]
 * </pre>
 *
 * <p>On a terminal it redraws one line in place ({@code \r}) at most every 100 ms; when the
 * output is not a terminal (a file, a pipe, a CI log) it prints a new line at most once a
 * second instead. The first state (0) is drawn when the bar is made and the last one always.
 * {@link #render} is the pure function behind every line.
 *
 * <pre>
 *   create          update / progressed           close
 *  --------> OPEN ------------------------> OPEN --------> CLOSED (final line drawn, newline)
 *    (0 drawn)
 * </pre>
 *
 * <p>The rate is the average since the bar was made (tqdm smooths it instead). Used as a
 * {@link ProgressListener} of {@link Parallel}, it is called on the thread that called
 * {@code map}.
 *
 * <p><b>Thread-safety:</b> every method is safe from any thread (the state is guarded by
 * {@code this}; no user code runs under it).
 */
public final class ProgressBar implements ProgressListener, AutoCloseable {

    /** tqdm's bar characters: a space, then one to eight eighths of a block. */
    private static final String[] BLOCKS = {" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"};
    private static final int BAR_WIDTH = 10;
    private static final long TERMINAL_INTERVAL_NANOS = 100_000_000L;
    private static final long LINES_INTERVAL_NANOS = 1_000_000_000L;

    private final String description;
    private final long total;
    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier nanoClock;
    private final long startNanos;

    // Guarded by `this`.
    private long done;
    private long drawnDone = -1;
    private long lastDrawNanos;
    private int lastLength;
    private boolean closed;

    ProgressBar(String description, long total, PrintStream out, boolean terminal, LongSupplier nanoClock) {
        this.description = Objects.requireNonNull(description, "description");
        this.total = total;
        this.out = Objects.requireNonNull(out, "out");
        this.terminal = terminal;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        synchronized (this) {
            draw(startNanos);
        }
    }

    /**
     * A bar on standard error (as tqdm), redrawn in place if the console is a terminal.
     *
     * @param description the description
     * @param total the number of steps, or 0 if unknown (then no percentage and no bar)
     * @return a bar on standard error (as tqdm), redrawn in place if the console is a terminal
     */
    public static ProgressBar create(String description, long total) {
        java.io.Console console = System.console();
        return create(description, total, System.err, console != null && console.isTerminal());
    }

    /**
     * A bar on {@code out}; {@code terminal} chooses redrawing in place over sparse lines.
     *
     * @param description the description
     * @param total the total
     * @param out the output stream
     * @param terminal true to terminal
     * @return a bar on {@code out}; {@code terminal} chooses redrawing in place over sparse lines
     */
    public static ProgressBar create(String description, long total, PrintStream out, boolean terminal) {
        return new ProgressBar(description, total, out, terminal, System::nanoTime);
    }

    /**
     * Advances by {@code steps} (tqdm's {@code update(n)}).
     *
     * @param steps how many more steps are done
     */
    public synchronized void update(long steps) {
        done += steps;
        maybeDraw();
    }

    /** Sets the number of finished steps (as {@link Parallel} reports them). */
    @Override
    public synchronized void progressed(long done, long total) {
        this.done = done;
        maybeDraw();
    }

    /** {@return how many steps are finished} */
    public synchronized long done() {
        return done;
    }

    /** Draws the final state (if not drawn yet) and ends the line. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (drawnDone != done) {
            draw(nanoClock.getAsLong());
        }
        if (terminal) {
            out.println();
        }
        out.flush();
    }

    private void maybeDraw() {
        if (closed) {
            return;
        }
        long now = nanoClock.getAsLong();
        long interval = terminal ? TERMINAL_INTERVAL_NANOS : LINES_INTERVAL_NANOS;
        if ((total > 0 && done >= total && drawnDone != done) || now - lastDrawNanos >= interval) {
            draw(now);
        }
    }

    private void draw(long now) {
        double elapsed = (now - startNanos) / 1e9;
        String line = render(description, done, total, elapsed, elapsed > 0 ? done / elapsed : 0);
        if (terminal) {
            int pad = Math.max(0, lastLength - line.length());
            out.print("\r" + line + " ".repeat(pad));
            lastLength = line.length();
        } else {
            out.println(line);
        }
        out.flush();
        drawnDone = done;
        lastDrawNanos = now;
    }

    /**
     * One line of the bar, exactly as tqdm prints it:
     * {@code DESC: PCT%|BAR| DONE/TOTAL [ELAPSED<REMAINING, RATE]}, or
     * {@code DESC: DONEit [ELAPSED, RATE]} when {@code total} is 0 (unknown). A rate of 0 or
     * NaN shows as {@code ?}; below one per second it shows seconds per step ({@code s/it}).
     *
     * @param description the prefix; empty for none
     * @param done how many are done
     * @param total the total
     * @param elapsedSeconds time since the start
     * @param ratePerSecond steps per second
     * @return the line
     */
    public static String render(String description, long done, long total, double elapsedSeconds,
                                double ratePerSecond) {
        boolean rateKnown = ratePerSecond > 0 && !Double.isInfinite(ratePerSecond);
        String prefix = description.isEmpty() ? "" : description + ": ";
        String rate;
        if (rateKnown && 1 / ratePerSecond > 1) {
            rate = fixed(1 / ratePerSecond, 2, 5) + "s/it";
        } else {
            rate = (rateKnown ? fixed(ratePerSecond, 2, 5) : "?") + "it/s";
        }
        String elapsed = formatInterval(elapsedSeconds);
        if (total <= 0) {
            return prefix + done + "it [" + elapsed + ", " + rate + "]";
        }
        double fraction = (double) done / total;
        String remaining = rateKnown ? formatInterval(Math.max(0, (total - done) / ratePerSecond)) : "?";
        return prefix + fixed(fraction * 100, 0, 3) + "%|" + bar(fraction) + "| " + done + "/" + total
                + " [" + elapsed + "<" + remaining + ", " + rate + "]";
    }

    /** The bar itself: whole blocks, one partial block in eighths, spaces. */
    static String bar(double fraction) {
        double f = Math.min(1, Math.max(0, fraction));
        int eighths = (int) (f * BAR_WIDTH * 8);
        int full = eighths / 8;
        StringBuilder b = new StringBuilder(BLOCKS[8].repeat(full));
        if (full < BAR_WIDTH) {
            b.append(BLOCKS[eighths % 8]).append(" ".repeat(BAR_WIDTH - full - 1));
        }
        return b.toString();
    }

    /** {@code [H:]MM:SS} of whole seconds (tqdm's {@code format_interval}). */
    static String formatInterval(double seconds) {
        long t = (long) seconds;
        long h = t / 3600;
        long m = t / 60 % 60;
        long s = t % 60;
        return h > 0 ? String.format("%d:%02d:%02d", h, m, s) : String.format("%02d:%02d", m, s);
    }

    /**
     * Python's {@code '{:W.Df}'.format(v)}: rounded half-to-even from the exact binary value,
     * padded on the left to {@code width}.
     */
    static String fixed(double v, int decimals, int width) {
        String s = new BigDecimal(v).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }
}
