package dev.weft.crawler;

import dev.weft.EventLoop;
import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.http.server.Handler;
import dev.weft.http.server.HttpServer;
import dev.weft.http.server.Request;
import dev.weft.http.server.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A local web site for crawler tests: a Weft {@link HttpServer} on loopback whose pages are
 * handlers by path, with a request log that is the witness of what the crawler did — each hit
 * with its path, the loop time (virtual in {@code @WeftTest}s) when the handler started and
 * ended, and how many requests the server was handling at that moment.
 */
final class TestSite implements AutoCloseable, Handler {

    /**
     * One request as the server saw it (logged when it starts; {@code end} is NaN until it ends):
     * {@code version} is the protocol it came over ({@code HTTP/1.1}, {@code HTTP/2}).
     */
    record Hit(String target, String userAgent, double start, double[] ended, int concurrent, String version) {
        double end() {
            return ended[0];
        }

        String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        @Override
        public String toString() {
            return target + "@" + start + (Double.isNaN(end()) ? "" : "-" + end()) + "(" + concurrent + ")";
        }
    }

    private final Map<String, Handler> pages = new ConcurrentHashMap<>();
    private final List<Hit> log = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger current = new AtomicInteger();
    private volatile Handler fallback = r -> Response.of(404).header("Content-Type", "text/html")
            .status(404);
    private HttpServer server;
    private String address = "127.0.0.1";
    private boolean tls;

    private TestSite() {
    }

    /**
     * A site on 127.0.0.1, a free port; call from a task. On a virtual clock it also starts a
     * pacer, a task that sleeps one millisecond at a time. Weft's virtual clock jumps to the next
     * timer whenever no task is ready — even while a request or a response is on its way through
     * a loopback socket (reported to weft-core: the loop advances the clock before it polls the
     * selector). Without a timer close by, such a jump would be seconds long and the server would
     * see requests late by that much; with the pacer, at most {@link #QUANTUM} late.
     */
    static TestSite start() throws IOException {
        return start("127.0.0.1");
    }

    /** Like {@link #start()}, on another loopback address ({@code 127.0.0.2}: another host). */
    static TestSite start(String address) throws IOException {
        return start(address, null);
    }

    /** Like {@link #start()}, over https with the test CA's certificate for 127.0.0.1 ({@code /tls/ca.pem}). */
    static TestSite startTls() throws IOException {
        return startTls(true);
    }

    /**
     * Like {@link #startTls()}; {@code http2}: the server offers {@code h2, http/1.1} by ALPN (as
     * Weft's server does by default), else only {@code http/1.1}.
     */
    static TestSite startTls(boolean http2) throws IOException {
        try {
            return start("127.0.0.1", dev.weft.http.server.HttpServerOptions.defaults().http2(http2).tls(
                    dev.weft.net.TlsOptions.server(tlsFile("server-cert.pem"), tlsFile("server-key.pem"))));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static java.nio.file.Path tlsFile(String name) throws java.net.URISyntaxException {
        return java.nio.file.Path.of(TestSite.class.getResource("/tls/" + name).toURI());
    }

    /** Like {@link #start(String)}, on a given port (another address's site on the same port: one origin, two servers). */
    static TestSite start(String address, int port) throws IOException {
        return start(address, port, null);
    }

    private static TestSite start(String address, dev.weft.http.server.HttpServerOptions options) throws IOException {
        return start(address, 0, options);
    }

    private static TestSite start(String address, int port, dev.weft.http.server.HttpServerOptions options)
            throws IOException {
        TestSite s = new TestSite();
        s.address = address;
        s.tls = options != null;
        s.server = options == null ? HttpServer.start(s, address, port) : HttpServer.start(s, address, port, options);
        EventLoop loop = EventLoop.running();
        if (loop.hasVirtualClock()) {
            s.pacer = loop.spawn("pacer", () -> {
                while (true) {
                    Weft.sleep(Duration.ofMillis(1));
                }
            });
        }
        return s;
    }

    /** How late (virtual seconds) the server may see a request because of the clock's jumps. */
    static final double QUANTUM = 0.001 + 1e-9;

    private Task<Void> pacer;

    TestSite page(String path, Handler h) {
        pages.put(path, h);
        return this;
    }

    TestSite html(String path, String html) {
        return page(path, r -> Response.html(html));
    }

    TestSite robots(String text) {
        return page("/robots.txt", r -> Response.text(text));
    }

    TestSite otherwise(Handler h) {
        fallback = h;
        return this;
    }

    String url(String pathAndQuery) {
        return origin() + pathAndQuery;
    }

    String origin() {
        return (tls ? "https://" : "http://") + address + ":" + server.port();
    }

    int port() {
        return server.port();
    }

    /** How many connections the server has accepted. */
    int connections() {
        return server.acceptedConnections();
    }

    @Override
    public Response handle(Request request) throws Exception {
        EventLoop loop = EventLoop.running();
        int now = current.incrementAndGet();
        Hit hit = new Hit(request.rawTarget(), request.header("User-Agent"), loop.time(), new double[] {Double.NaN}, now,
                request.version());
        synchronized (log) {
            log.add(hit);
            log.notifyAll();
        }
        try {
            Handler h = pages.getOrDefault(request.path(), fallback);
            return h.handle(request);
        } finally {
            current.decrementAndGet();
            hit.ended()[0] = loop.time();
        }
    }

    /** How many connections the server has accepted. */
    int acceptedConnections() {
        return server.acceptedConnections();
    }

    /** How many requests the server has had. */
    int hitCount() {
        synchronized (log) {
            return log.size();
        }
    }

    /**
     * Blocks the calling plain thread until the server has had {@code n} requests, or
     * {@code stillWaiting} says to give up (checked every 100 ms: a child process that ended).
     *
     * @return true if the count was reached
     */
    boolean awaitHits(int n, java.util.function.BooleanSupplier stillWaiting) throws InterruptedException {
        synchronized (log) {
            while (log.size() < n) {
                if (!stillWaiting.getAsBoolean()) {
                    return false;
                }
                log.wait(100);
            }
            return true;
        }
    }

    List<Hit> hits() {
        synchronized (log) {
            List<Hit> copy = new ArrayList<>(log);
            copy.sort((a, b) -> Double.compare(a.start(), b.start()));
            return copy;
        }
    }

    /** How many times each target was requested. */
    Map<String, Integer> counts() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (Hit h : hits()) {
            m.merge(h.target(), 1, Integer::sum);
        }
        return m;
    }

    int requests(String target) {
        return counts().getOrDefault(target, 0);
    }

    Map<String, Integer> duplicates() {
        return counts().entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, HashMap::new));
    }

    @Override
    public void close() {
        if (pacer != null) {
            pacer.cancel();
        }
        server.close();
    }
}
