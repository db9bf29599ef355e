package dev.weft.http.codec;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.Task;
import dev.weft.Weft;
import dev.weft.http.HttpLimits;
import dev.weft.http.HttpProtocolException;
import dev.weft.net.StreamReader;
import dev.weft.net.Streams;
import dev.weft.testing.WeftTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The head parser and the body readers fed adversarially, in memory (no sockets): one byte at a
 * time, and every message split in two at every offset. Whatever the split, the result must be
 * the same as from one piece, and the next message must start in the right place.
 */
@WeftTest
class SplitFeedTest {

    /** Two pipelined requests: a chunked one with an extension and trailers, then one with a fixed body. */
    private static final String REQUESTS = "POST /upload?x=1 HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n"
            + "X-Long: " + "v".repeat(40) + "\r\n\r\n"
            + "5;name=\"a;b\"\r\nhello\r\n1a\r\n abcdefghijklmnopqrstuvwxy\r\n0\r\nX-Trailer: t\r\n\r\n"
            + "PUT /next HTTP/1.1\r\nHost: example.com\r\nContent-Length: 7\r\n\r\nfixed!!";

    /** A response with a fixed body, then a chunked one. */
    private static final String RESPONSES = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nX-A: b\r\n\r\nbody"
            + "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";

    /** Parses {@link #REQUESTS}: each head's method, target and headers, body and trailers. */
    private static List<String> parseRequests(StreamReader in) throws IOException {
        List<String> out = new ArrayList<>();
        RequestHead h;
        while ((h = Http1Parser.readRequestHead(in, HttpLimits.defaults())) != null) {
            BodyReader body = BodyReader.of(in, BodyFraming.ofRequest(h), HttpLimits.defaults(), 1 << 20);
            out.add(h.method() + " " + h.target() + " " + h.headers() + "|"
                    + new String(body.readAll(), StandardCharsets.ISO_8859_1) + "|" + body.trailers());
        }
        return out;
    }

    private static List<String> parseResponses(StreamReader in) throws IOException {
        List<String> out = new ArrayList<>();
        while (!in.atEof() && in.awaitData()) {
            ResponseHead h = Http1Parser.readResponseHead(in, HttpLimits.defaults());
            BodyReader body = BodyReader.of(in, BodyFraming.ofResponse("GET", h), HttpLimits.defaults(), 1 << 20);
            out.add(h.status() + " " + h.reason() + " " + h.headers() + "|"
                    + new String(body.readAll(), StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    @FunctionalInterface
    interface Parse {
        List<String> parse(StreamReader in) throws IOException;
    }

    /** Parses {@code wire} written as {@code parts} (with a turn of the loop between them), read in pieces of at most {@code chunk}. */
    private static List<String> feed(Parse parse, int chunk, String... parts) throws Exception {
        Streams.MemoryPair p = Streams.memoryPair(chunk);
        Task<Void> writer = Weft.spawn(() -> {
            for (String part : parts) {
                p.a().writer().write(part.getBytes(StandardCharsets.ISO_8859_1));
                Weft.yieldNow(); // the reader takes this part in before the next one exists
                Weft.yieldNow();
            }
            p.a().writer().writeEof();
        });
        List<String> got = parse.parse(p.b().reader());
        writer.await();
        return got;
    }

    private static void everySplit(Parse parse, String wire) throws Exception {
        List<String> whole = feed(parse, Integer.MAX_VALUE, wire);
        assertEquals(2, whole.size(), whole.toString());
        assertEquals(whole, feed(parse, 1, wire), "one byte at a time");
        for (int k = 1; k < wire.length(); k++) {
            assertEquals(whole, feed(parse, Integer.MAX_VALUE, wire.substring(0, k), wire.substring(k)),
                    "split at " + k + ": \"" + wire.substring(Math.max(0, k - 10), k) + "|" + wire.substring(k,
                            Math.min(wire.length(), k + 10)) + "\"");
        }
    }

    @Test
    void requestsParseTheSameWhateverTheSplit() throws Exception {
        everySplit(SplitFeedTest::parseRequests, REQUESTS);
        assertTrue(feed(SplitFeedTest::parseRequests, Integer.MAX_VALUE, REQUESTS).get(0)
                .contains("|hello abcdefghijklmnopqrstuvwxy|X-Trailer: t"));
    }

    @Test
    void responsesParseTheSameWhateverTheSplit() throws Exception {
        everySplit(SplitFeedTest::parseResponses, RESPONSES);
    }

    @Test
    void aFramingErrorIsFoundWhateverTheSplit() throws Exception {
        String funky = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n";
        for (int k = 1; k < funky.length(); k++) {
            int at = k;
            HttpProtocolException e = assertThrows(HttpProtocolException.class,
                    () -> feed(SplitFeedTest::parseRequests, Integer.MAX_VALUE, funky.substring(0, at),
                            funky.substring(at)), "split at " + k);
            assertEquals(400, e.status());
        }
    }
}
