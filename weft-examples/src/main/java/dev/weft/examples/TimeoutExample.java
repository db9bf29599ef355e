package dev.weft.examples;

import dev.weft.Weft;
import dev.weft.http.client.ClientResponse;
import dev.weft.http.client.ClientSession;
import dev.weft.http.client.ClientTimeout;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Seed 003, "timeouts": {@code ClientTimeout(total=…)} on a session; a fast page passes, a page
 * that takes longer than the limit fails with a timeout.
 *
 * <pre>{@code
 * timeout = aiohttp.ClientTimeout(total=1)
 * async with aiohttp.ClientSession(timeout=timeout) as session:
 *     async with session.get('https://httpbin.org/get') as response:
 *         print('status:', response.status)
 * }</pre>
 */
public final class TimeoutExample implements Example {

    @Override
    public String name() {
        return "timeout";
    }

    @Override
    public String description() {
        return "seed 003: ClientTimeout(total=1 s): /get answers, /delay/2 times out";
    }

    @Override
    public void run(String[] args) throws Exception {
        try (LocalHttpBin bin = new LocalHttpBin()) {
            Weft.run(() -> {
                ClientTimeout timeout = ClientTimeout.defaults().total(Duration.ofSeconds(1));
                try (ClientSession session = ClientSession.builder().timeout(timeout).build()) {
                    try (ClientResponse response = session.get(bin.url("/get"))) {
                        System.out.println("status: " + response.status());
                    }
                    try (ClientResponse response = session.get(bin.url("/delay/2"))) {
                        System.out.println("status: " + response.status());
                    } catch (SocketTimeoutException e) {
                        System.out.println("timeout: " + e.getMessage());
                    }
                }
            });
        }
    }
}
