package dev.weft.http.codec;

import dev.weft.http.Headers;
import dev.weft.http.HttpLimits;
import dev.weft.http.HttpProtocolException;
import dev.weft.net.IncompleteReadException;
import dev.weft.net.LimitOverrunException;
import dev.weft.net.StreamReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Reads HTTP/1.1 message heads (RFC 9112) from a {@link StreamReader}, strictly: one space
 * between the parts of the start line, header names that are tokens with no space before the
 * colon, no obsolete line folding, no control characters, and every part within its
 * {@link HttpLimits}. The lines of a head may end in CRLF or a bare LF (RFC 9112 section 2.2);
 * a bare CR anywhere is an error. The framing lines of a chunked body, trailers included, must
 * end in CRLF (see {@link BodyReader}). Stateless; call from the connection's task.
 */
public final class Http1Parser {

    private static final byte[] LF = {'\n'};

    private Http1Parser() {
    }

    /**
     * Reads a request head.
     *
     * @param in the input stream
     * @param limits the limits
     * @return the head, or null if the connection ended cleanly before its first byte
     * @throws HttpProtocolException on a malformed or oversized head (see {@link HttpProtocolException#status()})
     */
    public static RequestHead readRequestHead(StreamReader in, HttpLimits limits) throws IOException {
        String line;
        int emptyLines = 0;
        do {
            line = readLine(in, limits.maxStartLineBytes(), 414, "request line", true);
            if (line == null) {
                return null;
            }
        } while (line.isEmpty() && ++emptyLines <= 4); // RFC 9112 2.2: ignore stray CRLFs between requests
        if (emptyLines == 0 && line.equals("PRI * HTTP/2.0")) {
            // the HTTP/2 connection preface (RFC 9113 3.4): its next line is empty, then "SM"
            if (!readHeaders(in, limits).isEmpty()) {
                throw new HttpProtocolException(400, "malformed HTTP/2 connection preface");
            }
            return new RequestHead("PRI", "*", "HTTP/2.0", new Headers());
        }
        int sp1 = line.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0) {
            throw new HttpProtocolException(400, "malformed request line");
        }
        String method = line.substring(0, sp1);
        String target = line.substring(sp1 + 1, sp2);
        String version = line.substring(sp2 + 1);
        if (!Headers.isToken(method)) {
            throw new HttpProtocolException(400, "malformed method");
        }
        if (target.isEmpty() || !visibleAscii(target)) {
            throw new HttpProtocolException(400, "malformed request target");
        }
        checkVersion(version);
        return new RequestHead(method, target, version, readHeaders(in, limits));
    }

    /**
     * Reads a response head (interim 1xx responses are returned like any other).
     *
     * @param in the input stream
     * @param limits the limits
     * @return the response head
     * @throws HttpProtocolException on a malformed or oversized head
     * @throws java.io.EOFException if the connection ended before a status line
     */
    public static ResponseHead readResponseHead(StreamReader in, HttpLimits limits) throws IOException {
        return readResponseHead(in, limits, null, null);
    }

    /**
     * Reads a response head, waiting at most {@code statusLineWait} for its status line (a
     * client holding back a body for {@code Expect: 100-continue} uses this). If the status
     * line is still incomplete then, nothing is consumed and {@code null} is returned; once it
     * is in, the header fields are read with {@code readTimeout} as the reader's timeout. A
     * null wait means "no wait of its own": the reader's current timeout applies.
     *
     * @param in the input stream
     * @param limits the limits
     * @param statusLineWait the status line wait
     * @param readTimeout the read timeout
     * @return the head, or null if the status line did not arrive within {@code statusLineWait}
     * @throws java.net.SocketTimeoutException if the header fields did not arrive within {@code readTimeout}
     */
    public static ResponseHead readResponseHead(StreamReader in, HttpLimits limits, Duration statusLineWait,
            Duration readTimeout) throws IOException {
        String line;
        if (statusLineWait == null) {
            line = readLine(in, limits.maxStartLineBytes(), 502, "status line", true);
        } else {
            in.setReadTimeout(statusLineWait);
            try {
                line = readLine(in, limits.maxStartLineBytes(), 502, "status line", true);
            } catch (java.net.SocketTimeoutException e) {
                return null; // a line is consumed only once whole: the bytes so far stay buffered
            }
            in.setReadTimeout(readTimeout);
        }
        if (line == null) {
            throw new java.io.EOFException("the server closed the connection without a response");
        }
        // status-line = HTTP-version SP status-code SP [ reason-phrase ]
        if (line.length() < 12 || line.charAt(8) != ' ' || (line.length() > 12 && line.charAt(12) != ' ')) {
            throw new HttpProtocolException(502, "malformed status line: " + printable(line));
        }
        String version = line.substring(0, 8);
        checkVersion(version);
        int status = 0;
        for (int i = 9; i < 12; i++) {
            char c = line.charAt(i);
            if (c < '0' || c > '9') {
                throw new HttpProtocolException(502, "malformed status code: " + printable(line));
            }
            status = status * 10 + (c - '0');
        }
        if (status < 100) {
            throw new HttpProtocolException(502, "malformed status code: " + status);
        }
        String reason = line.length() > 13 ? line.substring(13) : "";
        return new ResponseHead(version, status, reason, readHeaders(in, limits));
    }

    /**
     * Reads header lines up to the empty line.
     *
     * @param in the input stream
     * @param limits the limits
     * @return the headers
     * @throws IOException if an I/O error occurs
     */
    public static Headers readHeaders(StreamReader in, HttpLimits limits) throws IOException {
        return readHeaders(in, limits, false);
    }

    /** Reads header lines up to the empty line; with {@code strictCrlf} (trailers) a bare LF is an error. */
    static Headers readHeaders(StreamReader in, HttpLimits limits, boolean strictCrlf) throws IOException {
        Headers headers = new Headers();
        int budget = limits.maxHeaderBytes();
        while (true) {
            String line = readLine(in, Math.max(1, budget), 431, strictCrlf ? "trailer section" : "header section",
                    false, strictCrlf);
            if (line.isEmpty()) {
                return headers;
            }
            budget -= line.length() + 2;
            if (budget < 0) {
                throw new HttpProtocolException(431, "header section larger than " + limits.maxHeaderBytes() + " bytes");
            }
            if (headers.size() >= limits.maxHeaderCount()) {
                throw new HttpProtocolException(431, "more than " + limits.maxHeaderCount() + " header fields");
            }
            char first = line.charAt(0);
            if (first == ' ' || first == '\t') {
                throw new HttpProtocolException(400, "obsolete line folding in a header");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new HttpProtocolException(400, "malformed header line");
            }
            String name = line.substring(0, colon);
            if (!Headers.isToken(name)) {
                throw new HttpProtocolException(400, "malformed header name: " + printable(name));
            }
            int start = colon + 1;
            int end = line.length();
            while (start < end && isOws(line.charAt(start))) {
                start++;
            }
            while (end > start && isOws(line.charAt(end - 1))) {
                end--;
            }
            String value = line.substring(start, end);
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    throw new HttpProtocolException(400, "control character in header " + name);
                }
            }
            headers.add(name, value);
        }
    }

    /**
     * Reads one line without its terminator, decoded as ISO-8859-1.
     *
     * @return null at a clean end of stream when {@code mayEnd}
     */
    static String readLine(StreamReader in, int max, int statusIfTooLong, String what, boolean mayEnd)
            throws IOException {
        return readLine(in, max, statusIfTooLong, what, mayEnd, false);
    }

    /**
     * Reads one line without its terminator, decoded as ISO-8859-1; with {@code strictCrlf} the
     * line must end in CRLF (RFC 9112 section 7.1 for chunked framing: a bare LF there is the
     * stuff of request smuggling).
     *
     * @return null at a clean end of stream when {@code mayEnd}
     */
    static String readLine(StreamReader in, int max, int statusIfTooLong, String what, boolean mayEnd,
            boolean strictCrlf) throws IOException {
        int old = in.limit();
        in.setLimit(max);
        byte[] line;
        try {
            line = in.readUntil(LF);
        } catch (LimitOverrunException e) {
            throw new HttpProtocolException(statusIfTooLong, what + " longer than " + max + " bytes");
        } catch (IncompleteReadException e) {
            if (mayEnd && e.partial().length == 0) {
                return null;
            }
            throw new HttpProtocolException(400, "connection closed in the middle of the " + what);
        } finally {
            in.setLimit(old);
        }
        int len = line.length - 1;
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        } else if (strictCrlf) {
            throw new HttpProtocolException(400, "bare LF ending a line of the " + what + " (CRLF required)");
        }
        for (int i = 0; i < len; i++) {
            if (line[i] == '\r') {
                throw new HttpProtocolException(400, "bare CR in the " + what);
            }
        }
        return new String(line, 0, len, StandardCharsets.ISO_8859_1);
    }

    private static void checkVersion(String version) throws HttpProtocolException {
        if (version.equals("HTTP/1.1") || version.equals("HTTP/1.0")) {
            return;
        }
        if (version.length() == 8 && version.startsWith("HTTP/") && Character.isDigit(version.charAt(5))
                && version.charAt(6) == '.' && Character.isDigit(version.charAt(7))) {
            throw new HttpProtocolException(505, "HTTP version not supported: " + version);
        }
        throw new HttpProtocolException(400, "malformed HTTP version: " + printable(version));
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean visibleAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        StringBuilder sb = new StringBuilder();
        for (char c : cut.toCharArray()) {
            sb.append(c < 0x20 || c >= 0x7f ? '?' : c);
        }
        return sb.toString();
    }
}
