package dev.weft.testing;

import dev.weft.EventLoop;
import dev.weft.Task;
import dev.weft.Weft;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.DynamicTestInvocationContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link WeftTest}. Each test gets one event loop of its own
 * (on a virtual clock unless {@link WeftTest#virtualClock()} says otherwise), and every method
 * JUnit runs for that test runs as a task on it, one after the other, on JUnit's thread:
 *
 * <pre>{@code
 *  @BeforeEach methods ──> the test body ──────────────────> @AfterEach methods ──> clean-up
 *  (each a task;           (@Test, each invocation of a       (each a task)          tasks still
 *   spawned tasks live on)  @ParameterizedTest/@RepeatedTest,                          alive are
 *                           a @TestFactory and its dynamic                             cancelled and
 *                           tests)                                                     awaited; the
 *                                                                                      loop is closed
 * }</pre>
 *
 * <p>The loop runs only while one of those methods runs ({@link EventLoop#runUntilComplete}),
 * so a server or a task started in {@code @BeforeEach} is there for the test body, and
 * between two methods nothing moves, not even the virtual clock. {@code @BeforeAll} and
 * {@code @AfterAll} methods are not intercepted: they run before the first and after the last
 * loop, as plain JUnit code.
 *
 * <p>Stateless and thread-safe; the loop of a test lives in the test's extension store.
 */
public final class WeftExtension implements InvocationInterceptor, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(WeftExtension.class);
    private static final String LOOP = "loop";

    /** Creates the extension (JUnit does this). */
    public WeftExtension() {
    }

    @Override
    public void interceptBeforeEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                          ExtensionContext context) throws Throwable {
        loopOf(context).run(invocation);
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                    ExtensionContext context) throws Throwable {
        loopOf(context).run(invocation);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                            ExtensionContext context) throws Throwable {
        loopOf(context).run(invocation);
    }

    @Override
    public <T> T interceptTestFactoryMethod(Invocation<T> invocation, ReflectiveInvocationContext<Method> call,
                                            ExtensionContext context) throws Throwable {
        return loopOf(context).run(invocation);
    }

    @Override
    public void interceptDynamicTest(Invocation<Void> invocation, DynamicTestInvocationContext call,
                                     ExtensionContext context) throws Throwable {
        loopOf(context).run(invocation);
    }

    @Override
    public void interceptAfterEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                         ExtensionContext context) throws Throwable {
        loopOf(context).run(invocation);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestLoop loop = context.getStore(NAMESPACE).remove(LOOP, TestLoop.class);
        if (loop != null) {
            loop.close();
        }
    }

    /** The test's loop, made on first use (a dynamic test finds its factory's loop). */
    private static TestLoop loopOf(ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(LOOP, key -> new TestLoop(find(context)),
                TestLoop.class);
    }

    private static WeftTest find(ExtensionContext context) {
        Optional<WeftTest> onMethod = context.getTestMethod()
                .flatMap(m -> AnnotationSupport.findAnnotation(m, WeftTest.class));
        if (onMethod.isPresent()) {
            return onMethod.get();
        }
        return context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, WeftTest.class)).orElse(null);
    }

    /**
     * One test's loop. Used from JUnit's thread only, one method at a time. {@link #close()}
     * is idempotent, and JUnit also calls it when the store is closed (a test that failed
     * before its {@code afterEach}).
     */
    private static final class TestLoop implements AutoCloseable {
        private final EventLoop loop;

        TestLoop(WeftTest settings) {
            boolean virtual = settings == null || settings.virtualClock();
            loop = virtual ? EventLoop.createWithVirtualClock() : EventLoop.create();
            if (settings != null && settings.debug()) {
                loop.setDebug(true);
            }
        }

        /** Runs the invocation as a task on the loop and returns what it returned or throws what it threw. */
        @SuppressWarnings("unchecked")
        <T> T run(Invocation<T> invocation) throws Throwable {
            Object[] result = new Object[1];
            Throwable[] failure = new Throwable[1];
            loop.runUntilComplete(() -> {
                try {
                    result[0] = invocation.proceed();
                } catch (Throwable t) {
                    failure[0] = t;
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
            return (T) result[0];
        }

        /** As {@code Weft.run} ends: cancels the tasks still alive, awaits them, closes the loop. */
        @Override
        public void close() {
            if (loop.isClosed()) {
                return;
            }
            try {
                for (int round = 0; round < 10 && !loop.allTasks().isEmpty(); round++) {
                    List<Task<?>> alive = new ArrayList<>(loop.allTasks());
                    for (Task<?> t : alive) {
                        t.cancel("the test is over");
                    }
                    loop.runUntilComplete(() -> {
                        Weft.gatherReturningExceptions(alive);
                    });
                }
            } finally {
                loop.close();
            }
        }
    }
}
