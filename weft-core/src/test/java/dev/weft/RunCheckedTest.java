package dev.weft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weft.net.Streams;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code try { Weft.runChecked(() -> io()) } catch (IOException e)}: the body's checked
 * exception comes back as itself, where {@code Weft.run} wraps it in a TaskFailedException.
 */
class RunCheckedTest {

    /** A port nobody listens on: bound, then closed. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void theBodysIOExceptionIsCaughtAsAnIOException() throws IOException {
        int port = closedPort();
        AtomicReference<IOException> thrown = new AtomicReference<>();
        try {
            Weft.runChecked(() -> {
                try {
                    return Streams.openConnection("127.0.0.1", port);
                } catch (IOException e) {
                    thrown.set(e);
                    throw e;
                }
            });
        } catch (IOException e) { // compiles: runChecked throws the body's IOException
            assertInstanceOf(ConnectException.class, e);
            assertSame(thrown.get(), e, "the very exception the body threw");
            return;
        }
        throw new AssertionError("no exception");
    }

    @Test
    void weftRunWrapsTheSameExceptionWhereRunCheckedDoesNot() throws IOException {
        int port = closedPort();
        TaskFailedException wrapped = assertThrows(TaskFailedException.class,
                () -> Weft.run(() -> Streams.openConnection("127.0.0.1", port)));
        assertInstanceOf(ConnectException.class, wrapped.getCause());
    }

    @Test
    void resultsVoidBodiesAndUncheckedExceptionsAsWithRun() throws IOException {
        assertEquals("done", Weft.runChecked(() -> {
            Weft.sleep(0.01);
            return "done";
        })); // a body without checked exceptions needs no catch
        AtomicReference<String> ran = new AtomicReference<>();
        Weft.runChecked(() -> ran.set(Task.current().name()));
        assertEquals(false, ran.get() == null, "ran as a task");
        IllegalStateException unchecked = new IllegalStateException("as it is");
        assertSame(unchecked, assertThrows(IllegalStateException.class, () -> Weft.runChecked(() -> {
            throw unchecked;
        })));
        IOException io = new IOException("void body");
        assertSame(io, assertThrows(IOException.class, () -> Weft.runChecked(() -> {
            Weft.sleep(0.01);
            if (io != null) {
                throw io;
            }
        })));
    }

    @Test
    void aChildTasksWrappedExceptionStaysWrapped() {
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> Weft.runChecked(() -> {
            return Weft.gather(Weft.spawn(() -> {
                throw new IOException("child");
            }));
        }));
        assertEquals("child", e.getCause().getMessage());
    }
}
