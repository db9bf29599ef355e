package dev.weft.bench.http;

import dev.weft.LoopGroup;
import dev.weft.http.server.HttpServer;
import dev.weft.http.server.Response;
import dev.weft.http.server.Router;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import dev.weft.http.server.HttpServerOptions;
import dev.weft.net.TlsOptions;
import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/2 servers of the {@code http2} benchmark, one per process (docs/benchmarks.md, HTTP/2).
 *
 * <pre>
 *   Http2BenchServer weft|netty PORT                       h2c (prior knowledge)
 *   Http2BenchServer weft-tls|netty-tls PORT CERT KEY      h2 over TLS (ALPN), PEM certificate and PKCS#8 key
 * </pre>
 *
 * <p>Each answers every request with {@code 200 text/plain "Hello, World!"} and the headers
 * {@code content-type}, {@code content-length}, {@code server} and {@code date}, on one event loop,
 * in clear text with prior knowledge (what {@code h2load http://...} speaks), allowing 100 streams
 * at once per connection:
 * <ul>
 *   <li>{@code weft}: {@link HttpServer} on one loop (HTTP/1.1 and h2c on one port), {@code GET /}
 *       → {@code Response.text("Hello, World!")}: the same Router an HTTP/1.1 server runs.</li>
 *   <li>{@code netty}: Netty 4.2 epoll, one event loop, {@code Http2FrameCodec} and a handler that
 *       answers each request's HEADERS frame with a HEADERS and a DATA frame (flushed per read burst).</li>
 *   <li>{@code weft-tls}, {@code netty-tls}: the same over TLS, ALPN offering {@code h2} (Weft:
 *       {@code h2, http/1.1}); both on the JDK's TLS implementation (Netty's {@code SslProvider.JDK}:
 *       no OpenSSL, so the two pay for the same TLS).</li>
 * </ul>
 * Prints {@code READY {"port":..,"pid":..}} once listening; ends when stdin ends.
 */
public final class Http2BenchServer {

    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH);

    private Http2BenchServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        switch (args[0]) {
            case "weft" -> runWeft(port, null);
            case "netty" -> runNetty(port, null);
            case "weft-tls" -> runWeft(port, args);
            case "netty-tls" -> runNetty(port, args);
            default -> throw new IllegalArgumentException("unknown server " + args[0]);
        }
    }

    /** {@code tls}: the arguments, certificate and key at 2 and 3; null: h2c. */
    private static void runWeft(int port, String[] tls) throws Exception {
        LoopGroup group = new LoopGroup(1);
        Router router = new Router().get("/", req -> Response.text("Hello, World!"));
        HttpServerOptions options = tls == null ? HttpServerOptions.defaults()
                : HttpServerOptions.defaults().tls(TlsOptions.server(Path.of(tls[2]), Path.of(tls[3])));
        HttpServer server = group.loop(0).spawn(() -> HttpServer.start(router, "127.0.0.1", port, options)).await();
        ready(server.port());
    }

    /** Answers each request (a HEADERS frame) with HEADERS and one DATA frame; drops request bodies. */
    static final class Hello extends ChannelDuplexHandler {
        private static final AsciiString SERVER = AsciiString.cached("Netty");
        private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain; charset=utf-8");
        private static final AsciiString LENGTH = AsciiString.cached(Integer.toString(HELLO.length));
        private static volatile AsciiString date = new AsciiString(HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)));

        static void tick() {
            date = new AsciiString(HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame h && h.isEndStream()) {
                answer(ctx, h);
            } else if (msg instanceof Http2DataFrame d) {
                boolean end = d.isEndStream();
                ReferenceCountUtil.release(d);
                if (end) {
                    ctx.write(new DefaultHttp2HeadersFrame(headers()).stream(d.stream()));
                    ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(HELLO), true).stream(d.stream()));
                }
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        private static void answer(ChannelHandlerContext ctx, Http2HeadersFrame h) {
            ctx.write(new DefaultHttp2HeadersFrame(headers()).stream(h.stream()));
            ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(HELLO), true).stream(h.stream()));
        }

        private static DefaultHttp2Headers headers() {
            DefaultHttp2Headers headers = new DefaultHttp2Headers();
            headers.status("200").set("content-type", TEXT_PLAIN).set("content-length", LENGTH)
                    .set("server", SERVER).set("date", date);
            return headers;
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

    private static void runNetty(int port, String[] tls) throws Exception {
        SslContext ssl = tls == null ? null : SslContextBuilder.forServer(new File(tls[2]), new File(tls[3]))
                .sslProvider(SslProvider.JDK)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2))
                .build();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        group.scheduleAtFixedRate(Hello::tick, 1, 1, TimeUnit.SECONDS);
        Channel ch = new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        if (ssl != null) {
                            c.pipeline().addLast(ssl.newHandler(c.alloc()));
                        }
                        c.pipeline().addLast(Http2FrameCodecBuilder.forServer()
                                .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(100)).build(),
                                new Hello());
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
