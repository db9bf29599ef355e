package dev.weft.bench.net;

import dev.weft.LoopGroup;
import dev.weft.Weft;
import dev.weft.net.Server;
import dev.weft.net.ServerOptions;
import dev.weft.net.Streams;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The echo servers of the network benchmarks (echo, capacity, latency), one per process.
 *
 * <pre>
 *   EchoServer weft|netty-nio|netty-epoll PORT [LOOPS]
 * </pre>
 *
 * <ul>
 *   <li>{@code weft}: {@link Streams#startServer} with the handler {@code read(64 KiB) → write →
 *       drain} until end of stream. LOOPS 1: handlers on the server's own loop (one thread);
 *       LOOPS n &gt; 1: handlers on a {@code LoopGroup(n)} ({@link ServerOptions#loops}), the
 *       acceptor on the main loop.</li>
 *   <li>{@code netty-nio}, {@code netty-epoll}: Netty 4.2 with one {@code MultiThreadIoEventLoopGroup}
 *       of LOOPS threads serving both the listener and the connections; the handler writes each
 *       buffer it reads and flushes on {@code channelReadComplete} (Netty's own echo example).</li>
 * </ul>
 *
 * <p>Both set TCP_NODELAY on accepted connections (Weft always does). Once listening, the
 * process prints {@code READY {"port":..,"pid":..}}. It then reads commands from stdin, one a
 * line, and answers each with one JSON line: {@code stats} (connections open now), {@code gc}
 * (two full GCs, then used heap bytes). End of stdin ends the process.
 *
 * <p>Thread ownership: the control thread (a platform thread reading stdin) only reads
 * atomic counters and the memory MXBean.
 */
public final class EchoServer {

    private static final int READ_SIZE = 64 * 1024;

    private EchoServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: EchoServer weft|netty-nio|netty-epoll PORT [LOOPS]");
            System.exit(2);
        }
        String kind = args[0];
        int port = Integer.parseInt(args[1]);
        int loops = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        switch (kind) {
            case "weft" -> runWeft(port, loops);
            case "netty-nio" -> runNetty(port, loops, false);
            case "netty-epoll" -> runNetty(port, loops, true);
            default -> throw new IllegalArgumentException("unknown server " + kind);
        }
    }

    // ------------------------------------------------------------------ Weft

    private static void runWeft(int port, int loops) {
        LoopGroup group = loops > 1 ? new LoopGroup(loops) : null;
        Weft.run(() -> {
            ServerOptions options = ServerOptions.defaults().backlog(4096);
            if (group != null) {
                options = options.loops(group);
            }
            Server server = Streams.startServer((reader, writer) -> {
                while (true) {
                    byte[] data = reader.read(READ_SIZE);
                    if (data.length == 0) {
                        return;
                    }
                    writer.write(data);
                    writer.drain();
                }
            }, "127.0.0.1", port, options);
            ready(server.port(), server::activeConnections);
            server.serveForever();
        });
    }

    // ------------------------------------------------------------------ Netty

    /** Netty's echo: write what was read, flush once per read burst. */
    @ChannelHandler.Sharable
    static final class NettyEcho extends ChannelInboundHandlerAdapter {
        final AtomicInteger active = new AtomicInteger();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active.incrementAndGet();
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            active.decrementAndGet();
            ctx.fireChannelInactive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static void runNetty(int port, int loops, boolean epoll) throws Exception {
        if (epoll && !Epoll.isAvailable()) {
            throw new IllegalStateException("native epoll unavailable", Epoll.unavailabilityCause());
        }
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, factory);
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        NettyEcho echo = new NettyEcho();
        Channel ch = new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(echo)
                .bind("127.0.0.1", port).sync().channel();
        int bound = ((java.net.InetSocketAddress) ch.localAddress()).getPort();
        ready(bound, echo.active::get);
        ch.closeFuture().sync();
    }

    // ------------------------------------------------------------------ control

    private static void ready(int port, IntSupplier active) {
        System.out.println("READY {\"port\":" + port + ",\"pid\":" + ProcessHandle.current().pid() + "}");
        System.out.flush();
        Thread.ofPlatform().daemon().name("bench-control").start(() -> control(active));
    }

    private static void control(IntSupplier active) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                switch (line.trim()) {
                    case "stats" -> System.out.println("{\"active\":" + active.getAsInt() + "}");
                    case "gc" -> {
                        System.gc();
                        System.gc();
                        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                        System.out.println("{\"active\":" + active.getAsInt() + ",\"heap_used\":" + used + "}");
                    }
                    default -> System.out.println("{\"error\":\"unknown command\"}");
                }
                System.out.flush();
            }
        } catch (Exception e) {
            e.printStackTrace();
        }
        Runtime.getRuntime().halt(0);
    }
}
