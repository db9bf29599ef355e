package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.net.Server;
import dev.weft.testing.WeftTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The network examples' building blocks do what the seeds' versions do. */
@WeftTest(virtualClock = false)
class NetworkExamplesTest {

    @Test
    void streamFetchReadsEveryLineOfEachPage() throws Exception {
        try (LocalShop shop = new LocalShop(0)) {
            List<Task<String>> pages = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String path = "/goods/" + i + "/";
                pages.add(Weft.spawn(() -> StreamFetch.getUrl("127.0.0.1", shop.port(), path)));
            }
            List<String> got = Weft.gather(pages);
            for (int i = 0; i < 20; i++) {
                assertTrue(got.get(i).startsWith("HTTP/1.1 200 OK"), got.get(i));
                assertTrue(got.get(i).endsWith("<h1>goods page /goods/" + i + "/</h1></body></html>"), got.get(i));
            }
        }
    }

    @Test
    void echoClientsGetEveryMessageBackInUpperCase() throws Exception {
        Server server = EchoServer.start(0, true);
        List<Task<Integer>> clients = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            int id = i;
            clients.add(Weft.spawn(() -> EchoClients.client(id, server.port(), 5)));
        }
        assertEquals(500 * 5, Weft.gather(clients).stream().mapToInt(Integer::intValue).sum());
        server.close();
        server.waitClosed();
    }

    @Test
    void httpxHttp2ExampleSharesOneHttp2ConnectionForItsPages() throws Exception {
        try (LocalHttpBin bin = new LocalHttpBin(true);
                dev.weft.http.client.ClientSession client = dev.weft.http.client.ClientSession.builder().http2(true)
                        .tls(bin.clientTls()).build()) {
            List<Task<String>> pages = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                pages.add(Weft.spawn(() -> HttpxHttp2.fetchPage(client, bin.url("/get"))));
            }
            assertEquals(java.util.Collections.nCopies(10, "HTTP/2"), Weft.gather(pages));
            assertEquals(1, client.pool().connectionsOpened());
        }
    }
}
