package dev.weft.http.client;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.http.Headers;
import dev.weft.net.Server;
import dev.weft.net.StreamReader;
import dev.weft.net.Streams;
import dev.weft.testing.WeftTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How an HTTP/1.1 request's body is framed on the wire, byte for byte, read by a raw server on a
 * real socket: {@code Content-Length} for a body of known length, {@code Transfer-Encoding:
 * chunked} for one of unknown length or one followed by trailers (even of known length),
 * {@code Content-Length: 0} for a POST, PUT or PATCH without a body and neither header for the
 * other methods without one; a framing header the caller set is replaced when there is a body and
 * sent as is when there is none. The same whether the server answers HTTP/1.1 or HTTP/1.0 (the
 * client cannot know before the answer, and always sends HTTP/1.1). HeaderLink decides; the body
 * follows the head that went out, never a second look at the body.
 */
@WeftTest(virtualClock = false)
class RequestFramingTest {

    @RegisterExtension
    final OpenResources open = new OpenResources();

    /** One request as the server read it: its request line, its framing fields, in order, and its body's bytes. */
    record Wire(String requestLine, List<String> framing, String body) {
    }

    /** A request the test sends, its URL given; what the server should read. */
    record Case(String name, Function<String, ClientRequest> request, Wire expected, boolean readsBody) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static ByteArrayInputStream hello() {
        return new ByteArrayInputStream("hello".getBytes(ISO_8859_1));
    }

    private static Case of(String name, Function<String, ClientRequest.Builder> request, String requestLine,
            List<String> framing, String body) {
        return new Case(name, url -> request.apply(url).build(), new Wire(requestLine, framing, body), true);
    }

    /** A case whose head promises a body that never comes: the server answers after the head. */
    private static Case headOnly(String name, Function<String, ClientRequest.Builder> request, String requestLine,
            List<String> framing) {
        return new Case(name, url -> request.apply(url).build(), new Wire(requestLine, framing, ""), false);
    }

    private static final List<String> LENGTH_5 = List.of("Content-Length: 5");
    private static final List<String> LENGTH_0 = List.of("Content-Length: 0");
    private static final List<String> CHUNKED = List.of("Transfer-Encoding: chunked");
    private static final String HELLO_CHUNKED = "5\r\nhello\r\n0\r\n\r\n";

