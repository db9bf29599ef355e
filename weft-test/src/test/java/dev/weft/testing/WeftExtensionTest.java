package dev.weft.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.EventLoop;
import dev.weft.Task;
import dev.weft.Weft;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every method JUnit runs for a {@code @WeftTest} test is a task on that test's loop, on a
 * virtual clock: the body of a {@code @Test}, of each {@code @ParameterizedTest} and
 * {@code @RepeatedTest} invocation, of a {@code @TestFactory} and its dynamic tests, and the
 * {@code @BeforeEach} and {@code @AfterEach} methods around them.
 */
@WeftTest
class WeftExtensionTest {

    private static final AtomicInteger TESTS = new AtomicInteger();
    private static final AtomicInteger HELPERS_CANCELLED_AFTER_THE_TEST = new AtomicInteger();

    private EventLoop loop;
    private Task<Void> helper;
    private double start;

    @BeforeEach
    void beforeEachRunsAsATaskAndItsTasksLiveOn() {
        assertNotNull(Task.current(), "@BeforeEach runs as a task");
        loop = EventLoop.current();
        assertTrue(loop.hasVirtualClock());
        start = loop.time();
        Weft.sleep(Duration.ofMinutes(1)); // instant: the clock jumps
        assertEquals(start + 60, loop.time(), 1e-9);
        start = loop.time();
        helper = Weft.spawn("helper", () -> {
            try {
                Weft.sleep(Duration.ofDays(3650));
            } finally {
                if (EventLoop.current().time() - start < 3650 * 86400.0) {
                    HELPERS_CANCELLED_AFTER_THE_TEST.incrementAndGet();
                }
            }
        });
    }

    @AfterEach
    void afterEachRunsAsATaskOnTheSameLoopBeforeLeftoversAreCancelled() {
        assertNotNull(Task.current(), "@AfterEach runs as a task");
        assertSame(loop, EventLoop.current(), "the test's own loop");
        assertFalse(helper.isDone(), "a task spawned in @BeforeEach is cancelled only after @AfterEach");
        TESTS.incrementAndGet();
    }

    @AfterAll
    static void everyHelperWasCancelledWhenItsTestEnded() {
        assertEquals(TESTS.get(), HELPERS_CANCELLED_AFTER_THE_TEST.get());
    }

    private void assertOnTheTestsLoopWithItsHelper() {
        assertNotNull(Task.current(), "runs as a task");
        assertSame(loop, EventLoop.current(), "on the loop of @BeforeEach");
        assertFalse(helper.isDone(), "the helper spawned in @BeforeEach is still alive");
    }

    @Test
    void aTestBodyRunsAsATask() {
        assertOnTheTestsLoopWithItsHelper();
        Weft.sleep(Duration.ofHours(2));
        assertEquals(start + 7200, loop.time(), 1e-9, "between methods the clock does not move");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 24, 8760})
    void eachParameterizedInvocationRunsAsATaskOnAVirtualClock(int hours) {
        assertOnTheTestsLoopWithItsHelper();
        Weft.sleep(Duration.ofHours(hours));
        assertEquals(start + hours * 3600.0, loop.time(), 1e-6);
        assertEquals(List.of(hours, hours), Weft.gather(Weft.spawn(() -> hours), Weft.spawn(() -> hours)));
    }

    @RepeatedTest(3)
    void eachRepetitionRunsAsATask() {
        assertOnTheTestsLoopWithItsHelper();
        assertEquals("done", Weft.waitFor(Duration.ofSeconds(10), Weft.spawn(() -> {
            Weft.sleep(Duration.ofSeconds(5));
            return "done";
        })));
    }

    @TestFactory
    Stream<DynamicTest> aTestFactoryAndItsDynamicTestsRunAsTasks() {
        assertOnTheTestsLoopWithItsHelper();
        return Stream.of(1, 2).map(n -> DynamicTest.dynamicTest("dynamic " + n, () -> {
            assertOnTheTestsLoopWithItsHelper();
            Weft.sleep(Duration.ofHours(n));
        }));
    }
}
