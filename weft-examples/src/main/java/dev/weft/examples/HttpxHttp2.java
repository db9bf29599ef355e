package dev.weft.examples;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.http.client.ClientResponse;
import dev.weft.http.client.ClientSession;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 003, "httpx async": {@code httpx.AsyncClient(http2=True)}, one GET printed, then ten
 * page fetches gathered, against a local https httpbin that speaks HTTP/2 (the seed uses
 * https://httpbin.org). The ten requests share one connection as HTTP/2 streams.
 *
 * <pre>{@code
 * async def main():
 *     async with httpx.AsyncClient(http2=True) as client:
 *         response = await client.get('https://httpbin.org/get')
 *         print(response.text)
 *
 * asyncio.run(main())
 * }</pre>
 */
public final class HttpxHttp2 implements Example {

    @Override
    public String name() {
        return "httpx-http2";
    }

    @Override
    public String description() {
        return "seed 003: httpx.AsyncClient(http2=True) against a local https httpbin; 10 GETs on one connection";
    }

    @Override
    public void run(String[] args) throws Exception {
        try (LocalHttpBin bin = new LocalHttpBin(true)) {
            Weft.run(() -> {
                try (ClientSession client = ClientSession.builder().http2(true).tls(bin.clientTls()).build()) {
                    try (ClientResponse response = client.get(bin.url("/get"))) {  // await client.get(url)
                        System.out.println(response.version() + " " + response.status());
                        System.out.println(response.text());                        // print(response.text)
                    }
                    long start = System.nanoTime();
                    List<Task<String>> pages = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        pages.add(Weft.spawn(() -> fetchPage(client, bin.url("/delay/1"))));
                    }
                    List<String> versions = Weft.gather(pages);
                    System.out.printf("10 pages (%s) over %d connection(s), all took %.2f s%n",
                            String.join(", ", new java.util.TreeSet<>(versions)), client.pool().connectionsOpened(),
                            (System.nanoTime() - start) / 1e9);
                }
            });
        }
    }

    /** One page: its protocol version (the seed's fetch_page prints how long it took). */
    static String fetchPage(ClientSession client, String url) throws Exception {
        long start = System.nanoTime();
        try (ClientResponse response = client.get(url)) {
            response.text();
            System.out.printf("Page took %.2f s%n", (System.nanoTime() - start) / 1e9);
            return response.version();
        }
    }
}
