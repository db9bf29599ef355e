package dev.weft.crawler.fetch;

/**
 * Why a page has an error (the {@code error} column starts with this kind's label). Each kind
 * says whether it is worth trying again.
 */
public enum ErrorKind {
    /** A time limit expired (connect, read or the whole request). Retried. */
    TIMEOUT("timeout", true),
    /** The connection could not be made, or broke. Retried. */
    CONNECTION("connection", true),
    /**
     * The server's TLS certificate was refused (an unknown CA, expired, another host name). Not
     * retried: it will not change by asking again ({@code --ca-file} or {@code --insecure} will).
     */
    TLS("tls", false),
    /**
     * The host is on the machine's own network (loopback, private, link-local, ...: see
     * {@link AddressGuard}) and the crawl may not connect there; nothing was sent. Not retried.
     */
    BLOCKED("blocked", false),
    /** The server answered 5xx (after the retries). Retried. */
    SERVER_ERROR("server-error", true),
    /** The server answered 429 Too Many Requests (after the retries). Retried. */
    TOO_MANY_REQUESTS("too-many-requests", true),
    /** The response broke HTTP (or its compression). Not retried. */
    PROTOCOL("protocol", false),
    /** A redirect chain came back to a URL already in it. */
    REDIRECT_LOOP("redirect-loop", false),
    /** A redirect chain was longer than allowed, or its Location was unusable. */
    REDIRECT("redirect", false),
    /** robots.txt disallows the URL, or could not be fetched and the retries ran out. */
    ROBOTS("robots", false),
    /**
     * The body grew past {@link Fetcher#SMALL_BODY} while the memory set aside for large bodies
     * was taken: the fetch gave up, and the page is fetched again once that memory is free (it is
     * never stored with this kind).
     */
    LARGE_BODY_WAIT("large-body-wait", false),
    /** The page callback threw. */
    CALLBACK("callback", false),
    /** Anything else. */
    OTHER("other", false);

    private final String label;
    private final boolean retryable;

    ErrorKind(String label, boolean retryable) {
        this.label = label;
        this.retryable = retryable;
    }

    /** {@return the label used in the {@code error} column and in the stats} */
    public String label() {
        return label;
    }

    /** {@return whether a retry may help} */
    public boolean retryable() {
        return retryable;
    }
}
