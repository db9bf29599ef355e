package dev.weft.examples;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.http.client.BlockingClient;
import dev.weft.http.client.ClientResponse;
import dev.weft.http.client.ClientSession;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 003, "why coroutines": five requests to {@code /delay/2} with a blocking client (the
 * seed's {@code requests}, ~10 s), then the same five concurrently (~2 s).
 *
 * <pre>{@code
 * URL = 'https://httpbin.org/delay/2'
 * for _ in range(NUMBER):
 *     logging.info('scraping %s', URL)
 *     response = requests.get(URL)
 * }</pre>
 */
public final class DelaySequentialVsConcurrent implements Example {

    @Override
    public String name() {
        return "delay-sequential-vs-concurrent";
    }

    @Override
    public String description() {
        return "seed 003: /delay/2 x5 with a blocking client (~10 s), then concurrently with a session (~2 s)";
    }

    @Override
    public void run(String[] args) throws Exception {
        try (LocalHttpBin bin = new LocalHttpBin()) {
            String url = bin.url("/delay/2");
            long start = System.nanoTime();
            try (BlockingClient requests = BlockingClient.create()) {
                for (int i = 0; i < 5; i++) {
                    System.out.printf("%5.2f s scraping %s%n", (System.nanoTime() - start) / 1e9, url);
                    requests.get(url).close();
                }
            }
            System.out.printf("blocking: %.2f s%n", (System.nanoTime() - start) / 1e9);
            long start2 = System.nanoTime();
            Weft.run(() -> {
                try (ClientSession session = ClientSession.create()) {
                    List<Task<Integer>> tasks = new ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                        tasks.add(Weft.spawn(() -> {
                            System.out.printf("%5.2f s scraping %s%n", (System.nanoTime() - start2) / 1e9, url);
                            try (ClientResponse r = session.get(url)) {
                                return r.status();
                            }
                        }));
                    }
                    Weft.gather(tasks);
                }
            });
            System.out.printf("concurrent: %.2f s%n", (System.nanoTime() - start2) / 1e9);
        }
    }
}
