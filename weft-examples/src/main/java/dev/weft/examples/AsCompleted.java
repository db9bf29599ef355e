package dev.weft.examples;

import dev.weft.Task;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 000, "simulating HTTP requests": start twenty fetches, then handle each page as soon as
 * it arrives with {@code as_completed}, in the order they finish rather than the order they
 * were started. The fetch is simulated (a page takes 0.1 to 1.0 s), so no network is needed.
 *
 * <pre>{@code
 * async def main():
 *     tasks = []
 *     for url in range(20):
 *         url = "http://shop.projectsedu.com/goods/{}/".format(url)
 *         tasks.append(asyncio.ensure_future(get_url(url)))
 *     for task in asyncio.as_completed(tasks):
 *         result = await task
 *         print(result)
 *
 * loop.run_until_complete(main())
 * print('last time:{}'.format(time.time() - start_time))
 * }</pre>
 */
public final class AsCompleted implements Example {

    @Override
    public String name() {
        return "as-completed";
    }

    @Override
    public String description() {
        return "seed 000: 20 simulated fetches handled in the order they finish (asCompleted), ~1 s";
    }

    /** A simulated page fetch: page i takes (i * 7 % 10 + 1) / 10 seconds. */
    static String getUrl(int i) {
        double seconds = (i * 7 % 10 + 1) / 10.0;
        Weft.sleep(seconds);
        return String.format("goods %2d after %.1f s", i, seconds);
    }

    @Override
    public void run(String[] args) {
        long start = System.nanoTime();
        Weft.run(() -> {
            List<Task<String>> tasks = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int page = i;
                tasks.add(Weft.spawn(() -> getUrl(page)));
            }
            for (Task<String> task : Weft.asCompleted(tasks)) {
                String result = task.await();
                System.out.println(result);
            }
        });
        System.out.printf("last time:%.3f%n", (System.nanoTime() - start) / 1e9);
    }
}
