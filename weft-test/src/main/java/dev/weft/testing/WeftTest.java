package dev.weft.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs each test of the annotated class (or the annotated test) on an event loop of its own,
 * by default on a virtual clock: the body of a {@code @Test}, of each invocation of a
 * {@code @ParameterizedTest} or {@code @RepeatedTest}, of a {@code @TestFactory} and its
 * dynamic tests, and the {@code @BeforeEach} and {@code @AfterEach} methods around them, each
 * as a task on that loop (see {@link WeftExtension}). So they can call {@code Weft.sleep},
 * {@code await}, {@code spawn}, open connections…
 *
 * <pre>{@code
 * @WeftTest
 * class RetryTest {
 *     @ParameterizedTest
 *     @ValueSource(ints = {1, 60, 3600})
 *     void waitsOnTheVirtualClock(int seconds) {
 *         double start = EventLoop.current().time();
 *         Weft.sleep(Duration.ofSeconds(seconds));   // returns at once: the clock jumps
 *         assertEquals(start + seconds, EventLoop.current().time(), 1e-9);
 *     }
 * }
 * }</pre>
 *
 * <p>With {@code virtualClock = true} (the default) the loop's time jumps to the next timer
 * whenever every task waits, so time-dependent code is tested deterministically and
 * instantly. Tasks still running after the last {@code @AfterEach} are cancelled and awaited,
 * as by {@code Weft.run}, and the loop is closed. The test JVM needs Weft's flag for the fast
 * path (Surefire: {@code <argLine>--add-opens java.base/java.lang=ALL-UNNAMED</argLine>});
 * without it the tests still run, in compatibility mode.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(WeftExtension.class)
public @interface WeftTest {
    /**
     * Whether the loop runs on a virtual clock.
     *
     * @return true (the default) for a virtual clock: tests should not wait for real time
     */
    boolean virtualClock() default true;

    /**
     * Whether the loop runs in debug mode (slow steps and pinned threads reported).
     *
     * @return true for debug mode; false by default
     */
    boolean debug() default false;
}
