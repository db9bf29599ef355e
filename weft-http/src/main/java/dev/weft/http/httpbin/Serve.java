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
 * are served on one loop per core ({@link LoopGroup#perCore()}), over HTTP/1.1 or, for clients
 * that open with the HTTP/2 preface ({@code curl --http2-prior-knowledge}, {@code h2load}), h2c.
 * SIGINT or SIGTERM shuts the
 * server down gracefully: requests in flight are finished (within
 * {@link HttpServer#SERVE_FOREVER_GRACE}), then the process exits with status 130 or 143.
 */
public final class Serve {

    private Serve() {
    }

    /**
     * Entry point.
     *
     * @param args {@code httpbin|static [DIR] [--port P] [--host H]}
     */
    public static void main(String[] args) {
        if (args.length == 0) {
            usage(2, "which service? httpbin or static");
        }
        if (args[0].equals("--help") || args[0].equals("-h")) {
            usage(0, null);
        }
        String what = args[0];
        if (!what.equals("httpbin") && !what.equals("static")) {
            usage(2, "unknown service '" + what + "'");
        }
        String host = "127.0.0.1";
        int port = 8080;
        Path dir = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--port", "-p" -> port = port(value(args, ++i, args[i - 1]));
                case "--host" -> host = value(args, ++i, "--host");
                case "--help", "-h" -> usage(0, null);
                default -> {
                    if (what.equals("static") && dir == null && !args[i].startsWith("-")) {
                        dir = Path.of(args[i]);
                    } else {
                        usage(2, "unknown argument '" + args[i] + "'");
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
                usage(2, "not a directory: " + root);
            }
            router = new Router().staticFiles("/", root);
        } else {
            throw new AssertionError(what);
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

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            usage(2, option + " needs a value");
        }
        return args[i];
    }

    private static int port(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // below
        }
        usage(2, "--port needs a port number from 0 to 65535, not '" + text + "'");
        return -1;
    }

    private static void usage(int status, String error) {
        if (error != null) {
            System.err.println("weft serve: " + error);
        }
        System.err.println("usage: ./weft serve httpbin [--port P] [--host H]\n"
                + "       ./weft serve static DIR [--port P] [--host H]   (DIR/index.html answers /)\n"
                + "       ./weft serve demo-site [--pages N] [--latency MS] [--port P] [--export DIR]");
        System.exit(status);
    }
}
