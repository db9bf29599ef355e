package dev.weft.examples;

import dev.weft.Task;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 001, "a simple crawler": four pages that take 1, 2, 3 and 4 seconds. Awaited one after
 * the other they take 10 s; spawned as tasks they overlap and take 4 s, on one thread.
 *
 * <pre>{@code
 * async def crawl_page(url):
 *     print('crawling {}'.format(url))
 *     sleep_time = int(url.split('_')[-1])
 *     await asyncio.sleep(sleep_time)
 *     print('OK {}'.format(url))
 *
 * async def main(urls):                   # sequential: 10 s
 *     for url in urls:
 *         await crawl_page(url)
 *
 * async def main(urls):                   # concurrent: 4 s
 *     tasks = [asyncio.create_task(crawl_page(url)) for url in urls]
 *     for task in tasks:
 *         await task
 *
 * %time asyncio.run(main(['url_1', 'url_2', 'url_3', 'url_4']))
 * }</pre>
 */
public final class SequentialVsConcurrent implements Example {

    private static final List<String> URLS = List.of("url_1", "url_2", "url_3", "url_4");

    @Override
    public String name() {
        return "sequential-vs-concurrent";
    }

    @Override
    public String description() {
        return "seed 001: crawl_page url_1..url_4 awaited in turn (10 s), then as tasks (4 s)";
    }

    static void crawlPage(String url) {
        System.out.println("crawling " + url);
        int sleepTime = Integer.parseInt(url.substring(url.lastIndexOf('_') + 1));
        Weft.sleep(sleepTime);
        System.out.println("OK " + url);
    }

    @Override
    public void run(String[] args) {
        System.out.println("== Sequential: each crawl_page awaited before the next starts ==");
        double sequential = time(() -> Weft.run(() -> {
            for (String url : URLS) {
                crawlPage(url);
            }
        }));

        System.out.println();
        System.out.println("== Concurrent: one task per url, all on the same thread ==");
        double concurrent = time(() -> Weft.run(() -> {
            List<Task<Void>> tasks = new ArrayList<>();
            for (String url : URLS) {
                tasks.add(Weft.spawn(() -> crawlPage(url)));
            }
            for (Task<Void> task : tasks) {
                task.await();
            }
        }));

        System.out.println();
        System.out.printf("Sequential %.1f s, concurrent %.1f s: the waits overlap, so the total is the longest"
                + " wait (4 s), not their sum (10 s).%n", sequential, concurrent);
    }

    /** Runs {@code body} and prints its wall time like IPython's {@code %time}. */
    private static double time(Runnable body) {
        long start = System.nanoTime();
        body.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("Wall time: %.2f s%n", seconds);
        return seconds;
    }
}
