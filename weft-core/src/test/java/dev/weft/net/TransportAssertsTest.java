package dev.weft.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.EventLoop;
import dev.weft.Weft;
import dev.weft.testing.JavaStatements;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The transports' loop-owner asserts (issue 9 §6): they still catch a loop-only method called
 * from another thread, and they never act. {@code EventLoop.inLoop()} may act (in compatibility
 * mode it makes a task the loop lent out rejoin the loop), so an {@code assert} calling it would
 * make the program behave differently with and without {@code -ea}; asserts call
 * {@code holdsLoop()}, which only looks.
 */
class TransportAssertsTest {

    private static final Pattern ASSERT_IN_LOOP = Pattern.compile("\\bassert\\b.*\\binLoop\\(\\)");

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
        List<Path> roots = List.of(Path.of("src/main/java"), Path.of("../weft-http/src/main/java"));
        for (Path root : roots) {
            assertTrue(Files.isDirectory(root), root.toAbsolutePath().toString());
        }
        // whole statements: an assert split over lines is caught too
        List<String> offenders = JavaStatements.matching(ASSERT_IN_LOOP, roots.toArray(Path[]::new)).stream()
                .map(JavaStatements.Statement::toString).toList();
        assertEquals(List.of(), offenders, "assert holdsLoop() instead: an assert must not act");
    }
}
