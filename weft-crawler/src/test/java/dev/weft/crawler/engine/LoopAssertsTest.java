package dev.weft.crawler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.EventLoop;
import dev.weft.crawler.frontier.FrontierEntry;
import dev.weft.testing.JavaStatements;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The crawler's loop-owner asserts (the engine's and the commit pipeline's loop-only state) use
 * core's side-effect-free check ({@code EventLoop.holdsLoop()}), as core and http do:
 * {@code EventLoop.inLoop()} may act (in compatibility mode it makes a lent task rejoin the
 * loop), and what the crawler does must not depend on {@code -ea}. The asserts still bite.
 */
class LoopAssertsTest {

    private static final Pattern ASSERT_IN_LOOP = Pattern.compile("\\bassert\\b.*\\binLoop\\(\\)");

    @Test
    void theCommitPipelineCalledFromAnotherThreadIsCaught() {
        assertTrue(StoreWriter.class.desiredAssertionStatus(), "tests run with -ea");
        ExecutorService storeThread = Executors.newSingleThreadExecutor();
        try (EventLoop loop = EventLoop.create()) {
            StoreWriter w = new StoreWriter(loop, null, storeThread, 200, Duration.ofMillis(200), () -> null, e -> { });
            AssertionError e = assertThrows(AssertionError.class,
                    () -> w.queue(new FrontierEntry("http://a.com/", 0, null, 1)), "a plain thread is not the loop");
            assertEquals(null, e.getMessage());
            assertThrows(AssertionError.class, w::flush, "a plain thread is not the loop");
        } finally {
            storeThread.shutdownNow();
        }
    }

    @Test
    void noAssertInTheCrawlerCallsTheInLoopThatMayAct() throws IOException {
        Path root = Path.of("src/main/java");
        assertTrue(Files.isDirectory(root), root.toAbsolutePath().toString());
        // whole statements: an assert split over lines is caught too
        List<String> offenders = JavaStatements.matching(ASSERT_IN_LOOP, root).stream()
                .map(JavaStatements.Statement::toString).toList();
        assertEquals(List.of(), offenders, "asserts must call loop.holdsLoop(), which only looks");
    }
}
