package dev.weft.bench.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The one load generator of the network benchmarks: the same code, in its own JVM, for every
 * server (Weft, Netty, asyncio, uvloop). It is a Netty 4.2 client on native epoll with ONE event
 * loop thread, chosen because it costs the least CPU per message of the JVM options (no
 * selected-key set, no garbage per read), so that the server, not the client, is the
 * bottleneck; the driver also records both processes' CPU time to check that.
 *
 * <pre>
 *   EchoLoad throughput HOST PORT CONNS SIZE WARMUP_MS MEASURE_MS
 *   EchoLoad latency    HOST PORT CONNS SIZE WARMUP_MS MEASURE_MS RATE_PER_CONN
 * </pre>
 *
 * <p>Every connection plays ping-pong: it sends SIZE bytes, waits until all SIZE bytes have come
 * back, and then sends again. In {@code throughput} it sends again at once. In {@code latency} it
 * sends on a fixed schedule of RATE_PER_CONN messages per second (start times spread at
 * random), and the round trip is measured from the time the message was <em>due</em>, so a
 * message that had to wait for the previous echo counts its wait (no coordinated omission).
 *
 * <p>Output: {@code MEASURE_START} and {@code MEASURE_END} lines at the edges of the
 * measurement window (the driver samples CPU times there), then one JSON line with the result.
 *
 * <p>Thread ownership: all connection state belongs to the event loop thread; the main thread
 * only reads the volatile counters and takes the histogram through a task on the loop.
 */
public final class EchoLoad {

    private static volatile boolean recording;
    private static long completed; // event loop thread only
    private static volatile long completedPublished;
    private static final Histogram HISTOGRAM = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);

    private EchoLoad() {
    }

    /** One connection's ping-pong. */
    static final class PingPong extends ChannelInboundHandlerAdapter {
        private final ByteBuf message;
        private final int size;
        private final long periodNanos; // 0: closed loop at full speed
        private int received;
        private long due;      // latency mode: when the message in flight was due
        private long nextDue;  // latency mode: when the next message is due
        private ChannelHandlerContext ctx;

        PingPong(ByteBuf message, long periodNanos) {
            this.message = message;
            this.size = message.readableBytes();
            this.periodNanos = periodNanos;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        void start(long firstDue) {
            if (periodNanos == 0) {
                send();
            } else {
                nextDue = firstDue;
                scheduleNext(System.nanoTime());
            }
        }

        private void send() {
            ctx.writeAndFlush(message.retainedDuplicate(), ctx.voidPromise());
        }

        private void sendDue() {
            due = nextDue;
            nextDue += periodNanos;
            send();
        }

        private void scheduleNext(long now) {
            if (now >= nextDue) {
                sendDue();
            } else {
                ctx.executor().schedule(this::sendDue, nextDue - now, TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            received += b.readableBytes();
            b.release();
            if (received < size) {
                return;
            }
            received -= size;
            if (recording) {
                completedPublished = ++completed;
            }
            if (periodNanos == 0) {
                send();
            } else {
                long now = System.nanoTime();
                if (recording) {
                    HISTOGRAM.recordValue(Math.min(now - due, HISTOGRAM.getHighestTrackableValue()));
                }
                scheduleNext(now);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            System.err.println("connection failed: " + cause);
            ctx.close();
        }
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String host = args[1];
        int port = Integer.parseInt(args[2]);
        int conns = Integer.parseInt(args[3]);
        int size = Integer.parseInt(args[4]);
        long warmupMs = Long.parseLong(args[5]);
        long measureMs = Long.parseLong(args[6]);
        double ratePerConn = mode.equals("latency") ? Double.parseDouble(args[7]) : 0;
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("native epoll unavailable", Epoll.unavailabilityCause());
        }
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        ByteBuf message = Unpooled.unreleasableBuffer(Unpooled.directBuffer(size).writeBytes(bytes));
        long period = ratePerConn > 0 ? (long) (1e9 / ratePerConn) : 0;

        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        List<PingPong> handlers = new ArrayList<>();
        List<Channel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < conns; i++) {
                PingPong h = new PingPong(message, period);
                Channel ch = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .handler(h)
                        .connect(host, port).sync().channel();
                handlers.add(h);
                channels.add(ch);
            }
            java.util.Random random = new java.util.Random(42);
            group.next().submit(() -> {
                long now = System.nanoTime();
                for (PingPong h : handlers) {
                    h.start(now + (period == 0 ? 0 : (long) (random.nextDouble() * period)));
                }
            }).sync();

            Thread.sleep(warmupMs);
            group.next().submit(() -> {
                HISTOGRAM.reset();
                completed = 0;
                recording = true;
            }).sync();
            long t0 = System.nanoTime();
            System.out.println("MEASURE_START");
            System.out.flush();
            Thread.sleep(measureMs);
            Histogram h = group.next().submit(() -> {
                recording = false;
                return HISTOGRAM.copy();
            }).get();
            long t1 = System.nanoTime();
            System.out.println("MEASURE_END");
            System.out.flush();
            long n = completedPublished;
            double seconds = (t1 - t0) / 1e9;
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "{\"mode\":\"%s\",\"conns\":%d,\"size\":%d,\"messages\":%d,"
                    + "\"seconds\":%.4f,\"msgs_per_s\":%.1f", mode, conns, size, n, seconds, n / seconds));
            if (period > 0) {
                out.append(String.format(Locale.ROOT, ",\"rate_per_conn\":%.1f,\"target_msgs_per_s\":%.1f,"
                        + "\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f,"
                        + "\"mean_us\":%.1f,\"samples\":%d", ratePerConn, ratePerConn * conns,
                        h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
                        h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
                        h.getMaxValue() / 1e3, h.getMean() / 1e3, h.getTotalCount()));
            }
            out.append('}');
            System.out.println(out);
            System.out.flush();
        } finally {
            for (Channel ch : channels) {
                ch.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
