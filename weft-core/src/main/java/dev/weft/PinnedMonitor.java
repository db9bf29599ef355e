package dev.weft;

import java.time.Duration;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingStream;

/**
 * Reads the JDK's {@code jdk.VirtualThreadPinned} events in-process and reports them through
 * {@link Debug}. A task that blocks while pinned (in a native frame, a class initialiser…)
 * blocks its whole loop: this names it.
 */
final class PinnedMonitor {

    private PinnedMonitor() {
    }

    static void start() {
        RecordingStream rs = new RecordingStream();
        rs.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ofMillis(20)).withStackTrace();
        rs.onEvent("jdk.VirtualThreadPinned", PinnedMonitor::report);
        rs.setReuse(false);
        rs.startAsync(); // the recording is on when this returns; events are read on JFR's thread
    }

    private static void report(RecordedEvent e) {
        StringBuilder sb = new StringBuilder();
        RecordedStackTrace st = e.getStackTrace();
        if (st != null) {
            for (RecordedFrame f : st.getFrames()) {
                sb.append("\tat ").append(f.getMethod().getType().getName()).append('.')
                        .append(f.getMethod().getName()).append(" line ").append(f.getLineNumber()).append('\n');
            }
        }
        String name = e.getThread() != null ? e.getThread().getJavaName() : "?";
        Debug.reportPinned(name, e.getDuration(), sb.toString());
    }
}
