package dev.weft.examples;

import dev.weft.CancelledException;
import dev.weft.EventLoop;
import dev.weft.Task;
import dev.weft.Weft;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

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
 * (that sends the process a real SIGINT with {@code sun.misc.Signal.raise}).
 *
 * <p>Java has no {@code KeyboardInterrupt}, so the low-level version installs a SIGINT handler
 * that does what the seed's {@code except} block does, on the loop. With {@code --weft-run} the
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
        double interruptAfter = -1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--interrupt-after" -> {
                    interruptAfter = Args.doubleOption(args, "--interrupt-after", -1);
                    i++;
                }
                case "--weft-run" -> weftRun = true;
                default -> throw new Args.UsageException("unknown argument '" + args[i]
                        + "' (takes --interrupt-after SECONDS and --weft-run)");
            }
        }
        System.out.println("pid " + ProcessHandle.current().pid() + ": press Ctrl-C (or kill -INT "
                + ProcessHandle.current().pid() + ") within 4 s to cancel the tasks");
        if (weftRun) {
            withWeftRun(interruptAfter);
        } else {
            lowLevel(interruptAfter);
        }
    }

    /** The seed, line by line, on a bare loop. */
    private static void lowLevel(double interruptAfter) {
        EventLoop loop = EventLoop.create();
        List<Task<Void>> tasks = List.of(
                loop.spawn(() -> getHtml(2)), loop.spawn(() -> getHtml(3)), loop.spawn(() -> getHtml(4)));
        // except KeyboardInterrupt: the handler runs on a JVM signal thread; hand the work to the loop.
        AtomicBoolean interrupted = new AtomicBoolean();
        SignalHandler previous = Signal.handle(new Signal("INT"), sig -> {
            interrupted.set(true);
            loop.callSoonThreadsafe(() -> {
                for (Task<?> task : loop.allTasks()) {
                    System.out.println(task.cancel());
                }
            });
        });
        interruptAfter(interruptAfter); // once the handler is in place
        try {
            loop.runUntilComplete(() -> Weft.wait(tasks));
        } catch (CancelledException e) {
            loop.stop();
            loop.runForever(); // one more pass: the cancelled tasks run their finally blocks
        } finally {
            loop.close();
            Signal.handle(new Signal("INT"), previous);
        }
        // Exit as an interrupted program does, 128 + SIGINT (2), whenever the signal came: also
        // when the main task's wait was already over (every task cancelled) as its own
        // cancellation arrived, so that nothing was left to throw CancelledException at it.
        if (interrupted.get()) {
            System.exit(130);
        }
    }

    /** The same with {@code Weft.run}: its SIGINT handler cancels main, then every other task. */
    private static void withWeftRun(double interruptAfter) {
        Weft.run(() -> {
            interruptAfter(interruptAfter); // Weft.run's handlers are in place

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

    /** Sends this process a real SIGINT after {@code seconds} (none if negative), as Ctrl-C would. */
    private static void interruptAfter(double seconds) {
        if (seconds < 0) {
            return;
        }
        Thread.ofPlatform().daemon().name("interrupt-after").start(() -> {
            try {
                Thread.sleep((long) (seconds * 1000));
            } catch (InterruptedException e) {
                return;
            }
            System.out.println("^C (SIGINT sent by --interrupt-after " + seconds + ")");
            Signal.raise(new Signal("INT"));
        });
    }
}
