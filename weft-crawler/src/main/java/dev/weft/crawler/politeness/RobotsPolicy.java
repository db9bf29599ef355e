package dev.weft.crawler.politeness;

import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRules;
import crawlercommons.robots.SimpleRobotRulesParser;
import java.util.List;
import java.util.Locale;

/**
 * What robots.txt means for a host, per RFC 9309, through crawler-commons' parser:
 *
 * <ul>
 *   <li>2xx: the rules of the group that matches our user agent's product token (or {@code *});
 *       {@code Crawl-delay} kept however large (the crawler decides what a long one means);</li>
 *   <li>4xx (other than 429), or more than five redirects: "unavailable", everything allowed
 *       (section 2.3.1.3);</li>
 *   <li>5xx, 429, a timeout or a connection failure: "unreachable", everything disallowed for
 *       now (section 2.3.1.4) — never "allow all", a mistake several crawlers made; the crawler
 *       asks again later.</li>
 * </ul>
 *
 * Thread-safe (the parser keeps no state between calls that matters here).
 */
public final class RobotsPolicy {

    /** What came back for /robots.txt. */
    public enum Availability {
        /** Rules were read (2xx). */
        RULES,
        /** No rules: everything allowed (4xx). */
        UNAVAILABLE,
        /** Could not be read: everything disallowed for now, try again later. */
        UNREACHABLE
    }

    /**
     * Rules and how they came.
     *
     * @param availability how robots.txt answered
     * @param rules        the rules to apply
     */
    public record Robots(Availability availability, BaseRobotRules rules) {

        /**
         * Whether a URL may be fetched.
         *
         * @param url a canonical URL
         * @return true if allowed
         */
        public boolean allows(String url) {
            return rules.isAllowed(url);
        }

        /** {@return the Crawl-delay in milliseconds, or a negative number if none} */
        public long crawlDelayMillis() {
            long d = rules.getCrawlDelay();
            return d == BaseRobotRules.UNSET_CRAWL_DELAY ? -1 : d;
        }

        /** {@return the sitemaps it lists} */
        public List<String> sitemaps() {
            return rules.getSitemaps();
        }
    }

    /**
     * The most of a robots.txt read and parsed: 500 KiB, the least RFC 9309 (section 2.5) lets a
     * crawler impose, and Google's limit. Rules past it are ignored; a bigger file is a burden
     * (each URL is checked against every rule) or an attack.
     */
    public static final int MAX_BYTES = 500 * 1024;

    private final String agent;

    /**
     * A policy for our user agent.
     *
     * @param userAgent the full User-Agent header; its product token (before the first
     *                  {@code /} or space) is matched against robots.txt groups
     */
    public RobotsPolicy(String userAgent) {
        String token = userAgent.trim().split("[/\\s]", 2)[0].toLowerCase(Locale.ROOT);
        this.agent = token.isEmpty() ? "*" : token;
    }

    /** {@return the product token matched against {@code User-agent} lines} */
    public String agent() {
        return agent;
    }

    /**
     * The rules from a 2xx response.
     *
     * @param robotsUrl   the robots.txt URL
     * @param body        the body
     * @param contentType its Content-Type, or null
     * @return the rules
     */
    public Robots parsed(String robotsUrl, byte[] body, String contentType) {
        SimpleRobotRulesParser parser = new SimpleRobotRulesParser(Long.MAX_VALUE, 20);
        BaseRobotRules rules = parser.parseContent(robotsUrl, body, contentType == null ? "text/plain" : contentType,
                List.of(agent));
        return new Robots(Availability.RULES, rules);
    }

    /**
     * How much of a cut robots.txt to parse: up to its last line end, so that a rule cut in the
     * middle ({@code Disallow: /private} read as {@code Disallow: /p}) is not taken for another.
     *
     * @param body   the bytes read
     * @param length how many of them are valid
     * @return the length of its whole lines
     */
    public static int wholeLines(byte[] body, int length) {
        for (int i = length - 1; i >= 0; i--) {
            if (body[i] == '\n' || body[i] == '\r') {
                return i + 1;
            }
        }
        return 0;
    }

    /** {@return everything allowed: robots.txt is unavailable (4xx)} */
    public Robots unavailable() {
        return new Robots(Availability.UNAVAILABLE, new SimpleRobotRules(SimpleRobotRules.RobotRulesMode.ALLOW_ALL));
    }

    /** {@return everything disallowed for now: robots.txt is unreachable (5xx, network)} */
    public Robots unreachable() {
        SimpleRobotRules r = new SimpleRobotRules(SimpleRobotRules.RobotRulesMode.ALLOW_NONE);
        r.setDeferVisits(true);
        return new Robots(Availability.UNREACHABLE, r);
    }

    /**
     * What a status code of /robots.txt means (after redirects).
     *
     * @param status the final status
     * @return RULES for 2xx, UNAVAILABLE for 3xx (too many redirects) and 4xx except 429,
     *         UNREACHABLE otherwise
     */
    public static Availability classify(int status) {
        if (status >= 200 && status < 300) {
            return Availability.RULES;
        }
        if (status >= 300 && status < 500 && status != 429) {
            return Availability.UNAVAILABLE;
        }
        return Availability.UNREACHABLE;
    }
}
