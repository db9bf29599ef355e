package dev.weft.http.logging;

import dev.weft.Debug;
import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.http.client.ClientResponse;
import dev.weft.http.client.ClientSession;
import dev.weft.http.server.HttpServer;
import dev.weft.http.server.Router;
import dev.weft.net.ConnectOptions;
import dev.weft.net.Server;
import dev.weft.net.Streams;
import dev.weft.net.TlsOptions;
import java.io.IOException;
import java.util.List;

/**
 * Run by {@link ErrorsWithoutProviderTest} in a JVM without any SLF4J provider: provokes the
 * three errors a user must see, then prints what it saw on stdout.
 */
public final class ErrorsWithoutProviderMain {

    private ErrorsWithoutProviderMain() {
    }

    /**
     * Entry point.
     *
     * @param args ignored
     * @throws Exception if the scenario itself breaks
     */
    public static void main(String[] args) throws Exception {
        Router router = new Router().get("/boom", req -> {
            throw new IllegalStateException("the handler broke");
        });
        int status = Weft.run(() -> {
            try (HttpServer server = HttpServer.start(router, "127.0.0.1", 0);
                 ClientSession session = ClientSession.create();
                 ClientResponse r = session.get("http://127.0.0.1:" + server.port() + "/boom")) {
                return r.status();
            }
        });
        System.out.println("status " + status);

        Weft.run(() -> {
            Task<Void> doomed = Weft.spawn("doomed", () -> {
                throw new IllegalArgumentException("nobody looks at me");
            });
            Weft.wait(List.of(doomed)); // waits without reading the outcome
        });
        long before = Debug.unretrievedReports();
        for (int i = 0; i < 500 && Debug.unretrievedReports() == before; i++) {
            System.gc();
            Thread.sleep(10); // lets the cleaner thread run; bounded
        }
        System.out.println("unretrieved reports " + (Debug.unretrievedReports() - before));

        Weft.run(() -> {
            // A plain TCP server: the TLS handshake fails, but the client made its insecure engine first.
            Server plain = Streams.startServer((reader, writer) -> writer.close(), "127.0.0.1", 0);
            try {
                Streams.openConnection("127.0.0.1", plain.port(), ConnectOptions.defaults().tls(TlsOptions.insecure()))
                        .close();
            } catch (IOException expected) {
                System.out.println("handshake failed as expected");
            } finally {
                plain.close();
            }
        });
    }
}
