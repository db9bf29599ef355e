package dev.weft.crawler.demo;

import dev.weft.LoopGroup;
import dev.weft.Weft;
import dev.weft.http.server.Handler;
import dev.weft.http.server.HttpServer;
import dev.weft.http.server.HttpServerOptions;
import dev.weft.http.server.Response;
import dev.weft.internal.Durations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo shop served over HTTP on loopback, on loop threads of its own, so that whatever
 * crawls it (a task, a thread, another process) needs nothing else from it:
 *
 * <pre>{@code
 * try (DemoSite site = DemoSite.start(DemoSite.Options.defaults().pages(500))) {
 *     crawl(site.baseUrl());                      // http://127.0.0.1:PORT/
 * }
 * }</pre>
 *
 * <p>Every response, robots.txt and 404s included, waits {@link Options#latency()} first (a
 * {@code Weft.sleep}: a waiting request costs a timer, no thread). With
 * {@link Options#hosts()} {@code H > 1} the site is {@code H} shops of about
 * {@code pages / H} pages each, one per address 127.0.0.1 … 127.0.0.H on the same port (Linux
 * routes all of 127.0.0.0/8 to loopback), each from its own seed: a crawl over many hosts.
 *
 * <pre>
 *   start()            close()
 *  --------> SERVING ----------> CLOSED   (servers shut down, loops stopped)
 * </pre>
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public final class DemoSite implements AutoCloseable {

    /** The lifecycle above. */
    private enum State { SERVING, CLOSED }

    /**
     * What to serve and where.
     *
     * @param pages the pages of the shop (of all hosts together), at least {@value Shop#MIN_PAGES} per host
     * @param latency the wait before every response (zero: none)
     * @param host the address to bind; with several hosts, 127.0.0.1 (the first of them)
     * @param port the port (0: a free one, the same on every host)
     * @param hosts the number of loopback addresses, 1 to 254
     * @param seed the seed of the content
     * @param loops the loop threads that run the requests
     * @param exact true for shops without crawler traps (see {@link Shop#generate(int, long, boolean)})
     */
    public record Options(int pages, Duration latency, String host, int port, int hosts, long seed, int loops,
            boolean exact) {

        /** The default number of pages: 2,000. */
        public static final int DEFAULT_PAGES = 2_000;
        /** The default latency: 200 ms. */
        public static final Duration DEFAULT_LATENCY = Duration.ofMillis(200);
        /** The default seed. */
        public static final long DEFAULT_SEED = 1;

        /**
         * Checks the options.
         *
         * @throws IllegalArgumentException naming the option that is wrong
         */
        public Options {
            Objects.requireNonNull(latency, "latency");
            Objects.requireNonNull(host, "host");
            if (hosts < 1 || hosts > 254) {
                throw new IllegalArgumentException("hosts must be 1 to 254 (127.0.0.1 to 127.0.0.254), not " + hosts);
            }
            if (pages < (long) Shop.MIN_PAGES * hosts) {
                throw new IllegalArgumentException("pages must be at least " + Shop.MIN_PAGES * hosts
                        + (hosts > 1 ? " (" + Shop.MIN_PAGES + " per host)" : "") + ", not " + pages);
            }
            if (latency.isNegative()) {
                throw new IllegalArgumentException("latency must not be negative: " + Durations.format(latency));
            }
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0 to 65535, not " + port);
            }
            if (hosts > 1 && !host.equals("127.0.0.1")) {
                throw new IllegalArgumentException("host must be 127.0.0.1 with several hosts (127.0.0.1 to 127.0.0."
                        + hosts + "), not " + host);
            }
            if (loops < 1) {
                throw new IllegalArgumentException("loops must be at least 1, not " + loops);
            }
        }

        /** {@return 2,000 pages, 200 ms, 127.0.0.1, a free port, one host, seed 1, one loop} */
        public static Options defaults() {
            return new Options(DEFAULT_PAGES, DEFAULT_LATENCY, "127.0.0.1", 0, 1, DEFAULT_SEED, 1, false);
        }

        /**
         * {@return a copy with {@code n} pages}
         *
         * @param n the pages
         */
        public Options pages(int n) {
            return new Options(n, latency, host, port, hosts, seed, loops, exact);
        }

        /**
         * {@return a copy with latency {@code d}}
         *
         * @param d the latency
         */
        public Options latency(Duration d) {
            return new Options(pages, d, host, port, hosts, seed, loops, exact);
        }

        /**
         * {@return a copy bound to {@code h}}
         *
         * @param h the address
         */
        public Options host(String h) {
            return new Options(pages, latency, h, port, hosts, seed, loops, exact);
        }

        /**
         * {@return a copy on port {@code p}}
         *
         * @param p the port
         */
        public Options port(int p) {
            return new Options(pages, latency, host, p, hosts, seed, loops, exact);
        }

        /**
         * {@return a copy on {@code n} loopback addresses}
         *
         * @param n the number of hosts
         */
        public Options hosts(int n) {
            return new Options(pages, latency, host, port, n, seed, loops, exact);
        }

        /**
         * {@return a copy generated from {@code s}}
         *
         * @param s the seed
         */
        public Options seed(long s) {
            return new Options(pages, latency, host, port, hosts, s, loops, exact);
        }

        /**
         * {@return a copy served by {@code n} loops}
         *
         * @param n the loop threads
         */
        public Options loops(int n) {
            return new Options(pages, latency, host, port, hosts, seed, n, exact);
        }

        /**
         * {@return these options with shops without crawler traps, or with them}
         *
         * @param e true for exact shops
         */
        public Options exact(boolean e) {
            return new Options(pages, latency, host, port, hosts, seed, loops, e);
        }

        /**
         * The shop served on host {@code index}: all the pages for one host; else a share of
         * them, from seed {@code seed + index}.
         *
         * @param index 0 to {@code hosts - 1}
         * @return its shop
         */
        public Shop shop(int index) {
            Objects.checkIndex(index, hosts);
            int share = pages / hosts + (index < pages % hosts ? 1 : 0);
            return Shop.generate(share, seed + index, exact);
        }

        /**
         * {@return the address of host {@code index}}
         *
         * @param index 0 to {@code hosts - 1}
         */
        public String address(int index) {
            Objects.checkIndex(index, hosts);
            return hosts == 1 ? host : "127.0.0." + (index + 1);
        }
    }

    private final Options options;
    private final LoopGroup loops;
    private final List<HttpServer> servers;
    private final List<Shop> shops;
    private final AtomicLong requests;
    private final CountDownLatch closed = new CountDownLatch(1);
    // Guarded by `this`.
    private State state = State.SERVING;

    private DemoSite(Options options, LoopGroup loops, List<HttpServer> servers, List<Shop> shops, AtomicLong requests) {
        this.options = options;
        this.loops = loops;
        this.servers = servers;
        this.shops = shops;
        this.requests = requests;
    }

    /**
     * Generates the shop(s) and starts serving them on new loop threads.
     *
     * @param options what to serve and where
     * @return the running site
     * @throws IOException if an address cannot be bound (e.g. the port is taken)
     */
    public static DemoSite start(Options options) throws IOException {
        Objects.requireNonNull(options, "options");
        List<Shop> shops = new ArrayList<>(options.hosts());
        for (int i = 0; i < options.hosts(); i++) {
            shops.add(options.shop(i));
        }
        AtomicLong requests = new AtomicLong();
        LoopGroup loops = new LoopGroup(options.loops());
        List<HttpServer> servers = new ArrayList<>();
        try {
            loops.loop(0).spawn(() -> {
                HttpServerOptions so = HttpServerOptions.defaults().serverHeader("weft-demo-site");
                if (options.loops() > 1) {
                    so = so.loops(loops);
                }
                int port = options.port();
                for (int i = 0; i < shops.size(); i++) {
                    Handler h = handler(new ShopPages(shops.get(i)), options.latency(), requests);
                    HttpServer s = HttpServer.start(h, options.address(i), port, so);
                    servers.add(s);
                    port = s.port();
                }
                return null;
            }).await();
        } catch (UncheckedIOException | dev.weft.TaskFailedException e) {
            stopAll(loops, servers);
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw new IOException("cannot serve the demo site on " + options.host() + ":" + options.port()
                        + ": " + io.getMessage(), io);
            }
            throw e;
        } catch (RuntimeException e) {
            stopAll(loops, servers);
            throw e;
        }
        return new DemoSite(options, loops, List.copyOf(servers), List.copyOf(shops), requests);
    }

    /**
     * The request handler of one shop: waits {@code latency}, then answers {@code GET} and
     * {@code HEAD} with the page (200) or a small HTML page (404); other methods get 405.
     * Runs in the connection's task; usable in any {@code HttpServer} or {@code Router}.
     *
     * @param pages the pages to serve
     * @param latency the wait before each response
     * @param requests counts every request, or null
     * @return the handler
     */
    public static Handler handler(ShopPages pages, Duration latency, AtomicLong requests) {
        Objects.requireNonNull(pages, "pages");
        Objects.requireNonNull(latency, "latency");
        return request -> {
            if (requests != null) {
                requests.incrementAndGet();
            }
            if (latency.isPositive()) {
                Weft.sleep(latency);
            }
            if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
                return Response.text("405: Method Not Allowed").status(405).setHeader("Allow", "GET, HEAD");
            }
            String path = request.rawPath();
            byte[] body = pages.render(path);
            if (body == null) {
                return Response.html(NOT_FOUND).status(404);
            }
            return Response.bytes(body, ShopPages.contentType(path));
        };
    }

    private static final String NOT_FOUND = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Not found | Weft Demo Shop</title></head>
            <body><h1>Not found</h1><p><a href="/">Back to the shop</a></p></body></html>
            """;

    /** {@return the options it was started with (the port as asked, see {@link #port()})} */
    public Options options() {
        return options;
    }

    /** {@return the port every host listens on} */
    public int port() {
        return servers.get(0).port();
    }

    /** {@return the home page of the first host, e.g. {@code http://127.0.0.1:8080/}} */
    public String baseUrl() {
        return baseUrls().get(0);
    }

    /** {@return the home page of every host, in host order} */
    public List<String> baseUrls() {
        List<String> urls = new ArrayList<>(servers.size());
        for (int i = 0; i < servers.size(); i++) {
            String a = options.address(i);
            urls.add("http://" + (a.contains(":") ? "[" + a + "]" : a) + ":" + port() + "/");
        }
        return urls;
    }

    /** {@return the shop of the first host} */
    public Shop shop() {
        return shops.get(0);
    }

    /** {@return the shop of every host, in host order} */
    public List<Shop> shops() {
        return shops;
    }

    /** {@return the requests answered (or being answered) since the start, every host together} */
    public long requests() {
        return requests.get();
    }

    /** Blocks the calling thread until {@link #close()}; for a server that runs until killed. */
    public void awaitClosed() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops serving: requests in flight are cut short, the loops stop. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
        }
        stopAll(loops, servers);
        closed.countDown();
    }

    private static void stopAll(LoopGroup loops, List<HttpServer> servers) {
        try {
            loops.loop(0).spawn(() -> {
                for (HttpServer s : servers) {
                    s.shutdown(Duration.ofMillis(100));
                }
                return null;
            }).await();
        } finally {
            loops.close();
        }
    }

    @Override
    public String toString() {
        return "DemoSite[" + options.pages() + " pages, latency " + options.latency().toMillis() + " ms, "
                + String.join(" ", baseUrls()) + "]";
    }
}
