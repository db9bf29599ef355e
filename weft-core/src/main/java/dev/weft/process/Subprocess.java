package dev.weft.process;

import dev.weft.CancelledException;
import dev.weft.EventLoop;
import dev.weft.Future;
import dev.weft.InvalidStateException;
import dev.weft.Signal;
import dev.weft.Task;
import dev.weft.TaskFailedException;
import dev.weft.Weft;
import dev.weft.internal.Loggers;
import dev.weft.net.StreamPipes;
import dev.weft.net.StreamReader;
import dev.weft.net.StreamWriter;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;

/**
 * A child process with Weft streams for its pipes (asyncio's {@code create_subprocess_exec} /
 * {@code create_subprocess_shell} and {@code asyncio.subprocess.Process}).
 *
 * <pre>{@code
 * try (Subprocess p = Subprocess.exec(List.of("ls", "-l"), SubprocessOptions.defaults().stdout(Redirect.PIPE))) {
 *     for (String line : p.stdout().lines()) {      // async for line in proc.stdout
 *         System.out.println("ls> " + line);
 *     }
 *     int code = p.waitFor();                        // await proc.wait()
 * }                                                  // kills the child if it still runs
 * }</pre>
 *
 * <pre>
 *   exec/shell         child exits (waitFor returns, returnCode() set)
 *  ------------> RUNNING ---------------------------------------------> EXITED
 *                   |  terminate() / kill() / sendSignal() / close()        ^
 *                   +------------------------------------------------------+
 * </pre>
 *
 * <p><b>Loop and threads.</b> {@code exec}/{@code shell} run in a task and bind the process to
 * that task's loop; use its streams from tasks of that loop. Starting the process (fork/exec)
 * happens on a helper thread, so the loop never blocks; Java's pipe streams are blocking, so
 * each piped stream is served by a pump thread ({@link StreamPipes}), and one more helper thread
 * waits for the exit. Helpers are daemon platform threads of shared pools, never loop threads.
 * They count as external work for a virtual-clock loop: its clock stands still while a child
 * runs (test subprocesses with the real clock).
 *
 * <p><b>Back-pressure.</b> A child writing faster than its reader consumes is held by the pipe:
 * the pump stops reading once twice {@link SubprocessOptions#limit()} is unread. Writes to
 * stdin never block; {@link StreamWriter#drain()} waits while more than 64 KiB are queued.
 *
 * <p><b>Exit codes</b> are Java's: the child's exit status, or 128 + N if signal N ended it
 * (143 for SIGTERM, 137 for SIGKILL), where asyncio reports -N. Java does not tell a child killed
 * by SIGTERM from one that called {@code exit(143)}.
 *
 * <p><b>Thread-safety.</b> {@link #pid}, {@link #returnCode}, {@link #terminate}, {@link #kill}
 * and {@link #close} are safe from any thread; the streams, {@link #communicate} and
 * {@link #sendSignal} belong to tasks of the process's loop. {@link #waitFor} may also be called
 * from a plain thread (it blocks it).
 */
public final class Subprocess implements AutoCloseable {

