package dev.weft.crawler.frontier;

import crawlercommons.domains.EffectiveTldFinder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which discovered URLs the crawl admits: the scope (the seeds' hosts, their registered domains,
 * or anything), the allow and deny patterns, and the defences against crawler traps — maximum
 * depth, maximum URL length, and paths that repeat one segment three times or more
 * ({@code /a/b/a/b/a/b}, a classic of relative links on pages that answer any path).
 * Immutable and thread-safe.
 */
public final class UrlRules {

    /** What {@link #check} decided about a URL. */
    public enum Verdict {
        /** Admitted. */
        ACCEPT,
        /** Outside the scope (another host or domain). */
        OUT_OF_SCOPE,
        /** Matches a deny pattern. */
        DENIED,
        /** Matches none of the allow patterns. */
        NOT_ALLOWED,
        /** Deeper than the maximum depth. */
        TOO_DEEP,
        /** Longer than the maximum URL length. */
        TOO_LONG,
        /** A path segment repeats three times or more. */
        REPEATING_PATH
    }

    /** How far from the seeds a URL may be. */
    public enum ScopeKind {
        /** The seeds' host names (any port or scheme). */
        HOST,
        /** The seeds' registered domains ({@code shop.example.co.uk} and {@code example.co.uk}). */
        DOMAIN,
        /** Anything. */
        ANY
    }

    private final ScopeKind scope;
    private final Set<String> hosts = new HashSet<>();
    private final Set<String> domains = new HashSet<>();
    private final List<Pattern> allow;
    private final List<Pattern> deny;
    private final int maxDepth;
    private final int maxUrlLength;

    /**
     * Rules for a crawl.
     *
     * @param scope        how far from the seeds
     * @param seeds        the canonical seed URLs
     * @param allow        a URL must match one of these (if any) — {@code find}, not whole-string
     * @param deny         a URL must match none of these
     * @param maxDepth     the deepest depth admitted (seeds are depth 0); negative: no limit
     * @param maxUrlLength the longest canonical URL admitted, in characters
     */
    public UrlRules(ScopeKind scope, List<String> seeds, List<Pattern> allow, List<Pattern> deny, int maxDepth,
            int maxUrlLength) {
        this.scope = scope;
        for (String s : seeds) {
            String h = UrlNormalizer.hostName(s);
            hosts.add(h);
            domains.add(registeredDomain(h));
        }
        this.allow = List.copyOf(allow);
        this.deny = List.copyOf(deny);
        this.maxDepth = maxDepth;
        this.maxUrlLength = maxUrlLength;
    }

    /**
     * Decides about a discovered link.
     *
     * @param canonicalUrl the link, canonical
     * @param depth        its depth (its page's depth plus one)
     * @return the verdict
     */
    public Verdict check(String canonicalUrl, int depth) {
        if (canonicalUrl.length() > maxUrlLength) {
            return Verdict.TOO_LONG;
        }
        if (maxDepth >= 0 && depth > maxDepth) {
            return Verdict.TOO_DEEP;
        }
        Verdict s = checkScope(canonicalUrl);
        if (s != Verdict.ACCEPT) {
            return s;
        }
        for (Pattern p : deny) {
            if (p.matcher(canonicalUrl).find()) {
                return Verdict.DENIED;
            }
        }
        if (!allow.isEmpty()) {
            boolean any = false;
            for (Pattern p : allow) {
                if (p.matcher(canonicalUrl).find()) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return Verdict.NOT_ALLOWED;
            }
        }
        if (repeatsSegment(UrlNormalizer.pathAndQuery(canonicalUrl))) {
            return Verdict.REPEATING_PATH;
        }
        return Verdict.ACCEPT;
    }

    /**
     * Only the scope and the length (for redirect targets, which allow/deny and depth do not
     * apply to: the page was admitted already).
     *
     * @param canonicalUrl a canonical URL
     * @return ACCEPT, OUT_OF_SCOPE or TOO_LONG
     */
    public Verdict checkScope(String canonicalUrl) {
        if (canonicalUrl.length() > maxUrlLength) {
            return Verdict.TOO_LONG;
        }
        return switch (scope) {
            case ANY -> Verdict.ACCEPT;
            case HOST -> hosts.contains(UrlNormalizer.hostName(canonicalUrl)) ? Verdict.ACCEPT : Verdict.OUT_OF_SCOPE;
            case DOMAIN -> domains.contains(registeredDomain(UrlNormalizer.hostName(canonicalUrl))) ? Verdict.ACCEPT
                    : Verdict.OUT_OF_SCOPE;
        };
    }

    /** True if one non-empty path segment occurs three times or more. */
    static boolean repeatsSegment(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String[] segs = path.split("/");
        if (segs.length < 4) {
            return false;
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String s : segs) {
            if (!s.isEmpty() && counts.merge(s, 1, Integer::sum) >= 3) {
                return true;
            }
        }
        return false;
    }

    /**
     * The registered domain of a host ({@code www.example.co.uk} gives {@code example.co.uk});
     * an IP address or an unknown suffix gives the host itself.
     *
     * @param host a host name
     * @return its registered domain
     */
    public static String registeredDomain(String host) {
        if (host.startsWith("[") || host.matches("[0-9.]+")) {
            return host;
        }
        String d = EffectiveTldFinder.getAssignedDomain(host, true, false);
        return d == null ? host : d;
    }
}
