package dev.weft.examples;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.net.Connection;
import dev.weft.net.Server;
import dev.weft.net.Streams;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Seed 002, "many clients at once": 500 concurrent clients (the seed starts 500 threads; here
 * they are 500 tasks on one loop) each send messages to the echo server, read the upper-cased
 * echo, check it and count. Prints totals. Talks to {@code echo-server} if one runs on the port,
 * else starts one in-process. {@code --port N} (8080), {@code --clients N} (500),
 * {@code --messages N} per client (20).
 *
 * <pre>{@code
 * def client(server_ip, port):
 *     c = socket(AF_INET, SOCK_STREAM)
 *     c.connect((server_ip, port))
 *     count = 0
 *     while True:
 *         c.send(('%s say hello %s' % (threading.current_thread().getName(), count)).encode('utf-8'))
 *         msg = c.recv(1024)
 *         print(msg.decode('utf-8'))
 *         count += 1
 *
 * for i in range(500):
 *     Thread(target=client, args=('127.0.0.1', 8080)).start()
 * }</pre>
 */
public final class EchoClients implements Example {

    @Override
    public String name() {
        return "echo-clients";
    }

    @Override
    public String description() {
        return "seed 002: 500 concurrent clients × 20 messages against echo-server (started in-process if absent)";
    }

    static int client(int id, int port, int messages) throws Exception {
        try (Connection c = Streams.openConnection("127.0.0.1", port)) {
            int count = 0;
            for (int i = 0; i < messages; i++) {
                String msg = "task-" + id + " say hello " + count;
                c.writer().write(msg);
                byte[] echo = c.reader().readExactly(msg.length());
                String got = new String(echo, StandardCharsets.UTF_8);
                if (!got.equals(msg.toUpperCase(Locale.ROOT))) {
                    throw new IllegalStateException("bad echo: " + got);
                }
                count++;
            }
            return count;
        }
    }

    @Override
    public void run(String[] args) {
        int port = Args.intOption(args, "--port", 8080);
        int clients = Args.intOption(args, "--clients", 500);
        int messages = Args.intOption(args, "--messages", 20);
        Weft.run(() -> {
            Server own = null;
            try {
                Streams.openConnection("127.0.0.1", port).close();
                System.out.println("using the echo server on port " + port);
            } catch (ConnectException none) {
                own = EchoServer.start(0, true);
                System.out.println("no server on port " + port + "; started one on port " + own.port());
            }
            int target = own != null ? own.port() : port;
            long start = System.nanoTime();
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int id = i;
                tasks.add(Weft.spawn(() -> client(id, target, messages)));
            }
            long total = 0;
            for (int n : Weft.gather(tasks)) {
                total += n;
            }
            double secs = (System.nanoTime() - start) / 1e9;
            System.out.printf("%d clients, %d messages echoed and checked in %.3f s (%.0f messages/s)%n",
                    clients, total, secs, total / secs);
            if (own != null) {
                own.close();
            }
        });
    }
}
