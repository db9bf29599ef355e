package dev.weft.http.client;

import dev.weft.internal.Loggers;
import java.net.IDN;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;

/**
 * Stores cookies from {@code Set-Cookie} and sends them back (aiohttp's {@code CookieJar}),
 * following RFC 6265: domain matching with host-only cookies, default and explicit paths,
 * {@code Expires} and {@code Max-Age} (Max-Age wins), {@code Secure} only over https, a newer
 * cookie replacing one with the same name, domain and path, and an expired one deleting it.
 *
 * <p><b>Domains.</b> A {@code Domain} attribute must domain-match the request host and must
 * not be a public suffix (section 5.3 step 5), so {@code www.example.co.uk} cannot set a cookie
 * for every site under {@code co.uk}, nor {@code me.github.io} one for every GitHub Pages
 * site. The suffixes come from the Public Suffix List, ICANN and private sections both, as
 * browsers use it (a copy bundled with weft-http, see {@code PublicSuffixList}). A host that
 * is itself a public suffix may still set {@code Domain=} its own name:
 * the cookie becomes host-only, as the RFC says. A single-label {@code Domain} ({@code com},
 * {@code localhost}) is refused from any other host. Cookies for IP-address hosts are
 * host-only.
 *
 * <pre>{@code
 * CookieJar jar = new CookieJar();
 * ClientSession s = ClientSession.builder().cookieJar(jar).build();
 * s.get(loginUrl).close();            // Set-Cookie: sid=...
 * jar.cookies();                      // [Cookie[name=sid, ...]]
 * }</pre>
 *
 * <p><b>Limits</b> (browser-like; RFC 6265bis section 5.6 and RFC 6265 section 6.1): a cookie
 * whose name and value pass {@value #MAX_NAME_VALUE_BYTES} octets is ignored, an attribute value
 * over {@value #MAX_ATTRIBUTE_BYTES} octets is ignored, at most {@value #DEFAULT_MAX_PER_DOMAIN}
 * cookies are kept per site (registrable domain) and {@value #DEFAULT_MAX_TOTAL} in all
 * ({@link #CookieJar(InstantSource, int, int)} changes both); past a limit the oldest go first.
 * So a server cannot make every later request carry a megabyte of {@code Cookie}.
 *
 * <p>Thread-safe (every method locks the jar).
 */
public final class CookieJar {

    private static final Logger LOG = Loggers.get(CookieJar.class);

    /** A cookie whose name and value together pass this many octets is ignored (RFC 6265bis section 5.6). */
    public static final int MAX_NAME_VALUE_BYTES = 4096;
    /** An attribute value longer than this many octets is ignored (RFC 6265bis section 5.6). */
    public static final int MAX_ATTRIBUTE_BYTES = 1024;
    /** The default of the cookies kept per site (registrable domain): 50, RFC 6265's minimum. */
    public static final int DEFAULT_MAX_PER_DOMAIN = 50;
    /** The default of the cookies kept in all: 3,000, RFC 6265's minimum. */
    public static final int DEFAULT_MAX_TOTAL = 3000;

    private final InstantSource clock;
    private final boolean store;
    private final int maxPerDomain;
    private final int maxTotal;
    /** Oldest first: eviction takes from the front. */
    private final List<Cookie> cookies = new ArrayList<>();

    /** A jar on the system clock, with the default limits. */
    public CookieJar() {
        this(InstantSource.system());
    }

    /**
     * A jar on {@code clock} (expiry is checked against it), with the default limits.
     *
     * @param clock the clock
     */
    public CookieJar(InstantSource clock) {
        this(clock, DEFAULT_MAX_PER_DOMAIN, DEFAULT_MAX_TOTAL);
    }

    /**
     * A jar on {@code clock} keeping at most {@code maxPerDomain} cookies per site (registrable
     * domain, such as {@code example.co.uk}) and {@code maxTotal} in all; past a limit the oldest
     * cookies are evicted first.
     *
     * @param clock        the clock expiry is checked against
     * @param maxPerDomain cookies per site, at least 1
     * @param maxTotal     cookies in all, at least {@code maxPerDomain}
     */
    public CookieJar(InstantSource clock, int maxPerDomain, int maxTotal) {
        this(clock, true, maxPerDomain, maxTotal);
    }

