package dev.weft.bench.http;

import dev.weft.LoopGroup;
import dev.weft.Weft;
import dev.weft.http.httpbin.HttpBin;
import dev.weft.http.server.HttpServer;
import dev.weft.http.server.Response;
import dev.weft.http.server.Router;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The HTTP servers of the {@code http} benchmark, one per process (see docs/benchmarks.md §5).
 *
 * <pre>
 *   HttpBenchServer netty|weft|httpbin PORT
 * </pre>
 *
 * <ul>
 *   <li>{@code netty}: Netty 4.2 epoll, one event loop, {@code HttpServerCodec} and a handler that
 *       answers every request with {@code 200 text/plain "Hello, World!"} (keep-alive honoured).
 *       The neutral server of the client fan-out benchmark: neither contender's code.</li>
 *   <li>{@code weft}: {@link HttpServer} on one loop, {@code GET /} → {@code Response.text("Hello, World!")}.</li>
 *   <li>{@code httpbin}: {@link HttpServer} with {@link HttpBin#router()} on one loop (for {@code /delay/s}).</li>
 * </ul>
 *
 * <p>Prints {@code READY {"port":..,"pid":..}} once listening; ends when stdin ends.
 */
public final class HttpBenchServer {

    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    private HttpBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        int port = Integer.parseInt(args[1]);
        switch (kind) {
            case "netty" -> runNetty(port);
            case "weft" -> runWeft(new Router().get("/", req -> Response.text("Hello, World!")), port);
            case "httpbin" -> runWeft(HttpBin.router(), port);
            default -> throw new IllegalArgumentException("unknown server " + kind);
        }
    }

    private static void runWeft(Router router, int port) throws Exception {
        LoopGroup group = new LoopGroup(1);
        HttpServer server = group.loop(0).spawn(() -> HttpServer.start(router, "127.0.0.1", port)).await();
        ready(server.port());
    }

    /** Netty's hello world: one full response per request head, flushed per read burst. */
    static final class Hello extends SimpleChannelInboundHandler<HttpObject> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpRequest req) {
                boolean keepAlive = HttpUtil.isKeepAlive(req);
                ByteBuf body = Unpooled.wrappedBuffer(HELLO);
                FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
                res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, HELLO.length);
                if (!keepAlive) {
                    res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                    ctx.write(res).addListener(f -> ctx.close());
                } else {
                    ctx.write(res, ctx.voidPromise());
                }
            }
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

    private static void runNetty(int port) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        Channel ch = new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new HttpServerCodec(), new Hello());
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
        ready(((InetSocketAddress) ch.localAddress()).getPort());
    }

    private static void ready(int port) throws Exception {
        System.out.println("READY {\"port\":" + port + ",\"pid\":" + ProcessHandle.current().pid() + "}");
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for end of stdin
        }
        Runtime.getRuntime().halt(0);
    }
}
