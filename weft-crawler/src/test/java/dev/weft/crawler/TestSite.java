package dev.weft.crawler;

import dev.weft.EventLoop;
import dev.weft.http.server.Handler;
import dev.weft.http.server.HttpServer;
import dev.weft.http.server.Request;
import dev.weft.http.server.Response;
import java.io.IOException;
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

    /** One request as the server saw it. */
    record Hit(String target, String userAgent, double start, double end, int concurrent) {
        String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }
    }

    private final Map<String, Handler> pages = new ConcurrentHashMap<>();
    private final List<Hit> log = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger current = new AtomicInteger();
    private volatile Handler fallback = r -> Response.of(404).header("Content-Type", "text/html")
            .status(404);
    private HttpServer server;

    private TestSite() {
    }

    /** A site on 127.0.0.1, a free port; call from a task. */
    static TestSite start() throws IOException {
        TestSite s = new TestSite();
        s.server = HttpServer.start(s, "127.0.0.1", 0);
        return s;
    }

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
        return "http://127.0.0.1:" + server.port() + pathAndQuery;
    }

    String origin() {
        return "http://127.0.0.1:" + server.port();
    }

    int port() {
        return server.port();
    }

    @Override
    public Response handle(Request request) throws Exception {
        EventLoop loop = EventLoop.running();
        int now = current.incrementAndGet();
        double start = loop.time();
        try {
            Handler h = pages.getOrDefault(request.path(), fallback);
            return h.handle(request);
        } finally {
            current.decrementAndGet();
            log.add(new Hit(request.rawTarget(), request.header("User-Agent"), start, loop.time(), now));
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
        server.close();
    }
}
