package dev.weft.examples;

import dev.weft.Weft;
import dev.weft.net.Server;
import dev.weft.net.StreamReader;
import dev.weft.net.StreamWriter;
import dev.weft.net.Streams;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Seed 002, the gevent echo server: every connection is served by its own task (gevent's
 * greenlet), which prints what it receives and sends it back in upper case. Runs until Ctrl-C.
 * {@code --port N} (default 8080), {@code --quiet} to not print each message.
 *
 * <pre>{@code
 * def server(server_ip, port):
 *     s = socket(AF_INET, SOCK_STREAM)
 *     s.bind((server_ip, port)); s.listen(5)
 *     while True:
 *         conn, addr = s.accept()
 *         gevent.spawn(talk, conn, addr)
 *
 * def talk(conn, addr):
 *     while True:
 *         res = conn.recv(1024)
 *         print('client %s:%s msg: %s' % (addr[0], addr[1], res))
 *         conn.send(res.upper())
 * }</pre>
 */
public final class EchoServer implements Example {

    @Override
    public String name() {
        return "echo-server";
    }

    @Override
    public String description() {
        return "seed 002: upper-casing echo server, one task per connection; --port N (8080), --quiet; Ctrl-C stops";
    }

    /** The seed's talk(): upper-case echo until the client goes away. */
    static void talk(StreamReader reader, StreamWriter writer, boolean quiet) throws IOException {
        InetSocketAddress addr = (InetSocketAddress) reader.remoteAddress();
        byte[] res;
        while ((res = reader.read(1024)).length > 0) {
            String msg = new String(res, StandardCharsets.UTF_8);
            if (!quiet) {
                System.out.printf("client %s:%d msg: %s%n", addr.getHostString(), addr.getPort(), msg);
            }
            writer.write(msg.toUpperCase(Locale.ROOT));
            writer.drain();
        }
    }

    /** Starts the server on the current loop. */
    static Server start(int port, boolean quiet) throws IOException {
        return Streams.startServer((r, w) -> talk(r, w, quiet), "127.0.0.1", port);
    }

    @Override
    public void run(String[] args) {
        int port = Args.intOption(args, "--port", 8080);
        boolean quiet = Args.flag(args, "--quiet");
        Weft.run(() -> {
            Server server = start(port, quiet);
            System.out.println("echo server on 127.0.0.1:" + server.port() + " (Ctrl-C to stop)");
            server.serveForever();
        });
    }
}
