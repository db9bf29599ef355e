package dev.weft.examples;

import dev.weft.LoopGroup;
import dev.weft.http.httpbin.HttpBin;
import dev.weft.http.server.HttpServer;

/**
 * Weft's httpbin stand-in on a loop thread of its own, so the HTTP examples need no internet
 * (the seeds use https://httpbin.org). {@code ./weft serve httpbin --port P} runs the same
 * service on its own.
 */
final class LocalHttpBin implements AutoCloseable {

    private final LoopGroup loops = new LoopGroup(1);
    private final HttpServer server;

    LocalHttpBin() {
        server = loops.loop(0).spawn(() -> HttpServer.start(HttpBin.router(), "127.0.0.1", 0)).await();
    }

    /** The URL of {@code path} on this service, e.g. {@code url("/get")}. */
    String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    @Override
    public void close() {
        server.close();
        loops.close();
    }
}
