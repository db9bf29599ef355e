package example;

import dev.weft.Task;
import dev.weft.Weft;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The README's promise with plain {@code java.net} sockets: a server task and a client task of
 * one loop talk over loopback, each blocked in turn in a JDK call the other one must answer.
 */
public final class SocketsMain {

    private SocketsMain() {
    }

    public static void main(String[] args) {
        String reply = Weft.run(() -> {
            try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                Task<String> echo = Weft.spawn("echo-server", () -> {
                    try (Socket s = server.accept()) {
                        String line = reader(s).readLine();
                        OutputStream out = s.getOutputStream();
                        out.write(("echo " + line + "\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        return line;
                    }
                });
                Task<String> client = Weft.spawn("client", () -> {
                    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                        s.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
                        return reader(s).readLine();
                    }
                });
                return client.await() + " / server read " + echo.await();
            }
        });
        System.out.println("reply: " + reply);
    }

    private static BufferedReader reader(Socket s) throws java.io.IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }
}
