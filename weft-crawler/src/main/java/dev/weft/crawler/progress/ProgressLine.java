package dev.weft.crawler.progress;

import java.util.Locale;

/**
 * Formats a {@link ProgressFrame}: a terminal line that fits the terminal's width, or a plain
 * log line. Pure functions, so that every format is tested without a terminal.
 *
 * <pre>
 * terminal:  45%|█████████           | 912/2013 pages  182 pages/s  ETA 00:06  errors 3  in flight 64  queue 1031  00:05
 * plain:     crawl 00:05: 912/2013 pages (45%), 182 pages/s, ETA 00:06, 64 in flight, 1031 queued, 3 errors
 * </pre>
 *
 * <p>When the terminal is narrower than the whole line, the parts go in this order: the
 * elapsed time, the queue, in flight; then the bar narrows (to {@value #MIN_BAR} cells); then
 * the ETA, the speed, the bar and the errors go. The percentage and pages done / known stay.
 */
public final class ProgressLine {

    /** Block characters: a space, then one to eight eighths of a block (as tqdm). */
    private static final String[] BLOCKS = {" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"};
    private static final int MAX_BAR = 20;
    private static final int MIN_BAR = 5;
    private static final String GAP = "  ";

    private ProgressLine() {
    }

    /**
     * The line for a terminal {@code width} columns wide: at most {@code width - 1} characters
     * (the last column stays free, so that no terminal wraps), never more.
     *
     * @param f the frame to show
     * @param width the terminal's width in columns
     * @return the line, without a line break
     */
    public static String terminal(ProgressFrame f, int width) {
        int room = Math.max(1, width - 1);
        // The parts after the counts, in display order (see the class comment for which go first).
        String[] parts = {
            rate(f.pagesPerSecond()) + " pages/s",
            "ETA " + eta(f),
            f.errors() > 0 ? "errors " + f.errors() : null,
            "in flight " + f.inFlight(),
            "queue " + f.queued(),
            interval(f.elapsedSeconds()),
        };
        int bar = f.total() > 0 ? MAX_BAR : 0;
        int step = 0;
        while (true) {
            String line = compose(f, bar, parts);
            if (line.length() <= room) {
                return line;
            }
            switch (step) {
                case 0 -> parts[ELAPSED] = null;
                case 1 -> parts[QUEUE] = null;
                case 2 -> parts[IN_FLIGHT] = null;
                case 3 -> bar = Math.max(Math.min(bar, MIN_BAR), bar - (line.length() - room));
                case 4 -> parts[ETA] = null;
                case 5 -> parts[SPEED] = null;
                case 6 -> bar = 0;
                case 7 -> parts[ERRORS] = null;
                default -> {
                    return line.substring(0, room);
                }
            }
            step++;
        }
    }

    /** Indexes into the parts of {@link #terminal}. */
    private static final int SPEED = 0;
    private static final int ETA = 1;
    private static final int ERRORS = 2;
    private static final int IN_FLIGHT = 3;
    private static final int QUEUE = 4;
    private static final int ELAPSED = 5;

    private static String compose(ProgressFrame f, int bar, String[] parts) {
        StringBuilder b = new StringBuilder(160);
        double fraction = f.fraction();
        if (fraction >= 0) {
            b.append(String.format(Locale.ROOT, "%3d%%", (int) (fraction * 100)));
            if (bar > 0) {
                b.append('|').append(bar(fraction, bar)).append('|');
            }
            b.append(' ').append(f.done()).append('/').append(f.total());
        } else {
            b.append(f.done());
        }
        b.append(" pages");
        for (String p : parts) {
            if (p != null) {
                b.append(GAP).append(p);
            }
        }
        return b.toString();
    }

    /**
     * The plain line printed when the output is not a terminal (a pipe, a file, a CI log).
     *
     * @param f the frame to show
     * @return the line, without a line break
     */
    public static String plain(ProgressFrame f) {
        StringBuilder b = new StringBuilder(160).append("crawl ").append(interval(f.elapsedSeconds())).append(": ");
        if (f.total() > 0) {
            b.append(f.done()).append('/').append(f.total()).append(" pages (")
                    .append((int) (f.fraction() * 100)).append("%)");
        } else {
            b.append(f.done()).append(" pages");
        }
        b.append(", ").append(rate(f.pagesPerSecond())).append(" pages/s, ETA ").append(eta(f))
                .append(", ").append(f.inFlight()).append(" in flight, ").append(f.queued()).append(" queued, ")
                .append(f.errors()).append(f.errors() == 1 ? " error" : " errors");
        return b.toString();
    }

    /** The bar of {@code width} cells: whole blocks, one partial block in eighths, spaces. */
    static String bar(double fraction, int width) {
        int eighths = (int) (Math.min(1, Math.max(0, fraction)) * width * 8);
        int full = eighths / 8;
        StringBuilder b = new StringBuilder(width).append(BLOCKS[8].repeat(full));
        if (full < width) {
            b.append(BLOCKS[eighths % 8]).append(" ".repeat(width - full - 1));
        }
        return b.toString();
    }

    /** Pages per second: "?" before the first page, one decimal below 10, whole numbers above. */
    static String rate(double perSecond) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            return "?";
        }
        return perSecond < 10 ? String.format(Locale.ROOT, "%.1f", perSecond) : Long.toString(Math.round(perSecond));
    }

    private static String eta(ProgressFrame f) {
        double s = f.etaSeconds();
        return s < 0 ? "?" : interval(s);
    }

    /** {@code MM:SS}, or {@code H:MM:SS} from an hour on (whole seconds, rounded down). */
    static String interval(double seconds) {
        long t = (long) Math.max(0, seconds);
        long h = t / 3600;
        long m = t / 60 % 60;
        long s = t % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s)
                : String.format(Locale.ROOT, "%02d:%02d", m, s);
    }
}
