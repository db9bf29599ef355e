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

    /**
     * The bytes of a request head.
     *
     * @param method the HTTP method
     * @param target the target
     * @param headers the headers
     * @return the bytes of a request head
     */
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
        byte[] out = new byte[method.length() + 1 + target.length() + " HTTP/1.1\r\n".length() + fieldsSize(headers)];
        int p = put(out, 0, method);
        out[p++] = ' ';
        p = put(out, p, target);
        putFields(out, put(out, p, " HTTP/1.1\r\n"), headers);
        return out;
    }

    /**
     * The bytes of a response head.
     *
     * @param status the HTTP status code
     * @param reason the reason
     * @param headers the headers
     * @return the bytes of a response head
     */
    public static byte[] responseHead(int status, String reason, Headers headers) {
        return response(status, reason, headers, null);
    }

    /**
     * The bytes of a response head followed by {@code body} (null: none), in one array of exactly
     * that size: written straight as ISO-8859-1, no intermediate string.
     *
     * @param status the HTTP status code
     * @param reason the reason
     * @param headers the headers
     * @param body the task's body
     * @return the bytes of a response head followed by {@code body} (null: none), in one array of exactly that size: written straight as ISO-8859-1, no intermediate string
     */
    public static byte[] response(int status, String reason, Headers headers, byte[] body) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("invalid status: " + status);
        }
        String r = reason == null ? StatusCodes.reason(status) : reason;
        int size = "HTTP/1.1 200 ".length() + r.length() + 2 + fieldsSize(headers) + (body == null ? 0 : body.length);
        byte[] out = new byte[size];
        int p = put(out, 0, "HTTP/1.1 ");
        out[p++] = (byte) ('0' + status / 100);
        out[p++] = (byte) ('0' + status / 10 % 10);
        out[p++] = (byte) ('0' + status % 10);
        out[p++] = ' ';
        for (int i = 0; i < r.length(); i++) {
            char c = r.charAt(i);
            out[p++] = c == '\r' || c == '\n' ? (byte) ' ' : latin1(c);
        }
        out[p++] = '\r';
        out[p++] = '\n';
        p = putFields(out, p, headers);
        if (body != null) {
            System.arraycopy(body, 0, out, p, body.length);
        }
        return out;
    }

    private static int put(byte[] out, int p, String s) {
        for (int i = 0; i < s.length(); i++) {
            out[p++] = latin1(s.charAt(i));
        }
        return p;
    }

    /** As {@code getBytes(ISO_8859_1)} does: a character outside Latin-1 becomes {@code ?}. */
    private static byte latin1(char c) {
        return c <= 0xff ? (byte) c : (byte) '?';
    }

    /** The size of the header fields and the empty line that ends a head. */
    private static int fieldsSize(Headers headers) {
        int size = 2;
        for (int i = 0; i < headers.size(); i++) {
            size += headers.name(i).length() + 2 + headers.value(i).length() + 2;
        }
        return size;
    }

    /** Writes the header fields and the empty line that ends a head at {@code p}; returns the end. */
    private static int putFields(byte[] out, int p, Headers headers) {
        for (int i = 0; i < headers.size(); i++) {
            p = put(out, p, headers.name(i));
            out[p++] = ':';
            out[p++] = ' ';
            p = put(out, p, headers.value(i));
            out[p++] = '\r';
            out[p++] = '\n';
        }
        out[p++] = '\r';
        out[p++] = '\n';
        return p;
    }

    /**
     * Writes one chunk of a chunked body (nothing for an empty chunk, which would end the body).
     *
     * @param out the output stream
     * @param data the bytes
     * @param off where the bytes start
     * @param len how many bytes
     * @throws IOException if an I/O error occurs
     */
    public static void writeChunk(StreamWriter out, byte[] data, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data, off, len);
        out.write(CRLF);
    }

    /**
     * Ends a chunked body (no trailers).
     *
     * @param out the output stream
     * @throws IOException if an I/O error occurs
     */
    public static void finishChunked(StreamWriter out) throws IOException {
        out.write(LAST_CHUNK);
    }

    /**
     * Ends a chunked body with a trailer section: the last chunk, the trailer fields, the empty
     * line. The fields were checked by {@link TrailerFields#check}.
     *
     * @param out the output stream
     * @param trailers the trailer fields (empty: none)
     * @throws IOException if an I/O error occurs
     */
    public static void finishChunked(StreamWriter out, Headers trailers) throws IOException {
        if (trailers.isEmpty()) {
            out.write(LAST_CHUNK);
            return;
        }
        byte[] last = new byte[3 + fieldsSize(trailers)];
        last[0] = '0';
        last[1] = '\r';
        last[2] = '\n';
        putFields(last, 3, trailers);
        out.write(last);
    }
}
