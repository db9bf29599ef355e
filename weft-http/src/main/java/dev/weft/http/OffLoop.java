package dev.weft.http;

import dev.weft.CancelledException;
import dev.weft.Coroutine;
import dev.weft.Future;
import dev.weft.Task;
import dev.weft.TaskFailedException;
import dev.weft.Weft;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Runs blocking file-system calls (stat, open, realpath) off the loop: in a task, on the loop's
 * executor while the task parks (a disk call would otherwise hold the whole loop); outside a
 * task, directly. File contents are read with {@link FileReads}, which uses it. Used by the
 * client and the server.
 */
public final class OffLoop {

    private OffLoop() {
    }

    /**
     * {@code call} off the loop; its IOException comes out as it is.
     *
     * @param <T> the result type
     * @param call the blocking call
     * @return the result
     * @throws IOException if an I/O error occurs
     */
    public static <T> T call(Coroutine<T> call) throws IOException {
        return call(call, null);
    }

    /**
     * {@code call} off the loop. If the calling task is cancelled while {@code call} runs, the call
     * still finishes on its thread; {@code abandoned} then gets its result (to close a file it
     * opened).
     *
     * @param <T> the result type
     * @param call the blocking call
     * @param abandoned the abandoned
     * @return the result
     * @throws IOException if an I/O error occurs
     */
    public static <T> T call(Coroutine<T> call, Consumer<? super T> abandoned) throws IOException {
        try {
            if (Task.current() == null) {
                return call.call();
            }
            Future<T> f = Weft.runInExecutor(null, call);
            try {
                return Weft.shield(f).await();
            } catch (CancelledException e) {
                f.addDoneCallback(done -> {
                    if (done.state() == Future.State.FAILED) {
                        done.exception(); // nobody waits for it any more: not an unretrieved failure
                    } else if (done.state() == Future.State.RESULT && abandoned != null && done.result() != null) {
                        abandoned.accept(done.result());
                    }
                });
                throw e;
            }
        } catch (TaskFailedException e) {
            throw e.rethrowIoCause();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
