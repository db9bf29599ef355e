package dev.weft.examples;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.http.client.ClientResponse;
import dev.weft.http.client.ClientSession;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 003, "aiohttp basics": ten page fetches with one session, gathered, timed.
 *
 * <pre>{@code
 * async def fetch_page(url):
 *     async with aiohttp.ClientSession() as session:
 *         async with session.get(url) as response:
 *             return await response.text()
 *
 * tasks = [fetch_page('http://books.toscrape.com') for i in range(10)]
 * await asyncio.gather(*tasks)
 * }</pre>
 */
public final class AiohttpGet implements Example {

    @Override
    public String name() {
        return "aiohttp-get";
    }

    @Override
    public String description() {
        return "seed 003: 10 GETs with a ClientSession, gathered, against the local httpbin (/delay/1: ~1 s)";
    }

    @Override
    public void run(String[] args) throws Exception {
        try (LocalHttpBin bin = new LocalHttpBin()) {
            long start = System.nanoTime();
            List<String> pages = Weft.run(() -> {
                try (ClientSession session = ClientSession.create()) {
                    List<Task<String>> tasks = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        tasks.add(Weft.spawn(() -> {
                            try (ClientResponse response = session.get(bin.url("/delay/1"))) {
                                return response.text();
                            }
                        }));
                    }
                    return Weft.gather(tasks);
                }
            });
            System.out.printf("%d pages, %d characters in all, in %.2f s%n", pages.size(),
                    pages.stream().mapToInt(String::length).sum(), (System.nanoTime() - start) / 1e9);
        }
    }
}
