package dev.weft;

/**
 * Compatibility mode: tells whether a task blocked while holding its loop is blocked in a call
 * the program made (a {@code java.net} socket, {@code Thread.sleep}, a JDBC driver), which the
 * loop may wait out without it (see {@code Task.Baton}), or inside Weft's own code, which counts
 * on holding the loop until it reaches its next wait.
 *
 * <p>The decision reads the blocked thread's stack from the top: the JDK's frames (and those of
 * the logging framework Weft itself may be calling) say nothing about who called; the first
 * frame after them does. A class of Weft ({@code dev.weft.*}) means Weft's own code.
 */
final class BlockedCall {

    /** Frames that belong to no one in particular: the JDK, and the logging Weft logs through. */
    private static final String[] NEUTRAL = {
        "java.", "javax.", "jdk.", "sun.", "com.sun.", "org.slf4j.", "ch.qos.logback.", "org.apache.logging.",
    };

    private BlockedCall() {
    }

    /**
     * True if the first frame from the top that is neither the JDK's nor a logging framework's
     * belongs to the program (not to Weft).
     *
     * @param stack the blocked thread's stack, top first
     */
    static boolean madeByTheProgram(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            String c = frame.getClassName();
            if (!neutral(c)) {
                return !c.startsWith("dev.weft.");
            }
        }
        return false;
    }

    private static boolean neutral(String className) {
        for (String prefix : NEUTRAL) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