    private static final Logger LOG = Loggers.get(Subprocess.class);
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();
    /** Starts processes and waits for their exit; daemon platform threads, never loop threads. */
    private static final ExecutorService HELPERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "weft-process-" + THREAD_IDS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private static final File NULL_FILE = new File(
            System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");

    /**
     * What {@link #communicate} collected (asyncio's {@code (stdout, stderr)} tuple, plus the exit code).
     *
     * @param stdout the child's whole stdout, or null if stdout was not piped
     * @param stderr the child's whole stderr, or null if stderr was not piped (or merged into stdout)
     * @param exitCode the exit code, as {@link #waitFor()} returns it
     */
    public record Output(byte[] stdout, byte[] stderr, int exitCode) {

        /** {@return stdout decoded as UTF-8, or null} */
        public String stdoutText() {
            return stdout == null ? null : new String(stdout, StandardCharsets.UTF_8);
        }

        /** {@return stderr decoded as UTF-8, or null} */
        public String stderrText() {
            return stderr == null ? null : new String(stderr, StandardCharsets.UTF_8);
        }
    }

    private final EventLoop loop;
    private final Process process;
    private final List<String> command;
    private final SubprocessOptions options;
    private final StreamWriter stdin;
    private final StreamPipes.ReadPipe stdout;
    private final StreamPipes.ReadPipe stderr;
    private final Future<Integer> exit;

    private Subprocess(EventLoop loop, Process process, List<String> command, SubprocessOptions options) {
        this.loop = loop;
        this.process = process;
        this.command = command;
        this.options = options;
        String tag = "pid " + process.pid();
        this.stdin = options.stdin() == SubprocessOptions.Redirect.PIPE
                ? StreamPipes.writePipe(loop, process.getOutputStream(), tag + " stdin") : null;
        this.stdout = options.stdout() == SubprocessOptions.Redirect.PIPE
                ? StreamPipes.readPipe(loop, process.getInputStream(), tag + " stdout", options.limit()) : null;
        this.stderr = options.stderr() == SubprocessOptions.Redirect.PIPE
                ? StreamPipes.readPipe(loop, process.getErrorStream(), tag + " stderr", options.limit()) : null;
        this.exit = loop.runInExecutor(HELPERS, () -> {
            int code = process.waitFor();
            LOG.debug("pid {} exited with {}", process.pid(), code);
            return code;
        });
    }

    // ------------------------------------------------------------------ starting

    /**
     * Runs {@code command} with {@link SubprocessOptions#defaults()} (all streams inherited).
     *
     * @param command the command and its arguments
     * @return the subprocess
     * @throws IOException if an I/O error occurs
     */
    public static Subprocess exec(List<String> command) throws IOException {
        return exec(command, SubprocessOptions.defaults());
    }

    /**
     * Runs {@code command} (program and arguments, no shell) with {@link SubprocessOptions#defaults()}.
     *
     * @param command the command and its arguments
     * @return the subprocess
     * @throws IOException if an I/O error occurs
     */
    public static Subprocess exec(String... command) throws IOException {
        return exec(List.of(command), SubprocessOptions.defaults());
    }

    /**
     * Starts {@code command} — the program and its arguments, no shell involved (asyncio's
     * {@code create_subprocess_exec}). Parks the calling task while the process starts; a
     * cancellation point (a process that starts after the caller was cancelled is killed).
     *
     * @param command the command and its arguments
     * @param options the options
     * @return the subprocess
     * @throws IOException if the program cannot be started, e.g. {@code Cannot run program
     *         "nosuch": error=2, No such file or directory}
     * @throws InvalidStateException outside a task
     */
    public static Subprocess exec(List<String> command, SubprocessOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        List<String> cmd = List.copyOf(command);
        if (cmd.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        if (Task.current() == null) {
            throw new InvalidStateException("Subprocess.exec runs in a task (see Weft.run)");
        }
        EventLoop loop = EventLoop.running();
        ProcessBuilder pb = builder(cmd, options);
        Future<Process> started = loop.runInExecutor(HELPERS, pb::start);
        Process p;
        try {
            p = Weft.shield(started).await();
        } catch (CancelledException e) {
            started.addDoneCallback(f -> {
                if (f.state() == Future.State.RESULT) {
                    LOG.debug("start of {} was cancelled: killing pid {}", cmd, f.result().pid());
                    f.result().destroyForcibly();
                }
            });
            throw e;
        } catch (TaskFailedException e) {
            throw e.rethrowIoCause();
        }
        LOG.debug("started pid {}: {} ({})", p.pid(), cmd, options);
        return new Subprocess(loop, p, cmd, options);
    }

    /**
     * Runs {@code command} with {@code /bin/sh -c} and {@link SubprocessOptions#defaults()}.
     *
     * @param command the command and its arguments
     * @return the subprocess
     * @throws IOException if an I/O error occurs
     */
    public static Subprocess shell(String command) throws IOException {
        return shell(command, SubprocessOptions.defaults());
    }

    /**
     * Runs {@code command} with {@code /bin/sh -c} (asyncio's {@code create_subprocess_shell});
     * the command is interpreted by the shell, so quote what comes from users.
     *
     * @param command the command and its arguments
     * @param options the options
     * @return the subprocess
     * @throws IOException if an I/O error occurs
     */
    public static Subprocess shell(String command, SubprocessOptions options) throws IOException {
        return exec(List.of("/bin/sh", "-c", command), options);
    }

    private static ProcessBuilder builder(List<String> cmd, SubprocessOptions o) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        switch (o.stdin()) {
            case PIPE -> pb.redirectInput(ProcessBuilder.Redirect.PIPE);
            case INHERIT -> pb.redirectInput(ProcessBuilder.Redirect.INHERIT);
            default -> pb.redirectInput(ProcessBuilder.Redirect.from(NULL_FILE));
        }
        pb.redirectOutput(output(o.stdout()));
        if (o.stderr() == SubprocessOptions.Redirect.STDOUT) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(output(o.stderr()));
        }
        if (o.cwd() != null) {
            pb.directory(o.cwd().toFile());
        }
        if (o.env() != null) {
            pb.environment().clear();
            pb.environment().putAll(o.env());
        }
        pb.environment().putAll(o.extraEnv());
        return pb;
    }

