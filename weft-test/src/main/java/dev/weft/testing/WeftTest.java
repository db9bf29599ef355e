package dev.weft.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs each test method of the annotated class (or the annotated method) as the main task of a
 * fresh event loop, so the test body can call {@code Weft.sleep}, {@code await}, spawn tasks…
 *
 * <pre>{@code
 * @WeftTest(virtualClock = true)
 * class RetryTest {
 *     @Test void givesUpAfterAnHour() {
 *         Weft.sleep(Duration.ofHours(1));   // returns at once: the clock jumps
 *     }
 * }
 * }</pre>
 *
 * <p>With {@code virtualClock = true} the loop's time jumps to the next timer whenever every
 * task waits, so time-dependent code is tested deterministically and instantly. Tasks left
 * running when the test body returns are cancelled and awaited, as by {@code Weft.run}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(WeftExtension.class)
public @interface WeftTest {
    /** Run on a virtual clock (default true: tests should not wait for real time). */
    boolean virtualClock() default true;

    /** Turn on debug mode for the loop. */
    boolean debug() default false;
}
