package dev.weft.examples;

import dev.weft.Task;
import dev.weft.Weft;
import java.util.List;

/**
 * Seed 001, In [26]: {@code gather(..., return_exceptions=True)} collects a result, an error
 * and a cancellation instead of failing on the first error.
 *
 * <pre>{@code
 * async def worker_1():
 *     await asyncio.sleep(1)
 *     return 1
 *
 * async def worker_2():
 *     await asyncio.sleep(2)
 *     return 2 / 0
 *
 * async def worker_3():
 *     await asyncio.sleep(3)
 *     return 3
 *
 * async def main():
 *     task_1 = asyncio.create_task(worker_1())
 *     task_2 = asyncio.create_task(worker_2())
 *     task_3 = asyncio.create_task(worker_3())
 *     await asyncio.sleep(2)
 *     task_3.cancel()
 *     res = await asyncio.gather(task_1, task_2, task_3, return_exceptions=True)
 *     print(res)        # [1, ZeroDivisionError('division by zero'), CancelledError()]
 * }</pre>
 */
public final class GatherExceptions implements Example {

    @Override
    public String name() {
        return "gather-exceptions";
    }

    @Override
    public String description() {
        return "seed 001: gatherReturningExceptions -> [1, ArithmeticException, CancelledException]";
    }

    static int worker1() {
        Weft.sleep(1);
        return 1;
    }

    static int worker2() {
        Weft.sleep(2);
        return 2 / 0;
    }

    static int worker3() {
        Weft.sleep(3);
        return 3;
    }

    @Override
    public void run(String[] args) {
        Weft.run(() -> {
            Task<Integer> task1 = Weft.spawn(GatherExceptions::worker1);
            Task<Integer> task2 = Weft.spawn(GatherExceptions::worker2);
            Task<Integer> task3 = Weft.spawn(GatherExceptions::worker3);

            Weft.sleep(2);
            task3.cancel();

            List<Object> res = Weft.gatherReturningExceptions(task1, task2, task3);
            System.out.println(res);
        });
    }
}