    private CookieJar(InstantSource clock, boolean store, int maxPerDomain, int maxTotal) {
        if (maxPerDomain < 1 || maxTotal < maxPerDomain) {
            throw new IllegalArgumentException("need 1 <= maxPerDomain <= maxTotal, got " + maxPerDomain + " and "
                    + maxTotal);
        }
        this.clock = clock;
        this.store = store;
        this.maxPerDomain = maxPerDomain;
        this.maxTotal = maxTotal;
    }

    /** {@return a jar that keeps nothing (aiohttp's {@code DummyCookieJar})} */
    public static CookieJar dummy() {
        return new CookieJar(InstantSource.system(), false, DEFAULT_MAX_PER_DOMAIN, DEFAULT_MAX_TOTAL);
    }

    /**
     * Stores the cookies of the {@code Set-Cookie} values received from {@code url}.
     *
     * @param url the URL
     * @param setCookies the set cookies
     */
    public synchronized void update(URI url, List<String> setCookies) {
        if (!store) {
            return;
        }
        for (String header : setCookies) {
            Cookie c = parse(url, header);
            if (c == null) {
                continue;
            }
            int at = -1;
            for (int i = 0; i < cookies.size(); i++) {
                Cookie o = cookies.get(i);
                if (o.name().equals(c.name()) && o.domain().equals(c.domain()) && o.path().equals(c.path())) {
                    at = i;
                    break;
                }
            }
            if (c.expiredAt(clock.instant())) {
                if (at >= 0) {
                    cookies.remove(at); // a deletion
                }
                continue;
            }
            if (at >= 0) {
                Cookie old = cookies.get(at);
                cookies.set(at, new Cookie(c.name(), c.value(), c.domain(), c.hostOnly(), c.path(), c.expires(),
                        c.secure(), c.httpOnly(), old.created()));
            } else {
                cookies.add(c);
                evictBeyondLimits(c);
            }
        }
    }

    /**
     * After {@code added} was stored: drops expired cookies, then the oldest of its site while the
     * site has more than its share, then the oldest of all while there are too many (RFC 6265
     * section 5.3 step 12, oldest standing in for least recently used).
     */
    private void evictBeyondLimits(Cookie added) {
        String site = site(added.domain());
        if (countSite(site) <= maxPerDomain && cookies.size() <= maxTotal) {
            return;
        }
        Instant now = clock.instant();
        cookies.removeIf(o -> o.expiredAt(now));
        int excess = countSite(site) - maxPerDomain;
        for (var it = cookies.iterator(); it.hasNext() && excess > 0;) {
            if (inSite(it.next().domain(), site)) {
                it.remove();
                excess--;
            }
        }
        while (cookies.size() > maxTotal) {
            cookies.removeFirst();
        }
    }

    private int countSite(String site) {
        int n = 0;
        for (Cookie o : cookies) {
            if (inSite(o.domain(), site)) {
                n++;
            }
        }
        return n;
    }

    /** True if cookie domain {@code domain} lies in {@code site} (is it, or a subdomain of it). */
    private static boolean inSite(String domain, String site) {
        return domain.equals(site) || (domain.endsWith(site) && domain.charAt(domain.length() - site.length() - 1) == '.');
    }

    /** The registrable domain a cookie domain belongs to ({@code a.b.example.co.uk} → {@code example.co.uk}). */
    private static String site(String domain) {
        if (isIp(domain)) {
            return domain;
        }
        // the shortest suffix that is not itself a public suffix: one label under the public suffix
        // (a single label counts as public, the list's implicit "*" rule)
        for (int dot = domain.lastIndexOf('.'); dot > 0; dot = domain.lastIndexOf('.', dot - 1)) {
            String suffix = domain.substring(dot + 1);
            if (suffix.indexOf('.') > 0 && !isPublicSuffix(suffix)) {
                return suffix;
            }
        }
        return domain;
    }

