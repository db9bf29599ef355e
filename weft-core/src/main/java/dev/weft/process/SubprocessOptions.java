package dev.weft.process;

import dev.weft.net.StreamReader;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Options of {@link Subprocess#exec(java.util.List, SubprocessOptions)}; immutable, each
 * {@code with}-style method returns a changed copy.
 *
 * <pre>{@code
 * SubprocessOptions opts = SubprocessOptions.defaults()
 *         .stdout(Redirect.PIPE)
 *         .stderr(Redirect.STDOUT)               // stderr=asyncio.subprocess.STDOUT
 *         .cwd(Path.of("/tmp"))
 *         .putEnv("LC_ALL", "C");
 * }</pre>
 *
 * <p>As in asyncio, the three standard streams are inherited unless asked otherwise;
 * {@link #piped()} pipes all three.
 */
public final class SubprocessOptions {

    /** Where a standard stream of the child goes (asyncio's {@code PIPE}, {@code None}, {@code DEVNULL}, {@code STDOUT}). */
    public enum Redirect {
        /** A pipe to this process: {@link Subprocess#stdin()}, {@link Subprocess#stdout()}, {@link Subprocess#stderr()}. */
        PIPE,
        /** The child shares this JVM's stream (asyncio's {@code None}). */
        INHERIT,
        /** Nowhere: output is dropped, input is empty ({@code /dev/null}; asyncio's {@code DEVNULL}). */
        DISCARD,
        /** For stderr only: into the same place as stdout (asyncio's {@code STDOUT}). */
        STDOUT
    }

    /** The default cap of {@link Subprocess#communicate} per stream: 64 MiB. */
    public static final long DEFAULT_MAX_OUTPUT = 64L * 1024 * 1024;

    private static final SubprocessOptions DEFAULTS = new SubprocessOptions(Redirect.INHERIT, Redirect.INHERIT,
            Redirect.INHERIT, null, null, Map.of(), StreamReader.DEFAULT_LIMIT, DEFAULT_MAX_OUTPUT);

    private final Redirect stdin;
    private final Redirect stdout;
    private final Redirect stderr;
    private final Path cwd;
    private final Map<String, String> env;
    private final Map<String, String> extraEnv;
    private final int limit;
    private final long maxOutput;

    private SubprocessOptions(Redirect stdin, Redirect stdout, Redirect stderr, Path cwd, Map<String, String> env,
            Map<String, String> extraEnv, int limit, long maxOutput) {
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
        this.cwd = cwd;
        this.env = env;
        this.extraEnv = extraEnv;
        this.limit = limit;
        this.maxOutput = maxOutput;
    }

    /** {@return all streams inherited, this JVM's directory and environment, limit 64 KiB, communicate cap 64 MiB} */
    public static SubprocessOptions defaults() {
        return DEFAULTS;
    }

    /** {@return {@link #defaults()} with stdin, stdout and stderr all piped} */
    public static SubprocessOptions piped() {
        return DEFAULTS.stdin(Redirect.PIPE).stdout(Redirect.PIPE).stderr(Redirect.PIPE);
    }

    /** {@return where the child's stdin comes from} */
    public Redirect stdin() {
        return stdin;
    }

    /**
     * Sets where the child's stdin comes from ({@link Redirect#STDOUT} is not allowed).
     *
     * @param r the resolver
     * @return the subprocess options
     */
    public SubprocessOptions stdin(Redirect r) {
        if (Objects.requireNonNull(r) == Redirect.STDOUT) {
            throw new IllegalArgumentException("Redirect.STDOUT is for stderr only");
        }
        return new SubprocessOptions(r, stdout, stderr, cwd, env, extraEnv, limit, maxOutput);
    }

    /** {@return where the child's stdout goes} */
    public Redirect stdout() {
        return stdout;
    }

    /**
     * Sets where the child's stdout goes ({@link Redirect#STDOUT} is not allowed).
     *
     * @param r the resolver
     * @return the subprocess options
     */
    public SubprocessOptions stdout(Redirect r) {
        if (Objects.requireNonNull(r) == Redirect.STDOUT) {
            throw new IllegalArgumentException("Redirect.STDOUT is for stderr only");
        }
        return new SubprocessOptions(stdin, r, stderr, cwd, env, extraEnv, limit, maxOutput);
    }

    /** {@return where the child's stderr goes} */
    public Redirect stderr() {
        return stderr;
    }

    /**
     * Sets where the child's stderr goes; {@link Redirect#STDOUT} merges it into stdout.
     *
     * @param r the resolver
     * @return the subprocess options
     */
    public SubprocessOptions stderr(Redirect r) {
        return new SubprocessOptions(stdin, stdout, Objects.requireNonNull(r), cwd, env, extraEnv, limit, maxOutput);
    }

    /** {@return the child's working directory, or null for this JVM's} */
    public Path cwd() {
        return cwd;
    }

    /**
     * Sets the child's working directory (null: this JVM's).
     *
     * @param dir the directory
     * @return the subprocess options
     */
    public SubprocessOptions cwd(Path dir) {
        return new SubprocessOptions(stdin, stdout, stderr, dir, env, extraEnv, limit, maxOutput);
    }

    /** {@return the environment replacing this JVM's, or null to inherit it} */
    public Map<String, String> env() {
        return env;
    }

    /**
     * Replaces the child's whole environment (asyncio's {@code env=}); null inherits this JVM's.
     *
     * @param environment the environment
     * @return the subprocess options
     */
    public SubprocessOptions env(Map<String, String> environment) {
        Map<String, String> copy = environment == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        return new SubprocessOptions(stdin, stdout, stderr, cwd, copy, extraEnv, limit, maxOutput);
    }

    /** {@return variables set on top of the inherited (or replaced) environment} */
    public Map<String, String> extraEnv() {
        return extraEnv;
    }

    /**
     * Sets one variable on top of the inherited (or replaced) environment.
     *
     * @param name the name
     * @param value the value
     * @return the subprocess options
     */
    public SubprocessOptions putEnv(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(extraEnv);
        copy.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
        return new SubprocessOptions(stdin, stdout, stderr, cwd, env, Collections.unmodifiableMap(copy), limit,
                maxOutput);
    }

    /**
     * The line and separator limit of the stdout and stderr readers; a pipe's pump also pauses
     * once twice this much is read from the child but not consumed.
     *
     * @return the line and separator limit of the stdout and stderr readers; a pipe's pump also pauses once twice this much is read from the child but not consumed
     */
    public int limit() {
        return limit;
    }

    /**
     * Sets the readers' limit (asyncio's {@code limit=}).
     *
     * @param limit the limit
     * @return the subprocess options
     */
    public SubprocessOptions limit(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        return new SubprocessOptions(stdin, stdout, stderr, cwd, env, extraEnv, limit, maxOutput);
    }

    /** {@return the most bytes {@link Subprocess#communicate} collects from stdout, and from stderr} */
    public long maxOutput() {
        return maxOutput;
    }

    /**
     * Sets the cap of {@link Subprocess#communicate} per stream.
     *
     * @param bytes the number of bytes
     * @return the subprocess options
     */
    public SubprocessOptions maxOutput(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("maxOutput must not be negative: " + bytes);
        }
        return new SubprocessOptions(stdin, stdout, stderr, cwd, env, extraEnv, limit, bytes);
    }

    @Override
    public String toString() {
        return "SubprocessOptions[stdin=" + stdin + ", stdout=" + stdout + ", stderr=" + stderr
                + (cwd != null ? ", cwd=" + cwd : "") + (env != null ? ", env=" + env.size() + " vars" : "")
                + (extraEnv.isEmpty() ? "" : ", +env=" + extraEnv.keySet()) + ", limit=" + limit + "]";
    }
}
