package dev.weft.crawler;

import dev.weft.EventLoop;
import dev.weft.Weft;
import dev.weft.http.Headers;
import dev.weft.http.h2.Http2Connection;
import dev.weft.http.h2.Http2Headers;
import dev.weft.http.h2.Http2Io;
import dev.weft.http.h2.Http2Options;
import dev.weft.http.h2.Http2Stream;
import dev.weft.net.Server;
import dev.weft.net.ServerOptions;
import dev.weft.net.Streams;
import dev.weft.net.TlsOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An https site that speaks only HTTP/2 (ALPN {@code h2}) and ends every connection after a few
 * streams, as nginx does after {@code keepalive_requests}: gracefully ({@link Ending#GOAWAY}: a
 * GOAWAY, the streams it already took finish, later ones are refused and never reach a handler)
 * or abruptly ({@link Ending#DROP}: the socket is cut with the last stream unanswered and the
 * others in flight). A raw HTTP/2 engine ({@link Http2Connection}) under TLS with the test CA's
 * certificate for 127.0.0.1, so that the end of a connection is the server's choice, per
 * connection, while it goes on accepting new ones. Its pages: {@code /} links to {@code /p/0} to
 * {@code /p/(pages-1)}, each answering after 50 ms; {@code /robots.txt} is 404.
 */
final class GoingAwaySite implements AutoCloseable {

    /** How a connection ends once it has had its streams. */
    enum Ending {
        /** GOAWAY, then the open streams finish (a graceful shutdown). */
        GOAWAY,
        /** The socket is cut: the last stream and any other in flight are left unanswered. */
        DROP
    }

    /** One request as the server saw it: its path, the connection it came on (1, 2, ...), how many were being handled. */
    record Hit(String path, int connection, int concurrent) { }

    private final List<Hit> log = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger current = new AtomicInteger();
    private final int pages;
    private final int streamsPerConnection;
    private final Ending ending;
    private Server server;
    private dev.weft.Task<Void> pacer;

    private GoingAwaySite(int pages, int streamsPerConnection, Ending ending) {
        this.pages = pages;
        this.streamsPerConnection = streamsPerConnection;
        this.ending = ending;
    }

    /** Starts the site on 127.0.0.1, a free port; call from a task. */
    static GoingAwaySite start(int pages, int streamsPerConnection, Ending ending) throws Exception {
        GoingAwaySite s = new GoingAwaySite(pages, streamsPerConnection, ending);
        TlsOptions tls = TlsOptions.server(TestSite.tlsFile("server-cert.pem"), TestSite.tlsFile("server-key.pem"))
                .alpn("h2");
        s.server = Streams.startServer((in, out) -> {
            int n = s.connections.incrementAndGet();
            AtomicInteger streams = new AtomicInteger();
            Http2Connection[] self = new Http2Connection[1];
            self[0] = Http2Connection.server(Http2Io.of(in, out), Http2Options.defaults(), stream -> {
                String path = stream.headers().path();
                s.log.add(new Hit(path, n, s.current.incrementAndGet()));
                try {
                    if (streams.incrementAndGet() == s.streamsPerConnection) {
                        if (s.ending == Ending.DROP) {
                            out.abort();
                            return;
                        }
                        EventLoop.running().spawn("goaway", () -> self[0].shutdown(Duration.ofSeconds(5)));
                    }
                    Weft.sleep(Duration.ofMillis(50));
                    s.answer(stream, path);
                } finally {
                    s.current.decrementAndGet();
                }
            });
            self[0].serve();
        }, "127.0.0.1", 0, ServerOptions.defaults().tls(tls));
        EventLoop loop = EventLoop.running();
        if (loop.hasVirtualClock()) { // as TestSite's: the clock jumps at most 1 ms while bytes are on their way
            s.pacer = loop.spawn("pacer", () -> {
                while (true) {
                    Weft.sleep(Duration.ofMillis(1));
                }
            });
        }
        return s;
    }

    private void answer(Http2Stream stream, String path) throws IOException {
        String html;
        if (path.equals("/")) {
            StringBuilder hub = new StringBuilder("<title>hub</title>");
            for (int i = 0; i < pages; i++) {
                hub.append("<a href=/p/").append(i).append(">").append(i).append("</a>");
            }
            html = hub.toString();
        } else if (path.startsWith("/p/")) {
            html = "<title>" + path + "</title>";
        } else {
            stream.writeHeaders(Http2Headers.response(404, Headers.of("content-type", "text/plain")), true);
            return;
        }
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        stream.writeHeaders(Http2Headers.response(200, Headers.of("content-type", "text/html")), false);
        stream.writeData(body, 0, body.length, true);
    }

    String url(String path) {
        return "https://127.0.0.1:" + server.port() + path;
    }

    /** How many connections the crawler opened. */
    int connections() {
        return connections.get();
    }

    List<Hit> hits() {
        synchronized (log) {
            return new ArrayList<>(log);
        }
    }

    /** How many times each path was requested, in order of the first request. */
    Map<String, Integer> counts() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (Hit h : hits()) {
            m.merge(h.path(), 1, Integer::sum);
        }
        return m;
    }

    @Override
    public void close() {
        if (pacer != null) {
            pacer.cancel();
        }
        server.close();
    }
}
