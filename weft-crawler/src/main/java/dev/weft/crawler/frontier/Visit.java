package dev.weft.crawler.frontier;

import java.util.ArrayList;
import java.util.List;

/**
 * One page being crawled: its frontier entry, the URL to request next (the entry's, or a
 * redirect's target), the redirect chain so far, and how many times the current request was
 * tried. A visit ends in exactly one stored page (under the entry's URL), whatever happens on
 * the way. Not thread-safe: owned by the crawl's loop.
 */
public final class Visit {

    private final FrontierEntry entry;
    private String target;
    private List<String> chain;
    private int attempt;
    private long notBefore;
    private long elapsedNanos;
    private boolean large;

    /**
     * A first visit of an entry.
     *
     * @param entry the frontier entry
     */
    public Visit(FrontierEntry entry) {
        this.entry = entry;
        this.target = entry.url();
    }

    /** {@return the frontier entry this visit stores a page for} */
    public FrontierEntry entry() {
        return entry;
    }

    /** {@return the URL to request next} */
    public String target() {
        return target;
    }

    /** {@return how many requests of the current target failed and were retried} */
    public int attempt() {
        return attempt;
    }

    /** {@return the loop time before which it must not be sent again} */
    public long notBefore() {
        return notBefore;
    }

    /** {@return the redirects followed so far, in order (the URLs that answered 3xx)} */
    public List<String> chain() {
        return chain == null ? List.of() : chain;
    }

    /** {@return the response times of every request so far, summed} */
    public long elapsedNanos() {
        return elapsedNanos;
    }

    /**
     * Adds a request's response time.
     *
     * @param nanos how long it took
     */
    public void addElapsed(long nanos) {
        elapsedNanos += nanos;
    }

    /**
     * Whether a URL is the entry's or one of the redirects so far.
     *
     * @param url a canonical URL
     * @return true if the chain already went through it
     */
    public boolean visited(String url) {
        return url.equals(entry.url()) || (chain != null && chain.contains(url)) || url.equals(target);
    }

    /**
     * Follows a redirect: the current target joins the chain, {@code next} becomes the target.
     *
     * @param next the redirect's canonical target
     */
    public void redirectTo(String next) {
        if (chain == null) {
            chain = new ArrayList<>(4);
        }
        chain.add(target);
        target = next;
        attempt = 0;
        notBefore = 0;
    }

    /**
     * Plans another try of the current target.
     *
     * @param notBefore the loop time before which it must not be sent
     */
    public void retryAt(long notBefore) {
        attempt++;
        this.notBefore = notBefore;
    }

    /**
     * Delays the next request without counting a failed try (a host blocked by Retry-After).
     *
     * @param notBefore the loop time before which it must not be sent
     */
    public void holdUntil(long notBefore) {
        this.notBefore = Math.max(this.notBefore, notBefore);
    }

    /** Its body outgrew the small size once: it is fetched again holding memory for a large body. */
    public void needsLargeBody() {
        large = true;
    }

    /** {@return true if its body is known to be large (see {@link #needsLargeBody})} */
    public boolean large() {
        return large;
    }

    @Override
    public String toString() {
        return target.equals(entry.url()) ? target : entry.url() + " -> " + target;
    }
}