    /**
     * The value of a {@code Cookie} header for a request to {@code url}, or null if none applies.
     *
     * @param url the URL
     * @return the value of a {@code Cookie} header for a request to {@code url}, or null if none applies
     */
    public synchronized String header(URI url) {
        if (cookies.isEmpty()) {
            return null; // the common case, and on every request: no clock, no host parsing
        }
        List<Cookie> match = cookiesFor(url);
        if (match.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (Cookie c : match) {
            if (!sb.isEmpty()) {
                sb.append("; ");
            }
            sb.append(c.name()).append('=').append(c.value());
        }
        return sb.toString();
    }

    /**
     * The cookies that would be sent to {@code url}, longest path first, then oldest first.
     *
     * @param url the URL
     * @return the cookies that would be sent to {@code url}, longest path first, then oldest first
     */
    public synchronized List<Cookie> cookiesFor(URI url) {
        Instant now = clock.instant();
        cookies.removeIf(c -> c.expiredAt(now));
        String host = host(url);
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        boolean secure = "https".equalsIgnoreCase(url.getScheme());
        List<Cookie> out = new ArrayList<>();
        for (Cookie c : cookies) {
            boolean domainOk = c.hostOnly() ? host.equals(c.domain()) : domainMatch(host, c.domain());
            if (domainOk && pathMatch(path, c.path()) && (!c.secure() || secure)) {
                out.add(c);
            }
        }
        out.sort(Comparator.comparingInt((Cookie c) -> -c.path().length()).thenComparing(Cookie::created));
        return out;
    }

    /** {@return every cookie not yet expired} */
    public synchronized List<Cookie> cookies() {
        Instant now = clock.instant();
        cookies.removeIf(c -> c.expiredAt(now));
        return List.copyOf(cookies);
    }

    /** Forgets every cookie. */
    public synchronized void clear() {
        cookies.clear();
    }

    // ------------------------------------------------------------------ parsing (RFC 6265 section 5.2)

    private Cookie parse(URI url, String header) {
        String[] parts = header.split(";");
        String pair = parts[0];
        int eq = pair.indexOf('=');
        if (eq <= 0) {
            return null; // no name: ignored (section 5.2 step 5)
        }
        String name = pair.substring(0, eq).trim();
        String value = pair.substring(eq + 1).trim();
        if (name.isEmpty()) {
            return null;
        }
        if (octets(name) + octets(value) > MAX_NAME_VALUE_BYTES) {
            LOG.debug("ignored cookie {} from {}: name and value pass {} octets", name, url.getHost(),
                    MAX_NAME_VALUE_BYTES);
            return null;
        }
        Instant now = clock.instant();
        Instant expires = null;
        boolean maxAgeSeen = false;
        String domainAttr = null;
        String path = null;
        boolean secure = false;
        boolean httpOnly = false;
        for (int i = 1; i < parts.length; i++) {
            String av = parts[i].trim();
            int e = av.indexOf('=');
            String key = (e < 0 ? av : av.substring(0, e)).trim().toLowerCase(Locale.ROOT);
            String val = e < 0 ? "" : av.substring(e + 1).trim();
            if (octets(val) > MAX_ATTRIBUTE_BYTES) {
                continue; // RFC 6265bis: an over-long attribute value is ignored, the cookie kept
            }
            switch (key) {
                case "expires" -> {
                    if (!maxAgeSeen) {
                        Instant t = parseDate(val);
                        if (t != null) {
                            expires = t;
                        }
                    }
                }
                case "max-age" -> {
                    try {
                        long s = Long.parseLong(val);
                        maxAgeSeen = true;
                        expires = s <= 0 ? Instant.EPOCH : now.plus(Duration.ofSeconds(Math.min(s, 400L * 86400)));
                    } catch (NumberFormatException ignored) {
                        // an invalid Max-Age is ignored
                    }
                }
                case "domain" -> {
                    String d = val.startsWith(".") ? val.substring(1) : val;
                    if (!d.isEmpty()) {
                        domainAttr = d.toLowerCase(Locale.ROOT);
                    }
                }
                case "path" -> path = val.startsWith("/") ? val : null;
                case "secure" -> secure = true;
                case "httponly" -> httpOnly = true;
                default -> {
                    // SameSite and unknown attributes are ignored
                }
            }
        }
        String host = host(url);
        boolean hostOnly;
        String domain;
        if (domainAttr == null) {
            hostOnly = true;
            domain = host;
        } else {
            domainAttr = ascii(domainAttr);
            if (!domainMatch(host, domainAttr) || domainAttr.indexOf('.') < 0 || isIp(host)) {
                if (!domainAttr.equals(host)) {
                    LOG.debug("refused cookie {} for domain {} from {}", name, domainAttr, host);
                    return null;
                }
            }
            if (!isIp(host) && isPublicSuffix(domainAttr)) {
                if (!domainAttr.equals(host)) {
                    LOG.debug("refused cookie {} for the public suffix {} from {}", name, domainAttr, host);
                    return null;
                }
                domainAttr = null; // section 5.3 step 5: the suffix itself gets a host-only cookie
            }
            hostOnly = domainAttr == null || isIp(host);
            domain = domainAttr == null ? host : domainAttr;
        }
        if (secure && !"https".equalsIgnoreCase(url.getScheme()) && !isLoopback(host)) {
            return null; // section 5.4 of RFC 6265bis: only secure origins set Secure cookies
        }
        if (path == null) {
            path = defaultPath(url);
        }
        return new Cookie(name, value, domain, hostOnly, path, expires, secure, httpOnly, now);
    }

    /** The size of {@code s} as the octets it came in (header values are Latin-1, one octet a character). */
    private static int octets(String s) {
        return s.length();
    }

    private static Instant parseDate(String s) {
        String[] patterns = {"EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE, dd-MMM-yyyy HH:mm:ss zzz",
            "EEE MMM d HH:mm:ss yyyy"};
        for (String p : patterns) {
            try {
                return ZonedDateTime.parse(s, DateTimeFormatter.ofPattern(p, Locale.ROOT)
                        .withZone(java.time.ZoneOffset.UTC)).toInstant();
            } catch (RuntimeException ignored) {
                // next pattern
            }
        }
        return null;
    }

    static String host(URI url) {
        String h = url.getHost() == null ? "" : url.getHost();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return ascii(h);
    }

    /** {@code domain} in ASCII (punycode) and lower case, as request hosts are compared. */
    private static String ascii(String domain) {
        try {
            return IDN.toASCII(domain).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return domain.toLowerCase(Locale.ROOT);
        }
    }

    /**
     * True if {@code domain} is on the Public Suffix List ({@code com}, {@code co.uk},
     * {@code github.io}, or matched by a wildcard rule such as {@code *.ck}).
     */
    static boolean isPublicSuffix(String domain) {
        return PublicSuffixList.isPublicSuffix(domain);
    }

    static boolean domainMatch(String host, String domain) {
        if (host.equals(domain)) {
            return true;
        }
        return host.endsWith(domain) && host.charAt(host.length() - domain.length() - 1) == '.' && !isIp(host);
    }

    static boolean pathMatch(String requestPath, String cookiePath) {
        if (requestPath.equals(cookiePath)) {
            return true;
        }
        if (requestPath.startsWith(cookiePath)) {
            return cookiePath.endsWith("/") || requestPath.charAt(cookiePath.length()) == '/';
        }
        return false;
    }

    private static String defaultPath(URI url) {
        String p = url.getRawPath();
        if (p == null || !p.startsWith("/")) {
            return "/";
        }
        int last = p.lastIndexOf('/');
        return last == 0 ? "/" : p.substring(0, last);
    }

    private static boolean isIp(String host) {
        return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    @Override
    public synchronized String toString() {
        return "CookieJar" + cookies;
    }
}
