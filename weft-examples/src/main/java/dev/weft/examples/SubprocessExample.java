package dev.weft.examples;

import dev.weft.Weft;
import dev.weft.process.Subprocess;
import dev.weft.process.SubprocessOptions;
import dev.weft.process.SubprocessOptions.Redirect;

/**
 * Seed 002 lists "控制子进程" (controlling subprocesses) among asyncio's jobs without code; this
 * is the example of the asyncio documentation in that spirit: run shell commands concurrently,
 * stream each one's output line by line with a prefix, print its exit code. With arguments,
 * runs them as one shell command instead ({@code ./weft example subprocess 'ls -l /tmp'}).
 *
 * <pre>{@code
 * async def run(cmd):
 *     proc = await asyncio.create_subprocess_shell(
 *         cmd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
 *     async for line in proc.stdout:
 *         print(f'[{cmd!r}] {line.decode().rstrip()}')
 *     await proc.wait()
 *     print(f'[{cmd!r} exited with {proc.returncode}]')
 *
 * async def main():
 *     await asyncio.gather(run('ls /'), run('for i in 1 2 3; do echo tick $i; sleep 0.2; done; exit 3'))
 *
 * asyncio.run(main())
 * }</pre>
 */
public final class SubprocessExample implements Example {

    @Override
    public String name() {
        return "subprocess";
    }

    @Override
    public String description() {
        return "seed 002 (subprocesses): run shell commands concurrently, stream their lines, print exit codes";
    }

    static int run(String cmd) throws Exception {
        SubprocessOptions opts = SubprocessOptions.defaults().stdout(Redirect.PIPE).stderr(Redirect.STDOUT);
        try (Subprocess proc = Subprocess.shell(cmd, opts)) {
            for (String line : proc.stdout().lines()) {
                System.out.println("[" + cmd + "] " + line);
            }
            int code = proc.waitFor();
            System.out.println("[" + cmd + " exited with " + code + "]");
            return code;
        }
    }

    @Override
    public void run(String[] args) {
        Weft.run(() -> {
            if (args.length > 0) {
                run(String.join(" ", args));
            } else {
                Weft.gather(
                        () -> run("ls /"),
                        () -> run("for i in 1 2 3; do echo tick $i; sleep 0.2; done; exit 3"));
            }
        });
    }
}