    private static ProcessBuilder.Redirect output(SubprocessOptions.Redirect r) {
        return switch (r) {
            case PIPE -> ProcessBuilder.Redirect.PIPE;
            case INHERIT -> ProcessBuilder.Redirect.INHERIT;
            default -> ProcessBuilder.Redirect.DISCARD;
        };
    }

    // ------------------------------------------------------------------ streams

    /**
     * The child's stdin (asyncio's {@code proc.stdin}); close it (or {@code writeEof}) to send
     * end of input.
     *
     * @return the child's stdin (asyncio's {@code proc.stdin}); close it (or {@code writeEof}) to send end of input
     * @throws InvalidStateException unless stdin is {@link SubprocessOptions.Redirect#PIPE}
     */
    public StreamWriter stdin() {
        if (stdin == null) {
            throw new InvalidStateException("stdin of pid " + pid() + " is not a pipe (" + options.stdin()
                    + "); start the process with SubprocessOptions.stdin(Redirect.PIPE)");
        }
        return stdin;
    }

    /**
     * The child's stdout (asyncio's {@code proc.stdout}).
     *
     * @return the child's stdout (asyncio's {@code proc.stdout})
     * @throws InvalidStateException unless stdout is {@link SubprocessOptions.Redirect#PIPE}
     */
    public StreamReader stdout() {
        if (stdout == null) {
            throw new InvalidStateException("stdout of pid " + pid() + " is not a pipe (" + options.stdout()
                    + "); start the process with SubprocessOptions.stdout(Redirect.PIPE)");
        }
        return stdout.reader();
    }

    /**
     * The child's stderr (asyncio's {@code proc.stderr}).
     *
     * @return the child's stderr (asyncio's {@code proc.stderr})
     * @throws InvalidStateException unless stderr is {@link SubprocessOptions.Redirect#PIPE}
     */
    public StreamReader stderr() {
        if (stderr == null) {
            throw new InvalidStateException("stderr of pid " + pid() + " is not a pipe (" + options.stderr()
                    + "); start the process with SubprocessOptions.stderr(Redirect.PIPE)");
        }
        return stderr.reader();
    }

    // ------------------------------------------------------------------ state

    /** {@return the child's process id} */
    public long pid() {
        return process.pid();
    }

    /** {@return the command as started ({@code [/bin/sh, -c, ...]} for {@link #shell})} */
    public List<String> command() {
        return command;
    }

    /** {@return the JDK's handle of the child, e.g} for {@code descendants()}. */
    public ProcessHandle toHandle() {
        return process.toHandle();
    }

    /**
     * The exit code once the child has exited and the loop has heard of it, null while it runs
     * (asyncio's {@code returncode}). See the class comment for signals.
     *
     * @return the exit code once the child has exited and the loop has heard of it, null while it runs (asyncio's {@code returncode})
     */
    public Integer returnCode() {
        return exit.state() == Future.State.RESULT ? exit.result() : null;
    }

    /**
     * Waits for the child to exit and returns its exit code (asyncio's {@code proc.wait()}). Parks
     * the calling task; a cancellation point (cancelling the waiter leaves the child running —
     * {@link #close} kills it). It does not wait for the pipes: with stdout piped, read it
     * (or use {@link #communicate}) so that a chatty child does not block on a full pipe.
     *
     * @return its exit code (asyncio's {@code proc.wait()})
     */
    public int waitFor() {
        return Weft.shield(exit).await();
    }

    // ------------------------------------------------------------------ signals

    /** Sends SIGTERM (asyncio's {@code terminate()}); nothing if the child has exited. Any thread. */
    public void terminate() {
        process.destroy();
    }

    /** Sends SIGKILL (asyncio's {@code kill()}); nothing if the child has exited. Any thread. */
    public void kill() {
        process.destroyForcibly();
    }

    /**
     * Sends {@code signal} to the child (asyncio's {@code send_signal}); nothing if it has exited.
     * SIGTERM and SIGKILL go through the JDK at once; other signals are sent by running
     * {@code kill -s NAME pid} on a helper thread, and the calling task parks until that is done.
     *
     * @param signal the signal
     * @throws IOException if {@code kill} fails (its message says why)
     */
    public void sendSignal(Signal signal) throws IOException {
        Objects.requireNonNull(signal, "signal");
        if (!process.isAlive()) {
            return;
        }
        switch (signal) {
            case TERM -> terminate();
            case KILL -> kill();
            default -> {
                String pid = Long.toString(pid());
                Future<String> sent = loop.runInExecutor(HELPERS, () -> {
                    Process k = new ProcessBuilder("kill", "-s", signal.name(), pid).redirectErrorStream(true)
                            .redirectInput(ProcessBuilder.Redirect.from(NULL_FILE)).start();
                    String out = new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                    return k.waitFor() == 0 ? null : out;
                });
                String error;
                try {
                    error = Weft.shield(sent).await();
                } catch (TaskFailedException e) {
                    throw e.rethrowIoCause();
                }
                if (error != null && process.isAlive()) {
                    throw new IOException("kill -s " + signal.name() + " " + pid + " failed: " + error);
                }
                LOG.debug("sent SIG{} to pid {}", signal, pid);
            }
        }
    }

