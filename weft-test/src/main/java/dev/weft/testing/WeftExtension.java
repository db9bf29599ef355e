package dev.weft.testing;

import dev.weft.EventLoop;
import dev.weft.Weft;
import java.lang.reflect.Method;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link WeftTest}: intercepts each test method and runs its
 * body as the main task of a new loop with {@code Weft.run}. Stateless and thread-safe.
 */
public final class WeftExtension implements InvocationInterceptor {

    /** Creates the extension (JUnit does this). */
    public WeftExtension() {
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                    ExtensionContext context) throws Throwable {
        WeftTest settings = find(context).orElse(null);
        boolean virtual = settings == null || settings.virtualClock();
        EventLoop loop = virtual ? EventLoop.createWithVirtualClock() : EventLoop.create();
        if (settings != null && settings.debug()) {
            loop.setDebug(true);
        }
        Throwable[] failure = new Throwable[1];
        Weft.run(loop, () -> {
            try {
                invocation.proceed();
            } catch (Throwable t) {
                failure[0] = t;
            }
            return null;
        });
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    private static Optional<WeftTest> find(ExtensionContext context) {
        Optional<WeftTest> onMethod = context.getTestMethod()
                .flatMap(m -> AnnotationSupport.findAnnotation(m, WeftTest.class));
        if (onMethod.isPresent()) {
            return onMethod;
        }
        return context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, WeftTest.class));
    }
}
