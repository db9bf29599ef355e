package dev.weft.examples;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.http.client.ClientResponse;
import dev.weft.http.client.ClientSession;
import dev.weft.sync.Semaphore;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 004, "a ClientSession, a Semaphore(500) and gather": many requests, at most 500 at
 * once, one session (one connection pool) for all. {@code --requests N} (default 2000).
 *
 * <pre>{@code
 * async def main():
 *     semaphore = asyncio.Semaphore(500)  # 限制并发量500
 *     async with aiohttp.ClientSession() as session:
 *         tasks = [fetch(session, semaphore, url) for url in urls]
 *         await asyncio.gather(*tasks)
 * }</pre>
 */
public final class FanOut implements Example {

    @Override
    public String name() {
        return "fan-out";
    }

    @Override
    public String description() {
        return "seed 004: 2000 GETs through one ClientSession, Semaphore(500), gather; --requests N";
    }

    @Override
    public void run(String[] args) throws Exception {
        int n = Args.intOption(args, "--requests", 2000);
        try (LocalHttpBin bin = new LocalHttpBin()) {
            long start = System.nanoTime();
            int ok = Weft.run(() -> {
                Semaphore semaphore = new Semaphore(500);
                try (ClientSession session = ClientSession.builder().limit(500).build()) {
                    List<Task<Integer>> tasks = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        String url = bin.url("/get?page=" + i);
                        tasks.add(Weft.spawn(() -> {
                            try (var permit = semaphore.permit(); ClientResponse r = session.get(url)) {
                                r.bytes();
                                return r.status();
                            }
                        }));
                    }
                    return (int) Weft.gather(tasks).stream().filter(s -> s == 200).count();
                }
            });
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("%d of %d requests answered 200 in %.2f s (%.0f requests/s)%n", ok, n, secs, n / secs);
        }
    }
}
