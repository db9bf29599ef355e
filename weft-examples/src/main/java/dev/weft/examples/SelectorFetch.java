package dev.weft.examples;

import dev.weft.EventLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 000, "select + callbacks + event loop": fetch 20 pages with non-blocking sockets and
 * callbacks on the loop's selector ({@code addWriter} for "connected", {@code addReader} for
 * "readable"), then the same 20 pages with blocking sockets one after another. A local shop
 * server that takes 0.5 s per page stands in for the seed's website.
 *
 * <pre>{@code
 * def connected(self, key):
 *     selector.unregister(key.fd)
 *     self.client.send("GET {} HTTP/1.1\r\nHost:{}\r\nConnection:close\r\n\r\n"...)
 *     selector.register(self.client.fileno(), EVENT_READ, self.readable)
 *
 * def readable(self, key):
 *     d = self.client.recv(1024)
 *     if d: self.data += d
 *     else:
 *         selector.unregister(key.fd)
 *         print(self.data.decode("utf8").split("\r\n\r\n")[1])
 *         ...
 * }</pre>
 */
public final class SelectorFetch implements Example {

    @Override
    public String name() {
        return "selector-fetch";
    }

    @Override
    public String description() {
        return "seed 000: 20 fetches callback-style on addReader/addWriter (~0.5 s), then blocking one by one (~10 s)";
    }

    /** One page fetch driven by selector callbacks, like the seed's Fetcher class. */
    static final class Fetcher {
        private final EventLoop loop;
        private final String url;
        private final Runnable onDone;
        private final ByteBuffer buf = ByteBuffer.allocate(1024);
        private final StringBuilder data = new StringBuilder();
        private SocketChannel client;
        private String host;
        private String path;

        Fetcher(EventLoop loop, String url, Runnable onDone) {
            this.loop = loop;
            this.url = url;
            this.onDone = onDone;
        }

        void getUrl() throws IOException {
            URI u = URI.create(url);
            host = u.getHost() + ":" + u.getPort();
            path = u.getPath().isEmpty() ? "/" : u.getPath();
            client = SocketChannel.open();
            client.configureBlocking(false);                    // select needs non-blocking I/O
            client.connect(new InetSocketAddress(u.getHost(), u.getPort()));
            loop.addWriter(client, this::connected);            // call connected() once writable
        }

        // A selector callback may throw: an IOException goes to the loop's exception handler.
        void connected() throws IOException {
            loop.removeWriter(client);
            client.finishConnect();
            String req = "GET " + path + " HTTP/1.1\r\nHost:" + host + "\r\nConnection:close\r\n\r\n";
            client.write(ByteBuffer.wrap(req.getBytes(StandardCharsets.UTF_8)));
            loop.addReader(client, this::readable);             // call readable() when data arrive
        }

        void readable() throws IOException {
            buf.clear();
            int n = client.read(buf);
            if (n > 0) {
                data.append(new String(buf.array(), 0, n, StandardCharsets.UTF_8));
                return;
            }
            loop.removeReader(client);                          // all read
            client.close();
            String html = data.toString().split("\r\n\r\n", 2)[1];
            System.out.print(html);
            onDone.run();
        }
    }

    /** The seed's synchronous get_url: a blocking socket, one page at a time. */
    static void getBlocking(String url) throws IOException {
        URI u = URI.create(url);
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.getOutputStream().write(("GET " + u.getPath() + " HTTP/1.1\r\nHost:" + u.getHost() + ":" + u.getPort()
                    + "\r\nConnection:close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            String data = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            System.out.print(data.split("\r\n\r\n", 2)[1]);
        }
    }

    @Override
    public void run(String[] args) throws Exception {
        try (LocalShop shop = new LocalShop(0.5)) {
            List<String> urls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                urls.add("http://" + shop.host() + "/goods/" + i + "/");
            }

            // Asynchronous: callbacks on the loop's selector.
            long start = System.nanoTime();
            try (EventLoop loop = EventLoop.create()) {
                int[] left = {urls.size()};
                for (String url : urls) {
                    new Fetcher(loop, url, () -> {
                        if (--left[0] == 0) {
                            loop.stop();                        // the seed's global `stop`
                        }
                    }).getUrl();
                }
                loop.runForever();
            }
            System.out.printf("callbacks: %.3f s%n", (System.nanoTime() - start) / 1e9);

            // Synchronous: blocking sockets, one page after another.
            start = System.nanoTime();
            for (String url : urls) {
                getBlocking(url);
            }
            System.out.printf("blocking: %.3f s%n", (System.nanoTime() - start) / 1e9);
        }
    }
}
