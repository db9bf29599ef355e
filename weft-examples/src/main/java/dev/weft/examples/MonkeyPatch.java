package dev.weft.examples;

import dev.weft.Task;
import dev.weft.TaskGroup;
import dev.weft.Weft;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Seed 002, "gevent" and "monkey patching": in Weft no patch is needed. A plain blocking
 * {@code Thread.sleep} inside a task frees the loop for the others, as {@code gevent.sleep}
 * does; so does blocking {@code java.net} socket I/O, as in the seed's gevent echo server.
 *
 * <pre>{@code
 * from gevent import monkey; monkey.patch_all()
 *
 * def foo(x):
 *     print('{} at foo_1'.format(x))
 *     gevent.sleep(2)
 *     print('{} at foo_2'.format(x))
 *
 * def bar(y):
 *     print('{} at bar_1'.format(y))
 *     gevent.sleep(1)
 *     print('{} at bar_2'.format(y))
 *
 * g1 = gevent.spawn(foo, 'yang')
 * g2 = gevent.spawn(bar, 'Elijah')
 * gevent.joinall([g1, g2])
 *
 * def server(server_ip, port):              # the echo server: blocking accept and recv
 *     s = socket(AF_INET, SOCK_STREAM) ...
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
public final class MonkeyPatch implements Example {

    @Override
    public String name() {
        return "monkey-patch";
    }

    @Override
    public String description() {
        return "seed 002: plain Thread.sleep and blocking java.net sockets cooperate inside tasks, like gevent";
    }

    static void foo(String x) throws InterruptedException {
        System.out.println(x + " at foo_1");
        Thread.sleep(2000); // a plain blocking JDK call: the task yields the loop
        System.out.println(x + " at foo_2");
    }

    static void bar(String y) throws InterruptedException {
        System.out.println(y + " at bar_1");
        Thread.sleep(1000);
        System.out.println(y + " at bar_2");
    }

    @Override
    public void run(String[] args) {
        Weft.run(() -> {
            Task<Void> g1 = Weft.spawn(() -> foo("yang"));
            Task<Void> g2 = Weft.spawn(() -> bar("Elijah"));
            Weft.gather(g1, g2); // gevent.joinall([g1, g2])
        });

        System.out.println();
        System.out.println("Echo server and two clients, all blocking java.net sockets, all tasks of one loop:");
        Weft.run(() -> {
            try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                int port = s.getLocalPort();
                Weft.gather(
                        Weft.spawn(() -> server(s, 2)),
                        Weft.spawn(() -> client(port, "client-1")),
                        Weft.spawn(() -> client(port, "client-2")));
            }
        });
    }

    /** Accepts {@code connections} clients, one task each, and returns when all have left. */
    static void server(ServerSocket s, int connections) throws IOException {
        try (TaskGroup group = TaskGroup.open()) {
            for (int i = 0; i < connections; i++) {
                Socket conn = s.accept(); // blocks this task only
                group.spawn(() -> talk(conn));
            }
        }
    }

    static void talk(Socket conn) throws IOException {
        try (conn) {
            BufferedReader in = new BufferedReader(new InputStreamReader(conn.getInputStream(), StandardCharsets.UTF_8));
            PrintWriter out = new PrintWriter(conn.getOutputStream(), true, StandardCharsets.UTF_8);
            String res;
            while ((res = in.readLine()) != null) {
                System.out.println("client " + conn.getInetAddress().getHostAddress() + ":" + conn.getPort() + " msg: " + res);
                out.println(res.toUpperCase());
            }
        }
    }

    static void client(int port, String name) throws IOException {
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
            PrintWriter out = new PrintWriter(c.getOutputStream(), true, StandardCharsets.UTF_8);
            for (int count = 0; count < 2; count++) {
                out.println(name + " say hello " + count);
                System.out.println(in.readLine());
            }
        }
    }
}
