package dev.weft.examples;

import dev.weft.EventLoop;
import dev.weft.Weft;

/**
 * Seed 000, "nested coroutines" (task → print_sum → compute): awaiting a coroutine from a
 * coroutine. In Weft the inner coroutine is a plain method call; its {@code Weft.sleep}
 * suspends the whole task, exactly as {@code await} passes through {@code print_sum}.
 *
 * <pre>{@code
 * async def compute(x, y):
 *     print("Compute %s + %s ..." % (x, y))
 *     await asyncio.sleep(1.0)
 *     return x + y
 *
 * async def print_sum(x, y):
 *     result = await compute(x, y)
 *     print("%s + %s = %s" % (x, y, result))
 *
 * loop = asyncio.get_event_loop()
 * loop.run_until_complete(print_sum(1, 2))
 * loop.close()
 * }</pre>
 */
public final class Nested implements Example {

    @Override
    public String name() {
        return "nested";
    }

    @Override
    public String description() {
        return "seed 000: print_sum awaits compute; loop.runUntilComplete then close";
    }

    static int compute(int x, int y) {
        System.out.println("Compute " + x + " + " + y + " ...");
        Weft.sleep(1.0);
        return x + y;
    }

    static void printSum(int x, int y) {
        int result = compute(x, y);
        System.out.println(x + " + " + y + " = " + result);
    }

    @Override
    public void run(String[] args) {
        EventLoop loop = EventLoop.create();
        loop.runUntilComplete(() -> printSum(1, 2));
        loop.close();
    }
}
