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
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.netty.util.AsciiString;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP servers of the {@code http} benchmark, one per process (see docs/benchmarks.md §5).
 *
 * <pre>
 *   HttpBenchServer netty|weft|vertx|httpbin PORT
 * </pre>
 *
 * <p>Every hello-world server answers {@code GET /json} with {@code {"message":"Hello, World!"}}
 * ({@code application/json}), serialized per request as TechEmpower's rules ask, and every other
 * request with {@code 200 text/plain "Hello, World!"}; each runs on one event loop. Like Weft's server
 * (and TechEmpower's rules), the Netty and Vert.x servers send {@code Server} and {@code Date} headers,
 * the date formatted once a second on their loop, so that every server writes the same headers.
 *
 * <ul>
 *   <li>{@code netty}: Netty 4.2 epoll, one event loop, {@code HttpServerCodec} and a handler that
 *       answers every request (keep-alive honoured); JSON through a Jackson {@code ObjectMapper}.
 *       The neutral server of the client fan-out benchmark: neither contender's code.</li>
 *   <li>{@code weft}: {@link HttpServer} on one loop, {@code GET /} → {@code Response.text("Hello, World!")},
 *       {@code GET /json} → {@code Response.json(new Message("Hello, World!"))}.</li>
 *   <li>{@code vertx}: Vert.x 5 core {@code HttpServer}, one event loop (native epoll transport), one
 *       verticle instance; JSON through {@code JsonObject.toBuffer()}.</li>
 *   <li>{@code httpbin}: {@link HttpServer} with {@link HttpBin#router()} on one loop (for {@code /delay/s}).</li>
 * </ul>
 *
 * <p>Prints {@code READY {"port":..,"pid":..}} once listening; ends when stdin ends.
 */
public final class HttpBenchServer {

    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    /** The JSON answer, serialized anew for each request. */
    public record Message(String message) {
    }

    /** Netty's JSON writer (Jackson, as in TechEmpower's Netty entry). */
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH);

    /** Now as an HTTP {@code Date} value; the Netty and Vert.x servers renew theirs every second. */
    private static String httpDate() {
        return HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC));
    }

    private HttpBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        int port = Integer.parseInt(args[1]);
        switch (kind) {
            case "netty" -> runNetty(port);
            case "weft" -> runWeft(new Router()
                    .get("/", req -> Response.text("Hello, World!"))
                    .get("/json", req -> Response.json(new Message("Hello, World!"))), port);
            case "vertx" -> runVertx(port);
            case "httpbin" -> runWeft(HttpBin.router(), port);
            default -> throw new IllegalArgumentException("unknown server " + kind);
        }
    }

    private static void runWeft(Router router, int port) throws Exception {
        LoopGroup group = new LoopGroup(1);
        HttpServer server = group.loop(0).spawn(() -> HttpServer.start(router, "127.0.0.1", port)).await();
        ready(server.port());
    }

    /** Netty's hello world: one full response per request head, flushed per read burst; {@code /json}: JSON. */
    static final class Hello extends SimpleChannelInboundHandler<HttpObject> {
        private static final AsciiString SERVER = AsciiString.cached("Netty");
        private static volatile AsciiString date = new AsciiString(httpDate());

        static void tick() {
            date = new AsciiString(httpDate());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpRequest req) {
                boolean keepAlive = HttpUtil.isKeepAlive(req);
                boolean json = req.uri().equals("/json");
                byte[] bytes = json ? json() : HELLO;
                ByteBuf body = Unpooled.wrappedBuffer(bytes);
                FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
                res.headers().set(HttpHeaderNames.CONTENT_TYPE,
                                json ? HttpHeaderValues.APPLICATION_JSON : HttpHeaderValues.TEXT_PLAIN)
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                        .set(HttpHeaderNames.SERVER, SERVER)
                        .set(HttpHeaderNames.DATE, date);
                if (!keepAlive) {
                    res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                    ctx.write(res).addListener(f -> ctx.close());
                } else {
                    ctx.write(res, ctx.voidPromise());
                }
            }
        }

        private static byte[] json() {
            try {
                return MAPPER.writeValueAsBytes(new Message("Hello, World!"));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
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
        group.scheduleAtFixedRate(Hello::tick, 1, 1, TimeUnit.SECONDS);
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

    /** Vert.x's hello world: one verticle, its core {@code HttpServer}; {@code end(Buffer)} sets the length. */
    static final class VertxHello extends VerticleBase {
        private static final CharSequence TEXT_PLAIN = HttpHeaders.createOptimized("text/plain");
        private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
        private static final Buffer HELLO_BUFFER = Buffer.buffer(HELLO);
        private static final CharSequence SERVER = HttpHeaders.createOptimized("Vert.x");
        private volatile CharSequence date = HttpHeaders.createOptimized(httpDate());

        private final int port;
        private volatile int boundPort;

        VertxHello(int port) {
            this.port = port;
        }

        @Override
        public Future<?> start() {
            vertx.setPeriodic(1000, id -> date = HttpHeaders.createOptimized(httpDate()));
            return vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setHost("127.0.0.1").setPort(port))
                    .requestHandler(this::handle)
                    .listen()
                    .onSuccess(s -> boundPort = s.actualPort());
        }

        private void handle(HttpServerRequest req) {
            if ("/json".equals(req.path())) {
                headers(req).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
                        .end(new JsonObject().put("message", "Hello, World!").toBuffer());
            } else {
                headers(req).putHeader(HttpHeaders.CONTENT_TYPE, TEXT_PLAIN).end(HELLO_BUFFER);
            }
        }

        private io.vertx.core.http.HttpServerResponse headers(HttpServerRequest req) {
            return req.response().putHeader(HttpHeaders.SERVER, SERVER).putHeader(HttpHeaders.DATE, date);
        }
    }

    private static void runVertx(int port) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
        if (!vertx.isNativeTransportEnabled()) {
            throw new IllegalStateException("Vert.x without epoll", vertx.unavailableNativeTransportCause());
        }
        VertxHello hello = new VertxHello(port);
        vertx.deployVerticle(hello, new DeploymentOptions().setInstances(1)).toCompletionStage().toCompletableFuture().get();
        ready(hello.boundPort);
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
