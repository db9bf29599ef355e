package dev.weft.examples;

import dev.weft.Weft;

/**
 * Seed 002, "concurrent coroutines": {@code gather} runs three factorials at once; their
 * one-second steps interleave.
 *
 * <pre>{@code
 * async def factorial(name, number):
 *     f = 1
 *     for i in range(2, number + 1):
 *         print(f"Task {name}: Compute factorial({i})...")
 *         await asyncio.sleep(1)
 *         f *= i
 *     print(f"Task {name}: factorial({number}) = {f}")
 *
 * async def main():
 *     await asyncio.gather(
 *         factorial("A", 2),
 *         factorial("B", 3),
 *         factorial("C", 4),
 *     )
 *
 * asyncio.run(main())
 * }</pre>
 */
public final class Factorial implements Example {

    @Override
    public String name() {
        return "factorial";
    }

    @Override
    public String description() {
        return "seed 002: gather of factorial A(2), B(3), C(4) interleaving their steps";
    }

    static void factorial(String name, int number) {
        long f = 1;
        for (int i = 2; i <= number; i++) {
            System.out.println("Task " + name + ": Compute factorial(" + i + ")...");
            Weft.sleep(1);
            f *= i;
        }
        System.out.println("Task " + name + ": factorial(" + number + ") = " + f);
    }

    @Override
    public void run(String[] args) {
        Weft.run(() -> {
            Weft.gather(
                    () -> factorial("A", 2),
                    () -> factorial("B", 3),
                    () -> factorial("C", 4));
        });
    }
}
