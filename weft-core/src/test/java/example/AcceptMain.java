package example;

import dev.weft.Task;
import dev.weft.Weft;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A program (outside Weft's packages, as a user's is) whose task waits in a plain
 * {@code ServerSocket.accept()} that no client will ever answer; prints "accepting" first and
 * what its {@code finally} blocks ran at the end.
 */
public final class AcceptMain {

    private AcceptMain() {
    }

    public static void main(String[] args) {
        Weft.run(() -> {
            Task<Void> acceptor = Weft.spawn("acceptor", () -> {
                try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                    System.out.println("accepting");
                    System.out.flush();
                    server.accept().close();
                } finally {
                    System.out.println("acceptor cleaned up");
                    System.out.flush();
                }
            });
            try {
                acceptor.await();
            } finally {
                System.out.println("main cleaned up");
                System.out.flush();
            }
        });
        System.out.println("not reached");
    }
}
