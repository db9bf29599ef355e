package dev.weft.http.server;

import dev.weft.TimeoutException;
import dev.weft.Weft;
import dev.weft.http.Headers;
import dev.weft.http.codec.BodyFraming;
import dev.weft.http.codec.BodyReader;
import dev.weft.http.codec.Http1Parser;
import dev.weft.http.HttpLimits;
import dev.weft.http.codec.ResponseHead;
import dev.weft.net.Connection;
import dev.weft.net.StreamReader;
import dev.weft.net.Streams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A raw HTTP client for tests: sends exact bytes, reads responses with the codec. */
final class Wire implements AutoCloseable {

    /** A response as read off the wire. */
    record Resp(int status, Headers headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.get(name);
        }
    }

    /** A safety net so that a broken server fails a test instead of hanging it; never the thing tested. */
    static final Duration SAFETY = Duration.ofSeconds(20);

    final Connection conn;

    Wire(int port) throws IOException {
        conn = Streams.openConnection("127.0.0.1", port);
    }

    Wire send(String raw) throws IOException {
        conn.writer().write(raw.getBytes(StandardCharsets.ISO_8859_1));
        conn.writer().drain();
        return this;
    }

    Wire send(byte[] raw) throws IOException {
        conn.writer().write(raw);
        conn.writer().drain();
        return this;
    }

    Resp read() throws IOException {
        return read("GET");
    }

    Resp read(String method) throws IOException {
        return call(() -> {
            StreamReader in = conn.reader();
            ResponseHead head = Http1Parser.readResponseHead(in, HttpLimits.defaults());
            BodyReader body = BodyReader.of(in, BodyFraming.ofResponse(method, head), HttpLimits.defaults(),
                    Long.MAX_VALUE);
            return new Resp(head.status(), head.headers(), body.readAll());
        });
    }

    /** Reads a raw line (for 100 Continue). */
    String readLine() throws IOException {
        return call(() -> conn.reader().readLine());
    }

    /** GET {@code path} on this connection. */
    Resp get(String path) throws IOException {
        send("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n");
        return read();
    }

    /** True once the server has closed the connection (end of stream or reset). */
    boolean closedByServer() throws IOException {
        return call(() -> {
            try {
                byte[] rest = conn.reader().readAllBytes(1 << 20);
                return true;
            } catch (IOException e) {
                return true; // reset
            }
        });
    }

    private static <T> T call(dev.weft.Coroutine<T> body) throws IOException {
        try {
            return Weft.withTimeout(SAFETY, body);
        } catch (dev.weft.TaskFailedException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        } catch (TimeoutException e) {
            throw new AssertionError("the server did not answer within the safety net of " + SAFETY);
        }
    }

    @Override
    public void close() {
        conn.close();
    }

    /** One request on a fresh connection. */
    static Resp exchange(int port, String raw) throws IOException {
        try (Wire w = new Wire(port)) {
            return w.send(raw).read(raw.startsWith("HEAD ") ? "HEAD" : "GET");
        }
    }
}
