package dev.weft.http.httpbin;

import dev.weft.LoopGroup;
import dev.weft.Weft;
import dev.weft.http.server.HttpServer;
import dev.weft.http.server.HttpServerOptions;
import dev.weft.http.server.Router;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code ./weft serve} command: {@code serve httpbin --port P [--host H]} runs
 * {@link HttpBin}; {@code serve static DIR --port P [--host H]} serves a directory. The port
 * actually bound is printed on the first line of standard output
 * ({@code serving httpbin on http://127.0.0.1:8080}), handy with {@code --port 0}. Connections
 * are served on one loop per core ({@link LoopGroup#perCore()}). SIGINT or SIGTERM shuts the
 * server down gracefully: requests in flight are finished (within
 * {@link HttpServer#SERVE_FOREVER_GRACE}), then the process exits with status 130 or 143.
 */
public final class Serve {

    private Serve() {
    }

    /** Entry point. */
    public static void main(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            usage(0);
        }
        String what = args[0];
        String host = "127.0.0.1";
        int port = 8080;
        Path dir = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--port", "-p" -> port = Integer.parseInt(value(args, ++i));
                case "--host" -> host = value(args, ++i);
                default -> {
                    if (what.equals("static") && dir == null && !args[i].startsWith("-")) {
                        dir = Path.of(args[i]);
                    } else {
                        System.err.println("unknown argument: " + args[i]);
                        usage(2);
                    }
                }
            }
        }
        Router router;
        if (what.equals("httpbin")) {
            router = HttpBin.router();
        } else if (what.equals("static")) {
            Path root = dir == null ? Path.of(".") : dir;
            if (!Files.isDirectory(root)) {
                System.err.println("not a directory: " + root);
                usage(2);
            }
            router = new Router().staticFiles("/", root);
        } else {
            System.err.println("unknown service: " + what);
            usage(2);
            return;
        }
        String h = host;
        int p = port;
        try (LoopGroup loops = LoopGroup.perCore()) {
            Weft.run(() -> {
                HttpServer server = HttpServer.start(router, h, p, HttpServerOptions.defaults().loops(loops));
                System.out.println("serving " + what + " on http://" + h + ":" + server.port());
                System.out.flush();
                server.serveForever(); // SIGINT/SIGTERM: a graceful shutdown, then exit 130/143
            });
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage(2);
        }
        return args[i];
    }

    private static void usage(int status) {
        System.err.println("usage: ./weft serve httpbin [--port P] [--host H]\n"
                + "       ./weft serve static DIR [--port P] [--host H]");
        System.exit(status);
    }
}
