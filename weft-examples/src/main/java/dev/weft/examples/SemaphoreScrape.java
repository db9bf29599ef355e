package dev.weft.examples;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.http.client.ClientResponse;
import dev.weft.http.client.ClientSession;
import dev.weft.sync.Semaphore;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 003, "limit concurrency": 15 requests, at most CONCURRENCY = 5 in flight (a Semaphore);
 * each page takes 1 s, so the whole run takes about 3 s.
 *
 * <pre>{@code
 * CONCURRENCY = 5
 * semaphore = asyncio.Semaphore(CONCURRENCY)
 * async def scrape_api():
 *     async with semaphore:
 *         print('scraping', URL)
 *         async with session.get(URL) as response:
 *             await asyncio.sleep(1)
 *             return await response.text()
 * scrape_index_tasks = [asyncio.ensure_future(scrape_api()) for _ in range(10000)]
 * await asyncio.gather(*scrape_index_tasks)
 * }</pre>
 */
public final class SemaphoreScrape implements Example {

    static final int CONCURRENCY = 5;

    @Override
    public String name() {
        return "semaphore-scrape";
    }

    @Override
    public String description() {
        return "seed 003: 15 requests of 1 s each, at most 5 at once (Semaphore), ~3 s";
    }

    @Override
    public void run(String[] args) throws Exception {
        try (LocalHttpBin bin = new LocalHttpBin()) {
            long start = System.nanoTime();
            Weft.run(() -> {
                Semaphore semaphore = new Semaphore(CONCURRENCY);
                try (ClientSession session = ClientSession.create()) {
                    List<Task<Integer>> tasks = new ArrayList<>();
                    for (int i = 0; i < 15; i++) {
                        tasks.add(Weft.spawn(() -> {
                            try (var permit = semaphore.permit()) {
                                System.out.printf("%5.2f s scraping %s%n", (System.nanoTime() - start) / 1e9,
                                        bin.url("/delay/1"));
                                try (ClientResponse r = session.get(bin.url("/delay/1"))) {
                                    return r.text().length();
                                }
                            }
                        }));
                    }
                    Weft.gather(tasks);
                }
            });
            System.out.printf("15 pages in %.2f s%n", (System.nanoTime() - start) / 1e9);
        }
    }
}
