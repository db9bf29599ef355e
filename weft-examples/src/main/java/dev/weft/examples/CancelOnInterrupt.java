package dev.weft.examples;

import dev.weft.CancelledException;
import dev.weft.EventLoop;
import dev.weft.Signal;
import dev.weft.Task;
import dev.weft.Weft;
import java.io.IOException;
import java.util.List;

/**
 * Seed 000, "cancelling futures": three tasks sleep 2, 3 and 4 s; Ctrl-C cancels them all, and
 * each one's {@code finally} block runs before the program exits.
 *
 * <pre>{@code
 * async def get_html(sleep_times):
 *     print("waiting")
 *     await asyncio.sleep(sleep_times)
 *     print("done after {}s".format(sleep_times))
 *
 * tasks = [get_html(2), get_html(3), get_html(4)]
 * loop = asyncio.get_event_loop()
 * try:
 *     loop.run_until_complete(asyncio.wait(tasks))
 * except KeyboardInterrupt as e:
 *     all_tasks = asyncio.Task.all_tasks()
 *     for task in all_tasks:
 *         print(task.cancel())
 *     loop.stop()
 *     loop.run_forever()
 * finally:
 *     loop.close()
 * }</pre>
 *
 * <p>Run it and press Ctrl-C within 4 s, or from another shell {@code kill -INT <pid>}; or
 * let it interrupt itself: {@code ./weft example cancel-on-interrupt --interrupt-after 1.5}
 * (that sends the process a real SIGINT with {@code kill -INT}).
 *
 * <p>Java has no {@code KeyboardInterrupt}, so the low-level version adds a SIGINT handler to
 * the loop ({@code loop.addSignalHandler}, asyncio's {@code add_signal_handler}) that does what
 * the seed's {@code except} block does, on the loop. With {@code --weft-run} the
 * same program is written with {@code Weft.run}, whose built-in SIGINT/SIGTERM handlers cancel
 * the main task, run every remaining task's {@code finally}, then re-raise the signal: the JVM
 * exits with status 130 as after any Ctrl-C. The low-level version exits with 130 too.
 */
public final class CancelOnInterrupt implements Example {

    @Override
    public String name() {
        return "cancel-on-interrupt";
    }

    @Override
    public String description() {
        return "seed 000: Ctrl-C cancels 3 sleeping tasks, finally blocks run [--interrupt-after S] [--weft-run]";
    }

    static void getHtml(int sleepTimes) {
        System.out.println("waiting");
        boolean done = false;
        try {
            Weft.sleep(sleepTimes);
            System.out.println("done after " + sleepTimes + "s");
            done = true;
        } finally {
            System.out.println("get_html(" + sleepTimes + ") finally: " + (done ? "finished" : "cancelled"));
        }
    }

    @Override
    public void run(String[] args) {
        boolean weftRun = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--interrupt-after" -> interruptAfter(Double.parseDouble(args[++i]));
                case "--weft-run" -> weftRun = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.out.println("pid " + ProcessHandle.current().pid() + ": press Ctrl-C (or kill -INT "
                + ProcessHandle.current().pid() + ") within 4 s to cancel the tasks");
        if (weftRun) {
            withWeftRun();
        } else {
            lowLevel();
        }
    }

    /** The seed, line by line, on a bare loop. */
    private static void lowLevel() {
        EventLoop loop = EventLoop.create();
        List<Task<Void>> tasks = List.of(
                loop.spawn(() -> getHtml(2)), loop.spawn(() -> getHtml(3)), loop.spawn(() -> getHtml(4)));
        // except KeyboardInterrupt: the handler runs on the loop, like any callback.
        loop.addSignalHandler(Signal.INT, () -> {
            for (Task<?> task : loop.allTasks()) {
                System.out.println(task.cancel());
            }
        });
        boolean interrupted = false;
        try {
            loop.runUntilComplete(() -> Weft.wait(tasks));
        } catch (CancelledException e) {
            interrupted = true;
            loop.stop();
            loop.runForever(); // one more pass: the cancelled tasks run their finally blocks
        } finally {
            loop.removeSignalHandler(Signal.INT);
            loop.close();
        }
        if (interrupted) {
            System.exit(130); // exit as an interrupted program does: 128 + SIGINT (2)
        }
    }

    /** The same with {@code Weft.run}: its SIGINT handler cancels main, then every other task. */
    private static void withWeftRun() {
        Weft.run(() -> {
            List<Task<Void>> tasks = List.of(
                    Weft.spawn(() -> getHtml(2)), Weft.spawn(() -> getHtml(3)), Weft.spawn(() -> getHtml(4)));
            try {
                Weft.wait(tasks);
            } catch (CancelledException e) {
                System.out.println("main cancelled by " + e.getMessage());
                throw e;
            }
        });
    }

    /** Sends this process a real SIGINT after {@code seconds}, as Ctrl-C would. */
    private static void interruptAfter(double seconds) {
        Thread.ofPlatform().daemon().name("interrupt-after").start(() -> {
            try {
                Thread.sleep((long) (seconds * 1000));
            } catch (InterruptedException e) {
                return;
            }
            System.out.println("^C (SIGINT sent by --interrupt-after " + seconds + ")");
            try {
                new ProcessBuilder("kill", "-INT", Long.toString(ProcessHandle.current().pid())).start().waitFor();
            } catch (IOException | InterruptedException e) {
                System.err.println("could not send SIGINT: " + e);
            }
        });
    }
}
