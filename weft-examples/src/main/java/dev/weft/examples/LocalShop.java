package dev.weft.examples;

import dev.weft.EventLoop;
import dev.weft.LoopGroup;
import dev.weft.Weft;
import dev.weft.net.Server;
import dev.weft.net.Streams;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in for the seeds' {@code shop.projectsedu.com}: a tiny HTTP/1.1 server on loopback,
 * written with Weft streams, that answers {@code GET /goods/N/} with a small HTML page after a
 * delay (a slow remote site), then closes the connection. It runs on a loop thread of its own,
 * so examples can use any style (callbacks, tasks, blocking sockets) against it.
 */
final class LocalShop implements AutoCloseable {

    private final LoopGroup loops = new LoopGroup(1);
    private final Server server;

    /** Starts the shop; every page takes {@code delaySeconds} to serve. */
    LocalShop(double delaySeconds) {
        EventLoop loop = loops.loop(0);
        server = loop.spawn(() -> Streams.startServer((reader, writer) -> {
            String requestLine = reader.readLine();
            String line;
            while ((line = reader.readLine()) != null && !line.isEmpty()) {
                // skip the request headers
            }
            Weft.sleep(delaySeconds);
            String path = requestLine == null ? "/" : requestLine.split(" ")[1];
            String body = "<html><body><h1>goods page " + path + "</h1></body></html>\n";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            writer.write("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
                    + bytes.length + "\r\nConnection: close\r\n\r\n");
            writer.write(bytes);
        }, "127.0.0.1", 0)).await();
    }

    /** The host:port to fetch from. */
    String host() {
        return "127.0.0.1:" + server.port();
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
        loops.close();
    }
}
