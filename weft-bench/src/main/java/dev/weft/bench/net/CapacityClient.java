package dev.weft.bench.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A client process of the capacity benchmark: holds many idle connections to one server.
 *
 * <pre>
 *   CapacityClient HOST PORT COUNT SRC_PREFIX SRC_FIRST SRC_COUNT
 * </pre>
 *
 * <p>Plain JDK NIO, one thread. Prints {@code READY}, waits for the line {@code go} on stdin,
 * then opens COUNT connections with non-blocking connects (at most 512 in flight), each bound to
 * the source address SRC_PREFIX + (SRC_FIRST + i % SRC_COUNT), e.g. 127.0.0.2 to 127.0.0.9, so
 * that no source address runs out of ephemeral ports; prints {@code CONNECTED {json}}. On the
 * line {@code echo} it sends 64 bytes on every connection and waits until each has come back
 * (60 s at most); prints {@code ECHOED {json}}. End of stdin closes everything and exits.
 */
public final class CapacityClient {

    private static final int WINDOW = 512;
    private static final int MESSAGE = 64;

    private CapacityClient() {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        String prefix = args[3];
        int first = Integer.parseInt(args[4]);
        int sources = Integer.parseInt(args[5]);
        InetSocketAddress server = new InetSocketAddress(host, port);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY");
        System.out.flush();
        if (!"go".equals(in.readLine())) {
            return;
        }
        List<SocketChannel> channels = new ArrayList<>(count);
        int failed = 0;
        long t0 = System.nanoTime();
        try (Selector selector = Selector.open()) {
            int inFlight = 0;
            int i = 0;
            String lastError = null;
            while (i < count || inFlight > 0) {
                while (i < count && inFlight < WINDOW) {
                    SocketChannel ch = SocketChannel.open();
                    ch.configureBlocking(false);
                    ch.bind(new InetSocketAddress(prefix + (first + i % sources), 0));
                    i++;
                    if (ch.connect(server)) {
                        channels.add(ch);
                    } else {
                        ch.register(selector, SelectionKey.OP_CONNECT);
                        inFlight++;
                    }
                }
                selector.select(1000);
                for (SelectionKey k : selector.selectedKeys()) {
                    SocketChannel ch = (SocketChannel) k.channel();
                    k.cancel();
                    inFlight--;
                    try {
                        ch.finishConnect();
                        channels.add(ch);
                    } catch (IOException e) {
                        failed++;
                        lastError = e.toString();
                        ch.close();
                    }
                }
                selector.selectedKeys().clear();
            }
            selector.selectNow(); // flush the cancelled keys
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("CONNECTED {\"connected\":" + channels.size() + ",\"failed\":" + failed
                    + ",\"ms\":" + ms + (lastError == null ? "" : ",\"error\":\"" + lastError.replace('"', '\'') + "\"")
                    + "}");
            System.out.flush();

            if ("echo".equals(in.readLine())) {
                echo(channels, selector);
            }
            in.readLine(); // until end of stdin
        } finally {
            for (SocketChannel ch : channels) {
                ch.close();
            }
        }
    }

    private static void echo(List<SocketChannel> channels, Selector selector) throws IOException {
        ByteBuffer out = ByteBuffer.allocateDirect(MESSAGE);
        long t0 = System.nanoTime();
        int writeFailed = 0;
        for (SocketChannel ch : channels) {
            out.clear();
            while (out.hasRemaining()) {
                try {
                    if (ch.write(out) == 0) {
                        break;
                    }
                } catch (IOException e) {
                    writeFailed++;
                    break;
                }
            }
            if (!out.hasRemaining()) {
                ch.register(selector, SelectionKey.OP_READ, new int[1]);
            }
        }
        ByteBuffer in = ByteBuffer.allocateDirect(MESSAGE * 4);
        int waiting = selector.keys().size();
        int ok = 0;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (waiting > 0 && System.nanoTime() < deadline) {
            selector.select(1000);
            for (SelectionKey k : selector.selectedKeys()) {
                int[] got = (int[]) k.attachment();
                in.clear();
                int n;
                try {
                    n = ((SocketChannel) k.channel()).read(in);
                } catch (IOException e) {
                    n = -1;
                }
                if (n < 0) {
                    k.cancel();
                    waiting--;
                    continue;
                }
                got[0] += n;
                if (got[0] >= MESSAGE) {
                    k.cancel();
                    waiting--;
                    ok++;
                }
            }
            selector.selectedKeys().clear();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("ECHOED {\"ok\":" + ok + ",\"sent\":" + (channels.size() - writeFailed) + ",\"ms\":" + ms + "}");
        System.out.flush();
    }
}