    static List<Case> cases() {
        return List.of(
                of("a fixed body: Content-Length",
                        u -> ClientRequest.builder("POST", u).body(Body.text("hello")),
                        "POST /r HTTP/1.1", LENGTH_5, "hello"),
                of("an empty fixed body: Content-Length 0",
                        u -> ClientRequest.builder("POST", u).body(Body.bytes(new byte[0])),
                        "POST /r HTTP/1.1", LENGTH_0, ""),
                of("a stream of known length: Content-Length",
                        u -> ClientRequest.builder("PUT", u).body(Body.stream(hello(), "text/plain", 5)),
                        "PUT /r HTTP/1.1", LENGTH_5, "hello"),
                of("a stream of unknown length: chunked",
                        u -> ClientRequest.builder("POST", u).body(Body.stream(hello(), "text/plain")),
                        "POST /r HTTP/1.1", CHUNKED, HELLO_CHUNKED),
                of("a fixed body with trailers: chunked, the trailer section after the last chunk",
                        u -> ClientRequest.builder("POST", u).body(Body.text("hello"))
                                .trailers(Headers.of("X-Sum", "1")),
                        "POST /r HTTP/1.1", CHUNKED, "5\r\nhello\r\n0\r\nX-Sum: 1\r\n\r\n"),
                of("an empty body with trailers: chunked",
                        u -> ClientRequest.builder("PUT", u).body(Body.bytes(new byte[0]))
                                .trailers(Headers.of("X-Sum", "0")),
                        "PUT /r HTTP/1.1", CHUNKED, "0\r\nX-Sum: 0\r\n\r\n"),
                of("a stream of unknown length with trailers asked for after it: chunked",
                        u -> ClientRequest.builder("POST", u).body(Body.stream(hello(), "text/plain"))
                                .trailers(() -> Headers.of("X-Sum", "2")),
                        "POST /r HTTP/1.1", CHUNKED, "5\r\nhello\r\n0\r\nX-Sum: 2\r\n\r\n"),
                of("GET without a body: neither field",
                        u -> ClientRequest.builder("GET", u), "GET /r HTTP/1.1", List.of(), ""),
                of("HEAD without a body: neither field",
                        u -> ClientRequest.builder("HEAD", u), "HEAD /r HTTP/1.1", List.of(), ""),
                of("DELETE without a body: neither field",
                        u -> ClientRequest.builder("DELETE", u), "DELETE /r HTTP/1.1", List.of(), ""),
                of("POST without a body: Content-Length 0",
                        u -> ClientRequest.builder("POST", u), "POST /r HTTP/1.1", LENGTH_0, ""),
                of("PUT without a body: Content-Length 0",
                        u -> ClientRequest.builder("PUT", u), "PUT /r HTTP/1.1", LENGTH_0, ""),
                of("PATCH without a body: Content-Length 0",
                        u -> ClientRequest.builder("PATCH", u), "PATCH /r HTTP/1.1", LENGTH_0, ""),
                of("the caller's Content-Length on a fixed body: replaced by the body's",
                        u -> ClientRequest.builder("POST", u).header("Content-Length", "99").body(Body.text("hello")),
                        "POST /r HTTP/1.1", LENGTH_5, "hello"),
                of("the caller's Transfer-Encoding on a fixed body: replaced by Content-Length",
                        u -> ClientRequest.builder("POST", u).header("Transfer-Encoding", "chunked")
                                .body(Body.text("hello")),
                        "POST /r HTTP/1.1", LENGTH_5, "hello"),
                of("the caller's Content-Length on a stream of unknown length: replaced by chunked",
                        u -> ClientRequest.builder("POST", u).header("Content-Length", "5")
                                .body(Body.stream(hello(), "text/plain")),
                        "POST /r HTTP/1.1", CHUNKED, HELLO_CHUNKED),
                of("the caller's Content-Length on a fixed body with trailers: replaced by chunked",
                        u -> ClientRequest.builder("POST", u).header("Content-Length", "5").body(Body.text("hello"))
                                .trailers(Headers.of("X-Sum", "1")),
                        "POST /r HTTP/1.1", CHUNKED, "5\r\nhello\r\n0\r\nX-Sum: 1\r\n\r\n"),
                of("the caller's content-length on a POST without a body: kept as written, not doubled",
                        u -> ClientRequest.builder("POST", u).header("content-length", "0"),
                        "POST /r HTTP/1.1", List.of("content-length: 0"), ""),
                of("the caller's Content-Length on a GET without a body: sent as is",
                        u -> ClientRequest.builder("GET", u).header("Content-Length", "0"),
                        "GET /r HTTP/1.1", LENGTH_0, ""),
                headOnly("the caller's Transfer-Encoding on a GET without a body: sent as is (and no body)",
                        u -> ClientRequest.builder("GET", u).header("Transfer-Encoding", "chunked"),
                        "GET /r HTTP/1.1", CHUNKED));
    }

    static Stream<Arguments> casesAgainstBothVersions() {
        List<Arguments> all = new ArrayList<>();
        for (String version : List.of("HTTP/1.1", "HTTP/1.0")) {
            for (Case c : cases()) {
                all.add(Arguments.of(version, c));
            }
        }
        return all.stream();
    }

