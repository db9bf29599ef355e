package dev.weft.examples;

import dev.weft.Task;
import dev.weft.Weft;

/**
 * Seed 001, In [23] and In [24]: awaiting two coroutines directly runs them one after the other;
 * spawning them as tasks first lets them overlap.
 *
 * <pre>{@code
 * async def worker_1():
 *     print('worker_1 start')
 *     await asyncio.sleep(1)
 *     print('worker_1 done')
 *
 * async def main():                       # In [24]; In [23] awaits worker_1() directly
 *     task1 = asyncio.create_task(worker_1())
 *     task2 = asyncio.create_task(worker_2())
 *     print('before await')
 *     await task1
 *     print('awaited worker_1')
 *     await task2
 *     print('awaited worker_2')
 * }</pre>
 */
public final class Workers implements Example {

    @Override
    public String name() {
        return "workers";
    }

    @Override
    public String description() {
        return "seed 001: worker_1/worker_2 awaited directly (3 s), then as tasks (2 s)";
    }

    static void worker1() {
        System.out.println("worker_1 start");
        Weft.sleep(1);
        System.out.println("worker_1 done");
    }

    static void worker2() {
        System.out.println("worker_2 start");
        Weft.sleep(2);
        System.out.println("worker_2 done");
    }

    @Override
    public void run(String[] args) {
        // In [23]: "awaiting" a coroutine is just calling the method: it runs to the end first.
        Weft.run(() -> {
            System.out.println("before await");
            worker1();
            System.out.println("awaited worker_1");
            worker2();
            System.out.println("awaited worker_2");
        });

        System.out.println();

        // In [24]: spawned tasks start running as soon as main waits for something.
        Weft.run(() -> {
            Task<Void> task1 = Weft.spawn(Workers::worker1);
            Task<Void> task2 = Weft.spawn(Workers::worker2);
            System.out.println("before await");
            task1.await();
            System.out.println("awaited worker_1");
            task2.await();
            System.out.println("awaited worker_2");
        });
    }
}
