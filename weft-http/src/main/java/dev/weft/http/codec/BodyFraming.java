package dev.weft.http.codec;

import dev.weft.http.Headers;
import dev.weft.http.HttpProtocolException;
import java.util.List;

/**
 * How the body of a message is delimited (RFC 9112 section 6.3), decided from its head. The
 * rules here are the request-smuggling defence: a request with both {@code Content-Length} and
 * {@code Transfer-Encoding}, with a duplicated or malformed {@code Content-Length}, or with a
 * transfer coding that does not end in {@code chunked} is rejected.
 *
 * @param kind   the delimitation
 * @param length the body length for {@link Kind#FIXED}, else -1
 */
public record BodyFraming(Kind kind, long length) {

    /** How a body ends. */
    public enum Kind {
        /** No body. */
        NONE,
        /** Exactly {@code length} bytes ({@code Content-Length}). */
        FIXED,
        /** {@code Transfer-Encoding: chunked}. */
        CHUNKED,
        /** Until the connection closes (responses only). */
        UNTIL_CLOSE
    }

    private static final BodyFraming NONE = new BodyFraming(Kind.NONE, 0);
    private static final BodyFraming CHUNKED = new BodyFraming(Kind.CHUNKED, -1);
    private static final BodyFraming UNTIL_CLOSE = new BodyFraming(Kind.UNTIL_CLOSE, -1);

    /**
     * A body of exactly {@code n} bytes (none for 0).
     *
     * @param n the number
     * @return a body of exactly {@code n} bytes (none for 0)
     */
    public static BodyFraming fixed(long n) {
        return n == 0 ? NONE : new BodyFraming(Kind.FIXED, n);
    }

    /**
     * The framing of a request body; strict, as a server must be.
     *
     * @param head the request head
     * @return the framing of a request body; strict, as a server must be
     * @throws HttpProtocolException on failure
     */
    public static BodyFraming ofRequest(RequestHead head) throws HttpProtocolException {
        Headers h = head.headers();
        List<String> te = h.getAll("Transfer-Encoding");
        List<String> cl = h.getAll("Content-Length");
        if (!te.isEmpty()) {
            if (!cl.isEmpty()) {
                throw new HttpProtocolException(400, "both Content-Length and Transfer-Encoding");
            }
            if (head.version().equals("HTTP/1.0")) {
                throw new HttpProtocolException(400, "Transfer-Encoding in an HTTP/1.0 request");
            }
            checkCodings(te, true);
            return CHUNKED;
        }
        if (!cl.isEmpty()) {
            if (cl.size() > 1) {
                throw new HttpProtocolException(400, "duplicated Content-Length");
            }
            return fixed(parseLength(cl.get(0)));
        }
        return NONE;
    }

    /**
     * The framing of a response to {@code requestMethod}.
     *
     * @param requestMethod the request method
     * @param head the response head
     * @return the framing of a response to {@code requestMethod}
     * @throws HttpProtocolException on failure
     */
    public static BodyFraming ofResponse(String requestMethod, ResponseHead head) throws HttpProtocolException {
        int s = head.status();
        if (requestMethod.equals("HEAD") || s / 100 == 1 || s == 204 || s == 304
                || (requestMethod.equals("CONNECT") && s / 100 == 2)) {
            return NONE;
        }
        Headers h = head.headers();
        List<String> te = h.getAll("Transfer-Encoding");
        List<String> cl = h.getAll("Content-Length");
        if (!te.isEmpty()) {
            if (!cl.isEmpty()) {
                throw new HttpProtocolException(502, "response has both Content-Length and Transfer-Encoding");
            }
            return checkCodings(te, false) ? CHUNKED : UNTIL_CLOSE;
        }
        if (!cl.isEmpty()) {
            // RFC 9110 section 8.6: a list of identical values ("5, 5", or the field twice) is one length
            long n = -1;
            for (String value : cl) {
                for (String part : value.split(",", -1)) {
                    long m = parseLength(part.trim());
                    if (n >= 0 && m != n) {
                        throw new HttpProtocolException(502, "conflicting Content-Length values " + cl);
                    }
                    n = m;
                }
            }
            return fixed(n);
        }
        return UNTIL_CLOSE;
    }

    /** True if the codings end in chunked; for requests anything else is an error. */
    private static boolean checkCodings(List<String> values, boolean request) throws HttpProtocolException {
        String last = null;
        String unsupported = null;
        int chunkedCount = 0;
        for (String v : values) {
            for (String part : v.split(",")) {
                String coding = part.trim().toLowerCase(java.util.Locale.ROOT);
                if (coding.isEmpty()) {
                    continue;
                }
                if (coding.equals("chunked")) {
                    chunkedCount++;
                } else if (unsupported == null) {
                    unsupported = coding;
                }
                last = coding;
            }
        }
        if (chunkedCount > 1) {
            throw new HttpProtocolException(400, "chunked applied more than once");
        }
        boolean chunkedLast = "chunked".equals(last);
        if (request && !chunkedLast) {
            throw new HttpProtocolException(400, "a request's transfer coding must end in chunked");
        }
        if (request && unsupported != null) {
            throw new HttpProtocolException(501, "unsupported transfer coding: " + unsupported);
        }
        if (!request && chunkedCount == 1 && !chunkedLast) {
            throw new HttpProtocolException(502, "chunked is not the last transfer coding");
        }
        return chunkedLast;
    }

    /** A Content-Length value: digits only, no sign, no space, no list. */
    static long parseLength(String v) throws HttpProtocolException {
        if (v.isEmpty() || v.length() > 18) {
            throw new HttpProtocolException(400, "malformed Content-Length: \"" + v + "\"");
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                throw new HttpProtocolException(400, "malformed Content-Length: \"" + v + "\"");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }
}
