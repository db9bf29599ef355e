package dev.weft.crawler;

import dev.weft.internal.Durations;
import java.time.Duration;
import java.util.Objects;

/**
 * Politeness limits for one host, overriding the crawl's {@code perHost} and {@code delay} —
 * for a site of your own (a local demo, a staging server) that may be crawled harder than the
 * polite defaults allow. robots.txt's {@code Crawl-delay} still applies unless robots.txt is
 * ignored, and the adaptive throttle still slows down a host that struggles. Immutable.
 *
 * @param host     a host name ({@code 127.0.0.1}, {@code shop.example.com}: every port) or an
 *                 origin ({@code http://127.0.0.1:8080}: that one only)
 * @param perHost  requests in flight to it at most
 * @param delay    least gap between two request starts to it
 */
public record HostLimits(String host, int perHost, Duration delay) {

    /**
     * Limits for a host.
     *
     * @throws IllegalArgumentException if {@code perHost < 1} or the delay is negative
     */
    public HostLimits {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(delay, "delay");
        if (perHost < 1) {
            throw new IllegalArgumentException("perHost must be at least 1: " + perHost);
        }
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + Durations.format(delay));
        }
    }

    /**
     * Whether these limits are for an origin.
     *
     * @param origin {@code scheme://host[:port]}
     * @return true if {@link #host()} names it or its host name
     */
    boolean matches(String origin) {
        if (host.contains("://")) {
            return origin.equalsIgnoreCase(host.replaceAll("/+$", ""));
        }
        String rest = origin.substring(origin.indexOf("://") + 3);
        String name = rest.startsWith("[") ? rest.substring(0, rest.indexOf(']') + 1)
                : rest.contains(":") ? rest.substring(0, rest.lastIndexOf(':')) : rest;
        return name.equalsIgnoreCase(host) || rest.equalsIgnoreCase(host);
    }
}