    /**
     * A server that reads one request's head and then its body as the head frames it (the bytes
     * as they come: chunk sizes, chunks, the trailer section), hands them to {@code seen}, and
     * answers {@code version} with {@code Connection: close}. With {@code readBody} false it
     * answers after the head and reads no further (for a head that promises a body the client
     * never sends).
     */
    private Server rawServer(String version, boolean readBody, BlockingQueue<Wire> seen) throws Exception {
        return open.keep(Streams.startServer((in, out) -> {
            Wire wire;
            boolean head = false;
            try {
                List<String> lines = Arrays.asList(text(in.readUntil(CRLF_CRLF)).split("\r\n"));
                head = lines.get(0).startsWith("HEAD ");
                List<String> framing = lines.stream().skip(1)
                        .filter(l -> l.regionMatches(true, 0, "Content-Length:", 0, 15)
                                || l.regionMatches(true, 0, "Transfer-Encoding:", 0, 18))
                        .toList();
                wire = new Wire(lines.get(0), framing, readBody ? body(in, framing) : "");
            } catch (IOException | RuntimeException e) {
                wire = new Wire("the server failed: " + e, List.of(), "");
            }
            seen.add(wire);
            out.write((version + " 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n" + (head ? "" : "ok"))
                    .getBytes(ISO_8859_1));
            out.drain();
        }, "127.0.0.1", 0));
    }

    private static final byte[] CRLF = "\r\n".getBytes(ISO_8859_1);
    private static final byte[] CRLF_CRLF = "\r\n\r\n".getBytes(ISO_8859_1);

    private static String text(byte[] b) {
        return new String(b, ISO_8859_1);
    }

    /** The body's bytes as they came, read as its framing fields say. */
    private static String body(StreamReader in, List<String> framing) throws IOException {
        if (framing.isEmpty()) {
            return "";
        }
        String field = framing.getFirst();
        String value = field.substring(field.indexOf(':') + 1).strip();
        if (field.regionMatches(true, 0, "Content-Length:", 0, 15)) {
            return text(in.readExactly(Integer.parseInt(value)));
        }
        StringBuilder raw = new StringBuilder();
        while (true) {
            String sizeLine = text(in.readUntil(CRLF));
            raw.append(sizeLine);
            int size = Integer.parseInt(sizeLine.strip(), 16);
            if (size == 0) {
                String line;
                do { // the trailer section, up to its empty line
                    line = text(in.readUntil(CRLF));
                    raw.append(line);
                } while (!line.equals("\r\n"));
                return raw.toString();
            }
            raw.append(text(in.readExactly(size))).append(text(in.readUntil(CRLF)));
        }
    }

    private Wire send(String version, boolean readBody, Function<String, ClientRequest> request) throws Exception {
        BlockingQueue<Wire> seen = new ArrayBlockingQueue<>(1);
        Server server = rawServer(version, readBody, seen);
        ClientSession s = open.keep(ClientSession.create());
        ClientRequest req = request.apply("http://127.0.0.1:" + server.port() + "/r");
        try (ClientResponse r = s.request(req)) {
            assertEquals(version, r.version());
            assertEquals(req.method().equals("HEAD") ? "" : "ok", r.text());
        }
        return seen.take();
    }

    @ParameterizedTest(name = "{0} server, {1}")
    @MethodSource("casesAgainstBothVersions")
    void theBodyIsFramedAsItsHeadSays(String version, Case c) throws Exception {
        assertEquals(c.expected(), send(version, c.readsBody(), c.request()));
    }

    /**
     * A body whose length is known when asked first and unknown after (as a multipart's, whose file
     * went away) goes as its head says. When HeaderLink and Http1Exchange each asked the body, the
     * head said {@code Content-Length: 5} and the body went out chunked: the server read 5 bytes
     * of chunk syntax as the body, and would have read the rest as the next request.
     */
    @Test
    void theBodyFollowsTheHeadSentNotASecondLookAtTheBody() throws Exception {
        Wire w = send("HTTP/1.1", true, url -> ClientRequest.builder("POST", url).body(new Body("text/plain") {
            private int asked;

            @Override
            public long contentLength() {
                return asked++ == 0 ? 5 : -1;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write("hello".getBytes(ISO_8859_1));
            }
        }).build());
        assertEquals(new Wire("POST /r HTTP/1.1", LENGTH_5, "hello"), w);
    }
}
