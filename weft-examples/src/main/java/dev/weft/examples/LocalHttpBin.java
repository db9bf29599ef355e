package dev.weft.examples;

import dev.weft.LoopGroup;
import dev.weft.http.httpbin.HttpBin;
import dev.weft.http.server.HttpServer;
import dev.weft.http.server.HttpServerOptions;
import dev.weft.net.TlsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Weft's httpbin stand-in on a loop thread of its own, so the HTTP examples need no internet
 * (the seeds use https://httpbin.org). {@code ./weft serve httpbin --port P} runs the same
 * service on its own.
 */
final class LocalHttpBin implements AutoCloseable {

    private final LoopGroup loops = new LoopGroup(1);
    private final HttpServer server;
    private final Path tlsDir;

    /** Plain http (HTTP/1.1, and h2c for clients with prior knowledge). */
    LocalHttpBin() {
        this(false);
    }

    /**
     * With {@code https}, served over TLS with the demo certificate of {@code localhost} (in
     * this module's resources, under {@code tls/}): ALPN offers {@code h2} and {@code http/1.1}.
     */
    LocalHttpBin(boolean https) {
        try {
            tlsDir = https ? demoCertificates() : null;
            HttpServerOptions options = HttpServerOptions.defaults();
            if (https) {
                options = options.tls(TlsOptions.server(tlsDir.resolve("server-cert.pem"),
                        tlsDir.resolve("server-key.pem")));
            }
            HttpServerOptions o = options;
            server = loops.loop(0).spawn(() -> HttpServer.start(HttpBin.router(), "127.0.0.1", 0, o)).await();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path demoCertificates() throws IOException {
        Path dir = Files.createTempDirectory("weft-demo-tls");
        for (String name : new String[] {"ca.pem", "server-cert.pem", "server-key.pem"}) {
            try (InputStream in = LocalHttpBin.class.getResourceAsStream("/tls/" + name)) {
                Files.copy(in, dir.resolve(name));
            }
        }
        return dir;
    }

    /** The client's TLS settings: trusting the demo CA (https only). */
    TlsOptions clientTls() throws IOException {
        return TlsOptions.client().trustPem(tlsDir.resolve("ca.pem"));
    }

    /** The URL of {@code path} on this service, e.g. {@code url("/get")}. */
    String url(String path) {
        return (tlsDir != null ? "https://localhost:" : "http://127.0.0.1:") + server.port() + path;
    }

    @Override
    public void close() {
        server.close();
        loops.close();
        if (tlsDir != null) {
            try (Stream<Path> files = Files.list(tlsDir)) {
                files.forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary directory: left behind
            }
            tlsDir.toFile().delete();
        }
    }
}
