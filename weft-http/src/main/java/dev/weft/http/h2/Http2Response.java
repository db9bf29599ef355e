package dev.weft.http.h2;

import dev.weft.http.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The response to a request sent by {@link Http2ClientConnection#send}: status and headers at
 * once, the body read as it comes ({@link #body()}, {@link #bytes()}), trailers after it.
 * Closing a response whose body was not read to the end resets its stream ({@code CANCEL}), so
 * the server stops sending; the connection goes on. Use it from tasks of the connection's loop.
 */
public final class Http2Response implements AutoCloseable {

    private final Http2Stream stream;
    private final Http2Headers head;
    private boolean closed;

    Http2Response(Http2Stream stream, Http2Headers head) {
        this.stream = stream;
        this.head = head;
    }

    /**
     * The status code.
     *
     * @return the final status (informational 1xx responses are skipped)
     */
    public int status() {
        return head.status();
    }

    /**
     * The header fields (names in lower case, as HTTP/2 sends them).
     *
     * @return the fields
     */
    public Headers headers() {
        return head.headers();
    }

    /**
     * The first value of a header field.
     *
     * @param name the field name, in any case
     * @return the value, or null
     */
    public String header(String name) {
        return head.headers().get(name);
    }

    /**
     * The protocol version.
     *
     * @return {@code "HTTP/2"}
     */
    public String version() {
        return "HTTP/2";
    }

    /**
     * The body, read as it comes; each read reopens the server's flow-control window.
     *
     * @return the body stream
     */
    public InputStream body() {
        return stream.inputStream();
    }

    /**
     * The whole body, at most {@code maxBytes}.
     *
     * @param maxBytes the most to accept
     * @return the body
     * @throws IOException if the stream failed, or the body is larger (the stream is then reset)
     */
    public byte[] bytes(long maxBytes) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[16 * 1024];
        int n;
        while ((n = stream.read(buf, 0, buf.length)) >= 0) {
            if (out.size() + (long) n > maxBytes) {
                close();
                throw new IOException("the response body exceeds " + maxBytes + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /**
     * The whole body (at most 64 MiB).
     *
     * @return the body
     * @throws IOException if the stream failed or the body is larger
     */
    public byte[] bytes() throws IOException {
        return bytes(64L << 20);
    }

    /**
     * The whole body as text, in the charset of its {@code content-type} (UTF-8 by default).
     *
     * @return the text
     * @throws IOException if the stream failed
     */
    public String text() throws IOException {
        Charset cs = StandardCharsets.UTF_8;
        String ct = header("content-type");
        if (ct != null) {
            int at = ct.toLowerCase(java.util.Locale.ROOT).indexOf("charset=");
            if (at >= 0) {
                try {
                    cs = Charset.forName(ct.substring(at + 8).replace("\"", "").split("[;, ]")[0]);
                } catch (RuntimeException e) {
                    // unknown: UTF-8
                }
            }
        }
        return new String(bytes(), cs);
    }

    /**
     * The trailers, once the body was read to its end.
     *
     * @return the trailer fields, or null if none came
     */
    public Headers trailers() {
        Http2Headers t = stream.trailers();
        return t == null ? null : t.headers();
    }

    /**
     * The stream underneath.
     *
     * @return the stream
     */
    public Http2Stream stream() {
        return stream;
    }

    /** Releases the stream: resets it if the body was not read to the end. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!stream.isRemoteEnded() && stream.state() != Http2Stream.State.CLOSED) {
            stream.reset(Http2ErrorCode.CANCEL);
        } else {
            stream.discardInbound();
        }
    }

    @Override
    public String toString() {
        return "Http2Response[" + head.status() + ", stream " + stream.id() + "]";
    }
}
