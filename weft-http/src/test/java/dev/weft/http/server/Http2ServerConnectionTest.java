package dev.weft.http.server;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.http.Headers;
import dev.weft.http.h2.Http2Connection;
import dev.weft.http.h2.Http2Headers;
import dev.weft.http.h2.Http2Options;
import dev.weft.http.h2.Http2Stream;
import dev.weft.http.h2.MemoryPipe;
import dev.weft.testing.WeftTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@link Http2ServerConnection} in memory: the existing {@link Request} and {@link Response}
 * over HTTP/2, with what HTTP/2 changes (Host from :authority, cookies joined, framing headers
 * dropped) and what it keeps (body limit, status exceptions, HEAD).
 */
@WeftTest
class Http2ServerConnectionTest {

    record Served(Http2Connection client, Task<Void> server, Http2ServerConnection[] connection) {
    }

    static Served serve(Handler handler, HttpServerOptions options) throws IOException {
        MemoryPipe pipe = new MemoryPipe(64 * 1024);
        Http2ServerConnection[] sc = new Http2ServerConnection[1];
        Task<Void> server = Weft.spawn(() -> {
            sc[0] = new Http2ServerConnection(handler, pipe.server, options, Http2Options.defaults());
            sc[0].serve();
        });
        return new Served(Http2Connection.client(pipe.client, Http2Options.defaults()), server, sc);
    }

    static Router app() {
        return new Router()
                .get("/who", req -> Response.text(req.version() + " " + req.header("Host") + " " + req.path() + " "
                        + req.query("q") + " cookies=" + req.cookies()))
                .post("/size", req -> Response.text(Integer.toString(req.bytes().length)))
                .get("/teapot", req -> {
                    throw new HttpStatusException(418, "short and stout");
                })
                .get("/framing", req -> Response.text("x").setHeader("Connection", "close")
                        .setHeader("Transfer-Encoding", "chunked").setHeader("Keep-Alive", "timeout=5"));
    }

    static Http2Stream request(Http2Connection c, String method, String path, Headers h, byte[] body)
            throws IOException {
        Http2Stream s = c.newStream(Http2Headers.request(method, "http", "example.test:8080", path, h),
                body == null);
        if (body != null) {
            s.writeData(body, 0, body.length, true);
        }
        s.awaitHeaders();
        return s;
    }

    static String text(Http2Stream s) throws IOException {
        return new String(s.inputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aHandlerSeesAnHttp2RequestWithHostFromAuthorityAndCookiesJoined() throws Exception {
        Served s = serve(app(), HttpServerOptions.defaults());
        Headers h = new Headers().add("Cookie", "a=1").add("Cookie", "b=2");
        Http2Stream r = request(s.client(), "GET", "/who?q=x%20y", h, null);
        assertEquals(200, r.headers().status());
        assertEquals("text/plain; charset=utf-8", r.headers().headers().get("content-type"));
        assertNotNull(r.headers().headers().get("date"));
        assertEquals("Weft", r.headers().headers().get("server"));
        assertEquals("HTTP/2 example.test:8080 /who x y cookies={a=1, b=2}", text(r));
        s.client().close();
    }

    @Test
    void aBodyOverTheLimitIs413WithOrWithoutContentLength() throws Exception {
        HttpServerOptions o = HttpServerOptions.defaults().limits(HttpServerOptions.defaults().limits().maxBodyBytes(1000));
        Served s = serve(app(), o);
        Http2Stream ok = request(s.client(), "POST", "/size", new Headers(), new byte[1000]);
        assertEquals("1000", text(ok));
        Http2Stream declared = request(s.client(), "POST", "/size", Headers.of("Content-Length", "5000"),
                new byte[5000]);
        assertEquals(413, declared.headers().status(), "refused on its content-length");
        Http2Stream streamed = request(s.client(), "POST", "/size", new Headers(), new byte[5000]);
        assertEquals(413, streamed.headers().status(), "refused as it is read");
        s.client().close();
    }

    @Test
    void statusExceptionsHeadAndFramingHeaders() throws Exception {
        Served s = serve(app(), HttpServerOptions.defaults());
        assertEquals(418, request(s.client(), "GET", "/teapot", new Headers(), null).headers().status());
        assertEquals(404, request(s.client(), "GET", "/nowhere", new Headers(), null).headers().status());
        Http2Stream head = request(s.client(), "HEAD", "/who", new Headers(), null);
        assertEquals(200, head.headers().status());
        assertTrue(head.isRemoteEnded(), "a HEAD response ends with its head");
        assertEquals("", text(head));
        Http2Stream framing = request(s.client(), "GET", "/framing", new Headers(), null);
        Headers got = framing.headers().headers();
        assertNull(got.get("connection"));
        assertNull(got.get("transfer-encoding"));
        assertNull(got.get("keep-alive"));
        assertEquals("1", got.get("content-length"));
        assertEquals("x", text(framing));
        s.client().close();
    }

    @Test
    void aGracefulShutdownLetsTheRequestInFlightFinish() throws Exception {
        dev.weft.Future<Void> release = new dev.weft.Future<>();
        Router slow = new Router().get("/slow", req -> {
            release.await();
            return Response.text("done");
        });
        Served s = serve(slow, HttpServerOptions.defaults());
        Http2Stream r = s.client().newStream(Http2Headers.request("GET", "http", "x", "/slow", new Headers()), true);
        Weft.sleep(Duration.ofSeconds(1));
        Task<Void> shutdown = Weft.spawn(() -> s.connection()[0].shutdown(Duration.ofMinutes(1)));
        Weft.sleep(Duration.ofSeconds(1));
        release.setResult(null);
        r.awaitHeaders();
        assertEquals("done", text(r));
        shutdown.await();
        s.server().await();
    }
}
