package dev.weft.http.codec;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.http.Headers;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The exact bytes of response heads, alone and with a small body in the same array. */
class Http1WriterTest {

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void aResponseHeadAndItsBodyComeOutAsOneExactArray() {
        Headers h = Headers.of("Content-Type", "text/plain", "Content-Length", "5");
        byte[] all = Http1Writer.response(200, null, h, "hello".getBytes(StandardCharsets.US_ASCII));
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello", latin1(all));
        assertEquals("HTTP/1.1 404 Not Found\r\n\r\n", latin1(Http1Writer.responseHead(404, null, new Headers())));
    }

    @Test
    void aRequestHeadIsItsLineAndFields() {
        byte[] head = Http1Writer.requestHead("GET", "/a?b=1", Headers.of("Host", "example.com"));
        assertEquals("GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\n\r\n", latin1(head));
        assertThrows(IllegalArgumentException.class, () -> Http1Writer.requestHead("GET", "/a b", new Headers()));
    }

    @Test
    void aReasonCannotSplitTheHeadAndTextOutsideLatin1BecomesQuestionMarks() {
        byte[] head = Http1Writer.responseHead(299, "Fine\r\nX-Evil: 1", Headers.of("X-Name", "café ☕"));
        assertEquals("HTTP/1.1 299 Fine  X-Evil: 1\r\nX-Name: café ?\r\n\r\n", latin1(head));
    }
}
