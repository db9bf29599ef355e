package dev.weft.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.EventLoop;
import dev.weft.Weft;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The transports' loop-owner asserts (issue 9 §6): they still catch a loop-only method called
 * from another thread, and they never act. {@code EventLoop.inLoop()} may act (in compatibility
 * mode it makes a task the loop lent out rejoin the loop), so an {@code assert} calling it would
 * make the program behave differently with and without {@code -ea}; asserts call
 * {@code holdsLoop()}, which only looks.
 */
class TransportAssertsTest {

    private static final Pattern ASSERT_IN_LOOP = Pattern.compile("\\bassert\\b[^;]*\\binLoop\\(\\)");

    @Test
    void aTransportsLoopOnlyMethodCalledFromAnotherThreadIsCaught() {
        assertTrue(AbstractTransport.class.desiredAssertionStatus(), "tests run with -ea");
        Weft.run(() -> {
            PipeTransport t = PipeTransport.forOutput(EventLoop.running(), OutputStream.nullOutputStream(), "sink");
            try {
                t.forceWakeDrainWaiter(); // on the loop: allowed
                Weft.toThread(() -> {
                    assertThrows(AssertionError.class, t::forceWakeDrainWaiter, "a plain thread is not the loop");
                    assertThrows(AssertionError.class, t::wakeDrainWaiter, "a plain thread is not the loop");
                });
            } finally {
                t.abort();
            }
        });
    }

    @Test
    void noAssertInCoreOrHttpCallsTheInLoopThatMayAct() throws IOException {
        List<String> offenders = new ArrayList<>();
        for (Path root : List.of(Path.of("src/main/java"), Path.of("../weft-http/src/main/java"))) {
            assertTrue(Files.isDirectory(root), root.toAbsolutePath().toString());
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(f);
                    for (int i = 0; i < lines.size(); i++) {
                        if (ASSERT_IN_LOOP.matcher(lines.get(i)).find()) {
                            offenders.add(root.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), offenders, "assert holdsLoop() instead: an assert must not act");
    }
}
