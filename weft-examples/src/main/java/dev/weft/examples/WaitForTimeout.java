package dev.weft.examples;

import dev.weft.TimeoutException;
import dev.weft.Weft;
import java.time.Duration;

/**
 * Seed 002, "timeouts": {@code wait_for} gives up on a coroutine after one second and cancels it.
 *
 * <pre>{@code
 * async def eternity():
 *     await asyncio.sleep(3600)       # sleep for one hour
 *     print('yay!')
 *
 * async def main():
 *     try:
 *         await asyncio.wait_for(eternity(), timeout=1.0)
 *     except asyncio.TimeoutError:
 *         print('timeout!')
 *
 * asyncio.run(main())
 * }</pre>
 */
public final class WaitForTimeout implements Example {

    @Override
    public String name() {
        return "wait-for-timeout";
    }

    @Override
    public String description() {
        return "seed 002: waitFor(1 s) on an hour-long sleep prints timeout!";
    }

    static void eternity() {
        Weft.sleep(3600);
        System.out.println("yay!");
    }

    @Override
    public void run(String[] args) {
        Weft.run(() -> {
            try {
                Weft.waitFor(Duration.ofSeconds(1), WaitForTimeout::eternity);
            } catch (TimeoutException e) {
                System.out.println("timeout!");
            }
        });
    }
}
