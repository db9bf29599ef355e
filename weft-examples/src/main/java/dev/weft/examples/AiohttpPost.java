package dev.weft.examples;

import dev.weft.Weft;
import dev.weft.http.client.Body;
import dev.weft.http.client.ClientResponse;
import dev.weft.http.client.ClientSession;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Seed 003, "POST a form": status, headers, body and JSON of httpbin's {@code /post}.
 *
 * <pre>{@code
 * data = {'name': 'germey', 'age': 25}
 * async with session.post('https://httpbin.org/post', data=data) as response:
 *     print('status:', response.status)
 *     print('headers:', response.headers)
 *     print('body:', await response.text())
 *     print('bytes:', await response.read())
 *     print('json:', await response.json())
 * }</pre>
 */
public final class AiohttpPost implements Example {

    @Override
    public String name() {
        return "aiohttp-post";
    }

    @Override
    public String description() {
        return "seed 003: form POST to the local httpbin, printing status, headers, body and json";
    }

    @Override
    public void run(String[] args) throws Exception {
        try (LocalHttpBin bin = new LocalHttpBin()) {
            Weft.run(() -> {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("name", "germey");
                data.put("age", 25);
                try (ClientSession session = ClientSession.create();
                        ClientResponse response = session.post(bin.url("/post"), Body.form(data))) {
                    System.out.println("status: " + response.status());
                    System.out.print("headers: " + response.headers());
                    String body = response.text();
                    System.out.println("body: " + body);
                    System.out.println("json: " + response.json());
                }
            });
        }
    }
}
