package dev.weft.http;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what the tests' logger (slf4j-simple, which writes to {@code System.err} as it is at
 * each call) prints while it is open, and still passes it on to the real {@code System.err}.
 */
public final class LogCapture implements AutoCloseable {

    private final PrintStream original;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private LogCapture() {
        original = System.err;
        PrintStream tee = new PrintStream(new java.io.OutputStream() {
            @Override
            public synchronized void write(int b) {
                captured.write(b);
                original.write(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                original.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8);
        System.setErr(tee);
    }

    /** Starts capturing. */
    public static LogCapture start() {
        return new LogCapture();
    }

    /** What was logged so far. */
    public synchronized String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