    /**
     * {@link #sendSignal(Signal)} by name ({@code "HUP"}, {@code "SIGUSR1"}).
     *
     * @param signal the signal
     * @throws IOException if an I/O error occurs
     */
    public void sendSignal(String signal) throws IOException {
        sendSignal(Signal.of(signal));
    }

    // ------------------------------------------------------------------ communicate

    /**
     * Sends {@code input} to stdin and closes it, reads stdout and stderr to their end at the
     * same time, and waits for the exit (asyncio's {@code communicate}). Each output is capped at
     * {@link SubprocessOptions#maxOutput()} (64 MiB by default). A broken stdin pipe (a child that
     * exits without reading) is ignored, as in asyncio. A cancellation point; on cancellation or
     * error the child keeps running until {@link #close}.
     *
     * @param input bytes for stdin, or null to send none (a piped stdin is closed either way)
     * @return the output
     * @throws dev.weft.net.LimitOverrunException if an output exceeds the cap
     * @throws InvalidStateException if {@code input} is given but stdin is not piped
     */
    public Output communicate(byte[] input) throws IOException {
        if (input != null && stdin == null) {
            throw new InvalidStateException("communicate(input): stdin of pid " + pid() + " is not a pipe");
        }
        long max = options.maxOutput();
        Task<Void> feeder = stdin == null ? null : Weft.spawn("pid " + pid() + " stdin", () -> feed(input));
        Task<byte[]> errReader = stderr == null ? null
                : Weft.spawn("pid " + pid() + " stderr", () -> stderr.reader().readAllBytes(max));
        try {
            byte[] out = stdout == null ? null : stdout.reader().readAllBytes(max);
            byte[] err = errReader == null ? null : await(errReader);
            if (feeder != null) {
                await(feeder);
            }
            return new Output(out, err, waitFor());
        } finally {
            if (feeder != null && !feeder.isDone()) {
                feeder.cancel();
            }
            if (errReader != null && !errReader.isDone()) {
                errReader.cancel();
            }
        }
    }

    /**
     * {@link #communicate(byte[])} with UTF-8 text.
     *
     * @param input the input
     * @return the output
     * @throws IOException if an I/O error occurs
     */
    public Output communicate(String input) throws IOException {
        return communicate(input == null ? null : input.getBytes(StandardCharsets.UTF_8));
    }

    private void feed(byte[] input) {
        try {
            if (input != null && input.length > 0) {
                stdin.write(input);
                stdin.drain();
            }
        } catch (IOException e) {
            LOG.debug("pid {}: stdin not fully written ({}); ignored as in asyncio", pid(), e.toString());
        } finally {
            stdin.close();
        }
    }

    private static <T> T await(Future<T> f) throws IOException {
        try {
            return f.await();
        } catch (TaskFailedException e) {
            throw e.rethrowIoCause();
        }
    }

    // ------------------------------------------------------------------ closing

    /**
     * Kills the child if it still runs (SIGKILL) and closes the pipes, dropping unread output
     * (asyncio's transport {@code close()}). Never blocks; idempotent; any thread. The pump
     * threads end when their blocking call returns, which is when the child's end of the pipe
     * closes: at its death, or later if a grandchild inherited the pipe and still runs.
     */
    @Override
    public void close() {
        if (process.isAlive()) {
            LOG.debug("closing pid {} while it runs: killing it", pid());
            process.destroyForcibly();
        }
        if (stdin != null) {
            stdin.abort();
        }
        if (stdout != null) {
            stdout.abort();
        }
        if (stderr != null) {
            stderr.abort();
        }
    }

    /**
     * Waits until the child has exited and every pump thread has finished with its pipe. Use it
     * after {@link #close()} (or once the outputs were read to the end and stdin was closed); on
     * return no thread of this process is left.
     *
     * @throws IOException if an I/O error occurs
     */
    public void waitClosed() throws IOException {
        waitFor();
        if (stdout != null) {
            stdout.awaitClosed();
        }
        if (stderr != null) {
            stderr.awaitClosed();
        }
        if (stdin != null) {
            stdin.waitClosed();
        }
    }

    @Override
    public String toString() {
        Integer rc = returnCode();
        return "Subprocess[pid " + pid() + ", " + command + (rc == null ? ", running" : ", exit " + rc) + "]";
    }
}
