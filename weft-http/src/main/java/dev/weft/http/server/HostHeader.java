package dev.weft.http.server;

/**
 * The syntax of a {@code Host} header value (RFC 9112 section 3.2, RFC 3986 section 3.2.2):
 * {@code uri-host [ ":" port ]}, where the host is an IP literal in brackets, an IPv4 address or
 * a reg-name of unreserved characters, percent-escapes and sub-delims, and the port is digits.
 * A value such as {@code evil.example/x?}, {@code user@evil} or {@code a b} is not a host: it
 * would end up in URLs the application builds ({@code Location}, links) and is refused with 400.
 * Stateless.
 */
final class HostHeader {

    private HostHeader() {
    }

    /** True if {@code value} is a well-formed Host value (the empty value included, as RFC 9112 allows). */
    static boolean isValid(String value) {
        int i = 0;
        int n = value.length();
        if (n > 0 && value.charAt(0) == '[') {
            int close = value.indexOf(']');
            if (close < 0 || !ipLiteral(value, 1, close)) {
                return false;
            }
            i = close + 1;
        } else {
            while (i < n && value.charAt(i) != ':') {
                char c = value.charAt(i);
                if (c == '%') {
                    if (i + 2 >= n || !hex(value.charAt(i + 1)) || !hex(value.charAt(i + 2))) {
                        return false;
                    }
                    i += 3;
                    continue;
                }
                if (!regNameChar(c)) {
                    return false;
                }
                i++;
            }
        }
        if (i == n) {
            return true;
        }
        if (value.charAt(i) != ':') {
            return false;
        }
        for (i++; i < n; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** An IPv6 address or IPvFuture between the brackets: hex digits, colons, dots (and {@code v}, sub-delims). */
    private static boolean ipLiteral(String s, int from, int to) {
        if (from == to) {
            return false;
        }
        boolean future = s.charAt(from) == 'v' || s.charAt(from) == 'V';
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            boolean ok = hex(c) || c == ':' || c == '.' || (future && regNameChar(c));
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** unreserved / sub-delims (RFC 3986): letters, digits, {@code -._~!$&'()*+,;=}. */
    private static boolean regNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-._~!$&'()*+,;=".indexOf(c) >= 0;
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
