package dev.weft.http.codec;

import dev.weft.http.Headers;
import dev.weft.net.StreamWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes HTTP/1.1 heads and chunked bodies to a {@link StreamWriter}. A head goes out in one
 * write; values were validated by {@link Headers}, so nothing written here can split a
 * message.
 */
public final class Http1Writer {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private Http1Writer() {
    }

    /** The bytes of a request head. */
    public static byte[] requestHead(String method, String target, Headers headers) {
        if (!Headers.isToken(method)) {
            throw new IllegalArgumentException("invalid method: " + method);
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new IllegalArgumentException("invalid character in request target: " + target);
            }
        }
        StringBuilder sb = new StringBuilder(256);
        sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        appendFields(sb, headers);
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The bytes of a response head. */
    public static byte[] responseHead(int status, String reason, Headers headers) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("invalid status: " + status);
        }
        StringBuilder sb = new StringBuilder(256);
        sb.append("HTTP/1.1 ").append(status).append(' ');
        String r = reason == null ? StatusCodes.reason(status) : reason;
        for (int i = 0; i < r.length(); i++) {
            char c = r.charAt(i);
            sb.append(c == '\r' || c == '\n' ? ' ' : c);
        }
        sb.append("\r\n");
        appendFields(sb, headers);
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void appendFields(StringBuilder sb, Headers headers) {
        for (int i = 0; i < headers.size(); i++) {
            sb.append(headers.name(i)).append(": ").append(headers.value(i)).append("\r\n");
        }
        sb.append("\r\n");
    }

    /** Writes one chunk of a chunked body (nothing for an empty chunk, which would end the body). */
    public static void writeChunk(StreamWriter out, byte[] data, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data, off, len);
        out.write(CRLF);
    }

    /** Ends a chunked body (no trailers). */
    public static void finishChunked(StreamWriter out) throws IOException {
        out.write(LAST_CHUNK);
    }
}
