package dev.weft;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingStream;

/**
 * Reads the JDK's {@code jdk.VirtualThreadPinned} events in-process and reports them through
 * {@link Debug}. A task that blocks while pinned (in a native frame, a class initialiser…)
 * blocks its whole loop: this names it.
 *
 * <p>The events are read on a daemon thread of Weft's own ({@code weft-pinned-monitor}):
 * {@code RecordingStream.startAsync} would read them on a non-daemon thread of the JDK's, which
 * kept every program that turned debug mode on alive after its {@code main} returned.
 */
final class PinnedMonitor {

    private PinnedMonitor() {
    }

    static void start() throws InterruptedException {
        RecordingStream rs = new RecordingStream();
        rs.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ofMillis(20)).withStackTrace();
        rs.onEvent("jdk.VirtualThreadPinned", PinnedMonitor::report);
        rs.setReuse(false);
        CountDownLatch running = new CountDownLatch(1);
        FlightRecorderListener listener = new FlightRecorderListener() {
            @Override
            public void recordingStateChanged(Recording recording) {
                if (recording.getState() == RecordingState.RUNNING) {
                    running.countDown();
                }
            }
        };
        FlightRecorder.addListener(listener);
        try {
            Thread.ofPlatform().daemon().name("weft-pinned-monitor").start(rs::start);
            // the recording is on when this returns (bounded: JFR normally starts in well under a second)
            running.await(5, TimeUnit.SECONDS);
        } finally {
            FlightRecorder.removeListener(listener);
        }
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
