package dev.weft.crawler.frontier;

import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts http(s) URLs in one canonical form, so that two spellings of one resource are one key
 * of the seen set and of the stores (RFC 3986 section 6.2.2, syntax-based normalisation):
 *
 * <ul>
 *   <li>scheme and host in lower case, international host names in punycode
 *       ({@code https://例え.jp/} becomes {@code https://xn--r8jz45g.jp/});</li>
 *   <li>default ports dropped ({@code :80} for http, {@code :443} for https);</li>
 *   <li>an empty path becomes {@code /}; dot segments removed ({@code /a/./b/../c} is
 *       {@code /a/c}); a backslash in the path is a slash, as in browsers;</li>
 *   <li>percent-encoding: escapes of unreserved characters decoded ({@code %7E} is {@code ~}),
 *       the others in upper case ({@code %c3%a9} is {@code %C3%A9}), characters that may not
 *       appear raw (space, non-ASCII, {@code "<>} …) encoded as UTF-8, a stray {@code %}
 *       encoded as {@code %25};</li>
 *   <li>the fragment dropped; an empty query ({@code ?} alone) dropped;</li>
 *   <li>query parameters kept in their order, unless {@code sortQuery} (then sorted by name,
 *       stably).</li>
 * </ul>
 *
 * <p>The result is pure ASCII, which the SQL stores rely on. Anything that is not an absolute
 * http or https URL with a valid host and port gives {@code null}. Immutable and thread-safe.
 */
public final class UrlNormalizer {

    /** RFC 3986 appendix B: scheme, authority, path, query, fragment. */
    private static final Pattern PARTS = Pattern.compile("^(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\\?([^#]*))?(?:#(.*))?$",
            Pattern.DOTALL);
    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9._\\-]+");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final boolean sortQuery;

    /** A normaliser that keeps query parameters in their order. */
    public UrlNormalizer() {
        this(false);
    }

    /**
     * A normaliser.
     *
     * @param sortQuery sort query parameters by name (stable), so that {@code ?b=1&a=2} and
     *                  {@code ?a=2&b=1} are one URL
     */
    public UrlNormalizer(boolean sortQuery) {
        this.sortQuery = sortQuery;
    }

    /**
     * The canonical form of an absolute http(s) URL.
     *
     * @param url an absolute URL, as found
     * @return its canonical form, or null if it is not a valid absolute http or https URL
     */
    public String normalize(String url) {
        if (url == null) {
            return null;
        }
        String s = slashes(strip(url));
        Matcher m = PARTS.matcher(s);
        if (!m.matches() || m.group(1) == null || m.group(2) == null) {
            return null;
        }
        String scheme = m.group(1).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return null;
        }
        String authority = authority(m.group(2), scheme);
        if (authority == null) {
            return null;
        }
        String path = m.group(3).replace('\\', '/');
        path = removeDotSegments(encode(path, false));
        if (path.isEmpty()) {
            path = "/";
        }
        StringBuilder out = new StringBuilder(s.length() + 8).append(scheme).append("://").append(authority).append(path);
        String query = m.group(4);
        if (query != null && !query.isEmpty()) {
            query = encode(query, true);
            if (sortQuery) {
                query = sorted(query);
            }
            out.append('?').append(query);
        }
        return out.toString();
    }

    /**
     * Resolves {@code ref} against the absolute URL {@code base} (RFC 3986 section 5.2.2) and
     * normalises the result.
     *
     * @param base an absolute URL (a page's URL or its {@code <base href>})
     * @param ref  a link as written: absolute, protocol-relative ({@code //host/x}), absolute-path,
     *             relative ({@code ../x}), a query or a fragment alone
     * @return the canonical absolute URL, or null if it is not http(s) or not valid
     */
    public String resolve(String base, String ref) {
        return resolve(base(base), ref);
    }

    /**
     * A base URL read once, to resolve many links against it with {@link #resolve(Base, String)}
     * (a page's links all share one base).
     *
     * @param base an absolute URL (a page's URL or its {@code <base href>})
     * @return the base, ready for resolving
     */
    public Base base(String base) {
        return new Base(base);
    }

    /**
     * Resolves {@code ref} against a base read once: the same result as
     * {@link #resolve(String, String)}, faster for the common links — an absolute path
     * ({@code /a/b.html?x=1#y}), a relative path without dot segments, a fragment alone, or an
     * absolute {@code http(s)} URL in lower case without port or user — when they need no
     * normalising (no percent-encoding, dot segment, backslash, space or non-ASCII character);
     * every other link takes the general path.
     *
     * @param base a base from {@link #base(String)}
     * @param ref  a link as written
     * @return the canonical absolute URL, or null if it is not http(s) or not valid
     */
    public String resolve(Base base, String ref) {
        if (ref == null) {
            return null;
        }
        String fast = resolveFast(base, ref);
        return fast != null ? fast : resolveSlow(base.raw, ref);
    }

    /** The fast paths of {@link #resolve(Base, String)}: the canonical URL, or null to take the general path. */
    private String resolveFast(Base base, String ref) {
        int n = ref.length();
        if (n == 0 || base.owner() != this) {
            return null;
        }
        char c0 = ref.charAt(0);
        if (c0 == '/') {
            if (n > 1 && ref.charAt(1) == '/' || base.origin == null) {
                return null; // protocol-relative: the general path
            }
            return tail(base.origin, null, ref, 0, false);
        }
        if (c0 == '#') {
            return base.origin == null ? null : base.self();
        }
        if (ref.startsWith("http://")) {
            return absolute(ref, 7);
        }
        if (ref.startsWith("https://")) {
            return absolute(ref, 8);
        }
        if (base.origin != null && base.dir != null && c0 != '.' && c0 < 128 && c0 != '?' && allowedRaw(c0, false)) {
            return tail(base.origin, base.dir, ref, 0, true);
        }
        return null;
    }

    /** An absolute http(s) link whose host needs no normalising and which has no port or user. */
    private String absolute(String ref, int hostStart) {
        int n = ref.length();
        int i = hostStart;
        while (i < n) {
            char c = ref.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                break;
            }
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_')) {
                return null; // upper case, port, user, IP literal, percent-encoding, non-ASCII
            }
            i++;
        }
        if (i == n || ref.charAt(i) != '/' || i == hostStart || i - hostStart > 253 || ref.charAt(hostStart) == '.') {
            return null;
        }
        String origin = ref.substring(0, i);
        if (origin.indexOf("..", hostStart) >= 0 || ref.charAt(i - 1) == '.') {
            return null; // a trailing dot goes: the general path
        }
        int dot = ref.lastIndexOf('.', i - 1);
        char last = ref.charAt(dot >= hostStart ? dot + 1 : hostStart); // the last label's first character
        if (last >= '0' && last <= '9') { // perhaps an IPv4 address in another form (127.1): the general path
            String host = ref.substring(hostStart, i);
            String v4 = ipv4(host);
            if (v4 != null && !v4.equals(host)) {
                return null;
            }
        }
        return tail(origin, null, ref, i, false);
    }

    /**
     * {@code origin + dir + ref[from..]} without its fragment, when the path and query need no
     * normalising: only characters that stay raw (no {@code %}, backslash, space, control or
     * non-ASCII character), no dot segment, and for a relative path no colon; null otherwise.
     */
    private String tail(String origin, String dir, String ref, int from, boolean relative) {
        int n = ref.length();
        int query = -1;
        int end = n;
        char prev = relative ? '/' : 0;
        for (int i = from; i < n; i++) {
            char c = ref.charAt(i);
            if (c == '#') {
                end = i;
                break;
            }
            if (query < 0) {
                if (c == '?') {
                    query = i;
                } else if (c >= 128 || !allowedRaw(c, false) || (c == '.' && prev == '/') || (relative && c == ':')) {
                    return null;
                }
                prev = c;
            } else if (c >= 128 || !allowedRaw(c, true)) {
                return null;
            }
        }
        int pathEnd = query < 0 ? end : query;
        StringBuilder out = new StringBuilder(origin.length() + (dir == null ? 0 : dir.length()) + end - from);
        out.append(origin);
        if (dir != null) {
            out.append(dir);
        }
        out.append(ref, from, pathEnd);
        if (query >= 0 && query + 1 < end) {
            out.append('?');
            if (sortQuery) {
                out.append(sorted(ref.substring(query + 1, end)));
            } else {
                out.append(ref, query + 1, end);
            }
        }
        return out.toString();
    }

    /**
     * A base URL read once for {@link #resolve(Base, String)} of the normaliser that made it: its
     * canonical origin and the directory of its path (when that needs no normalising). Not
     * thread-safe; cheap to make.
     */
    public final class Base {

        private final String raw;
        /** {@code scheme://authority}, canonical; null if the base is not a usable http(s) URL. */
        private final String origin;
        /** The base path up to its last '/', when it is plain (as {@link #tail} requires); else null. */
        private final String dir;
        private String self;
        private boolean selfDone;

        private Base(String base) {
            this.raw = base;
            String o = null;
            String d = null;
            if (base != null) {
                Matcher bm = PARTS.matcher(strip(base));
                if (bm.matches() && bm.group(1) != null && bm.group(2) != null) {
                    String scheme = bm.group(1).toLowerCase(Locale.ROOT);
                    String authority = scheme.equals("http") || scheme.equals("https") ? authority(bm.group(2), scheme) : null;
                    if (authority != null) {
                        o = scheme + "://" + authority;
                        String path = bm.group(3).replace('\\', '/');
                        String dir = path.isEmpty() ? "/" : path.substring(0, path.lastIndexOf('/') + 1);
                        d = plainDir(dir) ? dir : null;
                    }
                }
            }
            this.origin = o;
            this.dir = d;
        }

        private UrlNormalizer owner() {
            return UrlNormalizer.this;
        }

        /** The base itself, canonical: what a fragment alone resolves to. */
        private String self() {
            if (!selfDone) {
                self = normalize(raw);
                selfDone = true;
            }
            return self;
        }
    }

    /** A directory path that normalising leaves as it is: raw characters only, no dot segment. */
    private static boolean plainDir(String dir) {
        if (!dir.startsWith("/")) {
            return false;
        }
        for (int i = 0; i < dir.length(); i++) {
            char c = dir.charAt(i);
            if (c >= 128 || !allowedRaw(c, false) || (c == '.' && dir.charAt(i - 1) == '/')) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #resolve(String, String)} without the fast paths: RFC 3986 section 5.2.2 step by
     * step, then {@link #normalize}. The fast paths must give exactly what this gives (tested on a
     * corpus of tricky links and on random ones).
     */
    String resolveSlow(String base, String ref) {
        if (ref == null) {
            return null;
        }
        String r = slashes(strip(ref));
        Matcher rm = PARTS.matcher(r);
        if (!rm.matches()) {
            return null;
        }
        if (rm.group(1) != null) {
            return normalize(r);
        }
        Matcher bm = PARTS.matcher(strip(base));
        if (!bm.matches() || bm.group(1) == null || bm.group(2) == null) {
            return null;
        }
        String scheme = bm.group(1);
        String authority;
        String path;
        String query;
        String rPath = rm.group(3).replace('\\', '/');
        if (rm.group(2) != null) {
            authority = rm.group(2);
            path = removeDotSegments(rPath);
            query = rm.group(4);
        } else {
            authority = bm.group(2);
            if (rPath.isEmpty()) {
                path = bm.group(3);
                query = rm.group(4) != null ? rm.group(4) : bm.group(4);
            } else {
                if (rPath.startsWith("/")) {
                    path = removeDotSegments(rPath);
                } else {
                    String bPath = bm.group(3).replace('\\', '/');
                    String merged = bPath.isEmpty() ? "/" + rPath : bPath.substring(0, bPath.lastIndexOf('/') + 1) + rPath;
                    path = removeDotSegments(merged);
                }
                query = rm.group(4);
            }
        }
        return normalize(scheme + "://" + authority + path + (query != null ? "?" + query : ""));
    }

    /**
     * The origin of a canonical URL: {@code scheme://host[:port]}, the unit of robots.txt and of
     * politeness (RFC 9309 section 2.3).
     *
     * @param canonicalUrl a URL returned by {@link #normalize}
     * @return its origin
     */
    public static String origin(String canonicalUrl) {
        int start = canonicalUrl.indexOf("://") + 3;
        int end = canonicalUrl.indexOf('/', start);
        return end < 0 ? canonicalUrl : canonicalUrl.substring(0, end);
    }

    /**
     * The host name of a canonical URL, without port ({@code example.com}, {@code 127.0.0.1},
     * {@code [::1]}).
     *
     * @param canonicalUrl a URL returned by {@link #normalize}
     * @return its host name
     */
    public static String hostName(String canonicalUrl) {
        String o = origin(canonicalUrl);
        String hostPort = o.substring(o.indexOf("://") + 3);
        int at = hostPort.lastIndexOf('@');
        if (at >= 0) {
            hostPort = hostPort.substring(at + 1);
        }
        if (hostPort.startsWith("[")) {
            return hostPort.substring(0, hostPort.indexOf(']') + 1);
        }
        int colon = hostPort.lastIndexOf(':');
        return colon < 0 ? hostPort : hostPort.substring(0, colon);
    }

    /**
     * The path and query of a canonical URL ({@code /a/b?x=1}), as robots.txt rules see it.
     *
     * @param canonicalUrl a URL returned by {@link #normalize}
     * @return its path and query
     */
    public static String pathAndQuery(String canonicalUrl) {
        int start = canonicalUrl.indexOf("://") + 3;
        int slash = canonicalUrl.indexOf('/', start);
        return slash < 0 ? "/" : canonicalUrl.substring(slash);
    }

    // ------------------------------------------------------------------ parts

    /**
     * A backslash before the query is a slash, as browsers read http(s) URLs (the WHATWG URL
     * standard): {@code \\host\x} and {@code /\host} name the host {@code host}, not a path on
     * the page's own host. Only http(s) URLs come out of this class, so other schemes need not
     * be told apart.
     */
    private static String slashes(String s) {
        int backslash = s.indexOf('\\');
        if (backslash < 0) {
            return s;
        }
        int end = s.length();
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
            }
        }
        if (backslash >= end) {
            return s;
        }
        return s.substring(0, end).replace('\\', '/') + s.substring(end);
    }

    /** Removes leading and trailing spaces/controls and every tab and line break (as browsers do). */
    private static String strip(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && s.charAt(a) <= ' ') {
            a++;
        }
        while (b > a && s.charAt(b - 1) <= ' ') {
            b--;
        }
        String t = s.substring(a, b);
        if (t.indexOf('\t') >= 0 || t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0) {
            t = t.replace("\t", "").replace("\n", "").replace("\r", "");
        }
        return t;
    }

    private static String authority(String raw, String scheme) {
        String hostPort = raw;
        int at = raw.lastIndexOf('@');
        if (at >= 0) {
            hostPort = raw.substring(at + 1); // the user info goes (see below)
        }
        String host;
        String port = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = hostPort.substring(0, close + 1).toLowerCase(Locale.ROOT);
            if (!host.substring(1, host.length() - 1).matches("[0-9a-f:.]+")) {
                return null;
            }
            String rest = hostPort.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return null;
                }
                port = rest.substring(1);
            }
        } else {
            int colon = hostPort.lastIndexOf(':');
            if (colon >= 0) {
                port = hostPort.substring(colon + 1);
                hostPort = hostPort.substring(0, colon);
            }
            host = canonicalHost(hostPort);
            if (host == null) {
                return null;
            }
        }
        // User info (user:password@) is dropped: credentials found in a link are neither sent nor
        // stored, and one host stays one host for politeness and robots.txt whatever name a link
        // puts before it (http://a@host/ and http://b@host/ were two origins, each with its own
        // per-host limits).
        StringBuilder out = new StringBuilder();
        out.append(host);
        if (port != null && !port.isEmpty()) {
            if (port.length() > 5) {
                return null;
            }
            for (int i = 0; i < port.length(); i++) {
                if (port.charAt(i) < '0' || port.charAt(i) > '9') {
                    return null;
                }
            }
            int p = Integer.parseInt(port);
            if (p == 0 || p > 65535) {
                return null;
            }
            boolean defaultPort = (p == 80 && scheme.equals("http")) || (p == 443 && scheme.equals("https"));
            if (!defaultPort) {
                out.append(':').append(p);
            }
        }
        return out.toString();
    }

    private static String canonicalHost(String raw) {
        if (raw.isEmpty()) {
            return null;
        }
        String h = raw;
        if (h.indexOf('%') >= 0) {
            h = new String(decodeAll(h), StandardCharsets.UTF_8);
        }
        h = h.toLowerCase(Locale.ROOT);
        boolean ascii = true;
        for (int i = 0; i < h.length() && ascii; i++) {
            ascii = h.charAt(i) < 128;
        }
        if (!ascii) {
            try {
                h = IDN.toASCII(h, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        if (h.endsWith(".") && h.length() > 1) {
            h = h.substring(0, h.length() - 1); // example.com. is example.com (the root's empty label)
        }
        if (h.isEmpty() || h.length() > 253 || !HOST_NAME.matcher(h).matches() || h.startsWith(".") || h.contains("..")) {
            return null;
        }
        String ipv4 = ipv4(h);
        return ipv4 != null ? ipv4 : h;
    }

    /**
     * The dotted-decimal form of a host written as an IPv4 address in any of the forms resolvers
     * and browsers accept (WHATWG URL's IPv4 parser): {@code 127.1}, {@code 2130706433},
     * {@code 0x7f.0.0.1}, {@code 0177.0.0.1} are all {@code 127.0.0.1} — one host, not four.
     *
     * @return the address, or null if {@code h} is not one (a name, or a number out of range)
     */
    static String ipv4(String h) {
        for (int i = 0; i < h.length(); i++) { // a name (most hosts) is refused here, without an exception
            char c = h.charAt(i);
            if (!(c == '.' || c == 'x' || c == 'X' || Character.digit(c, 16) >= 0)) {
                return null;
            }
        }
        String[] parts = h.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long[] n = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            int radix = 10;
            if (p.startsWith("0x") || p.startsWith("0X")) {
                p = p.substring(2);
                radix = 16;
            } else if (p.length() > 1 && p.startsWith("0")) {
                p = p.substring(1);
                radix = 8;
            }
            if (p.isEmpty() && radix == 16) {
                n[i] = 0;
                continue;
            }
            if (p.isEmpty() || p.length() > 12) {
                return null;
            }
            try {
                n[i] = Long.parseLong(p, radix);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        long last = n[n.length - 1];
        if (last >= 1L << (8 * (5 - n.length))) {
            return null;
        }
        long address = last;
        for (int i = 0; i < n.length - 1; i++) {
            if (n[i] > 255) {
                return null;
            }
            address += n[i] << (8 * (3 - i));
        }
        return (address >> 24) + "." + ((address >> 16) & 255) + "." + ((address >> 8) & 255) + "." + (address & 255);
    }

    private static boolean unreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /** Characters that may stay raw in a path (pchar and '/'), or in a query (also '?'). */
    private static boolean allowedRaw(int c, boolean query) {
        if (unreserved(c)) {
            return true;
        }
        return switch (c) {
            case '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', ':', '@', '/' -> true;
            case '?' -> query;
            default -> false;
        };
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** Normalises the percent-encoding of a path or query (see the class comment). */
    static String encode(String s, boolean query) {
        StringBuilder out = null;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < n && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                int b = hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2));
                out = copy(out, s, i);
                if (unreserved(b)) {
                    out.append((char) b);
                } else {
                    out.append('%').append(HEX[b >> 4]).append(HEX[b & 15]);
                }
                i += 2;
            } else if (c < 128 && c != '%' && allowedRaw(c, query)) {
                if (out != null) {
                    out.append(c);
                }
            } else {
                out = copy(out, s, i);
                int cp = Character.codePointAt(s, i);
                if (Character.charCount(cp) == 2) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    cp = 0xFFFD;
                }
                for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(HEX[(b >> 4) & 15]).append(HEX[b & 15]);
                }
            }
        }
        return out == null ? s : out.toString();
    }

    private static StringBuilder copy(StringBuilder out, String s, int upTo) {
        if (out != null) {
            return out;
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        b.append(s, 0, upTo);
        return b;
    }

    private static byte[] decodeAll(String s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toByteArray();
    }

    /** RFC 3986 section 5.2.4, on segments. */
    static String removeDotSegments(String path) {
        if (path.indexOf('.') < 0) {
            return path;
        }
        boolean absolute = path.startsWith("/");
        String[] segs = path.split("/", -1);
        List<String> out = new ArrayList<>(segs.length);
        for (int i = absolute ? 1 : 0; i < segs.length; i++) {
            String seg = segs[i];
            boolean last = i == segs.length - 1;
            if (seg.equals(".")) {
                if (last) {
                    out.add("");
                }
            } else if (seg.equals("..")) {
                if (!out.isEmpty()) {
                    out.removeLast();
                }
                if (last) {
                    out.add("");
                }
            } else {
                out.add(seg);
            }
        }
        String joined = String.join("/", out);
        return absolute ? "/" + joined : joined;
    }

    private static String sorted(String query) {
        String[] params = query.split("&", -1);
        List<String> list = new ArrayList<>(List.of(params));
        list.sort(Comparator.comparing(p -> {
            int eq = p.indexOf('=');
            return eq < 0 ? p : p.substring(0, eq);
        }));
        return String.join("&", list);
    }
}
