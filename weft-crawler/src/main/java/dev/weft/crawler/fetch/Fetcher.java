package dev.weft.crawler.fetch;

import dev.weft.CancelledException;
import dev.weft.EventLoop;
import dev.weft.http.client.ClientRequest;
import dev.weft.http.client.ClientResponse;
import dev.weft.http.client.ClientSession;
import dev.weft.http.client.ClientTimeout;
import dev.weft.http.client.DecompressionBombException;
import dev.weft.http.HttpProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Makes one HTTP GET through Weft's {@link ClientSession}, without following redirects (the
 * crawler follows them itself, each hop under its host's politeness), and reads the body up to
 * a cap: a longer body is cut there and reported as truncated, never dropped. HTML and other
 * text bodies are kept for parsing; other bodies are counted and discarded as they arrive.
 * Every failure comes back as a {@link FetchResult} with its {@link ErrorKind}, never as an
 * exception (except cancellation).
 *
 * <p>Call from a task of the session's loop. Thread-safe as the session is.
 */
public final class Fetcher {

    private static final String ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    /** A kept body may grow to this size without asking its {@link BodyGate}. */
    public static final int SMALL_BODY = 1 << 20;

    /**
     * Lets a kept body grow past {@link #SMALL_BODY}: the memory for large bodies is shared by
     * the fetches in flight, so that a few of them at a time may reach the body-size cap (64
     * bodies of 60 MB in flight filled a 2 GiB heap: {@code OutOfMemoryError}).
     */
    @FunctionalInterface
    public interface BodyGate {
        /** Every body may grow to the cap. */
        BodyGate ANY = () -> true;

        /**
         * Asked once per fetch, when its body is about to grow past {@link #SMALL_BODY}.
         *
         * @return true if it may grow to the cap; false to give up the fetch (its result has
         *         {@link ErrorKind#LARGE_BODY_WAIT})
         */
        boolean enlarge();
    }

    private final ClientSession session;
    private final String userAgent;
    private final long maxBodySize;
    private final ClientTimeout timeout;

    /**
     * A fetcher.
     *
     * @param session     the session to send through
     * @param userAgent   the User-Agent header
     * @param maxBodySize the most body bytes read per response
     * @param timeout     the limit of one whole exchange, body included
     */
    public Fetcher(ClientSession session, String userAgent, long maxBodySize, Duration timeout) {
        this.session = session;
        this.userAgent = userAgent;
        this.maxBodySize = maxBodySize;
        Duration connect = timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10);
        this.timeout = ClientTimeout.none().total(timeout).sockConnect(connect);
    }

    /**
     * Fetches a URL once.
     *
     * @param url           an absolute http(s) URL
     * @param keepAnyBody   keep the body whatever its type (robots.txt, sitemaps)
     * @param maxRedirects  0 for pages; robots.txt follows up to 5 (RFC 9309)
     * @return the response or the failure
     * @throws CancelledException if the calling task is cancelled
     */
    public FetchResult fetch(String url, boolean keepAnyBody, int maxRedirects) {
        return fetch(url, keepAnyBody, maxRedirects, BodyGate.ANY);
    }

    /**
     * Fetches a URL once, its body past {@link #SMALL_BODY} only if the gate lets it.
     *
     * @param url           an absolute http(s) URL
     * @param keepAnyBody   keep the body whatever its type (robots.txt, sitemaps)
     * @param maxRedirects  0 for pages; robots.txt follows up to 5 (RFC 9309)
     * @param gate          asked before a kept body grows past {@link #SMALL_BODY}
     * @return the response or the failure ({@link ErrorKind#LARGE_BODY_WAIT} if the gate said no)
     * @throws CancelledException if the calling task is cancelled
     */
    public FetchResult fetch(String url, boolean keepAnyBody, int maxRedirects, BodyGate gate) {
        EventLoop loop = EventLoop.running();
        long start = loop.nanoTime();
        ClientRequest req;
        try {
            req = ClientRequest.builder("GET", url)
                    .header("User-Agent", userAgent)
                    .header("Accept", ACCEPT)
                    .timeout(timeout)
                    .allowRedirects(maxRedirects > 0)
                    .maxRedirects(Math.max(maxRedirects, 0))
                    .build();
        } catch (RuntimeException e) {
            return failure(url, 0, ErrorKind.OTHER, "invalid URL: " + e.getMessage());
        }
        try (ClientResponse r = session.request(req)) {
            String ct = r.contentType();
            boolean keep = keepAnyBody || textual(ct);
            boolean enlarged = false;
            if (keep && maxBodySize > SMALL_BODY && declaredLength(r) > SMALL_BODY) {
                // Its length says it is large: ask now, before a megabyte is read for nothing.
                if (!gate.enlarge()) {
                    return failure(url, loop.nanoTime() - start, ErrorKind.LARGE_BODY_WAIT,
                            "the memory for large bodies is taken");
                }
                enlarged = true;
            }
            byte[] buf = new byte[(int) Math.min(maxBodySize, firstBufferSize(r, keep))];
            int length = 0;
            long total = 0;
            boolean truncated = false;
            InputStream in = r.bodyStream();
            while (true) {
                if (total >= maxBodySize) {
                    truncated = in.read() >= 0;
                    break;
                }
                if (keep && length == buf.length) {
                    int size = (int) Math.min(maxBodySize, (long) buf.length * 2);
                    if (size > SMALL_BODY && !enlarged) { // the gate is asked once per fetch
                        if (!gate.enlarge()) {
                            return failure(url, loop.nanoTime() - start, ErrorKind.LARGE_BODY_WAIT,
                                    "the memory for large bodies is taken");
                        }
                        enlarged = true;
                    }
                    buf = Arrays.copyOf(buf, size);
                }
                int want = keep ? buf.length - length : (int) Math.min(buf.length, maxBodySize - total);
                int n = in.read(buf, keep ? length : 0, want);
                if (n < 0) {
                    break;
                }
                total += n;
                if (keep) {
                    length += n;
                }
            }
            long elapsed = loop.nanoTime() - start;
            return new FetchResult(url, r.status(), r.headers(), ct, keep ? buf : null, length, total, truncated,
                    elapsed, null, null);
        } catch (CancelledException e) {
            throw e;
        } catch (SocketTimeoutException e) {
            return failure(url, loop.nanoTime() - start, ErrorKind.TIMEOUT, message(e));
        } catch (HttpProtocolException | DecompressionBombException e) {
            return failure(url, loop.nanoTime() - start, ErrorKind.PROTOCOL, message(e));
        } catch (dev.weft.http.client.TooManyRedirectsException | dev.weft.http.client.UnusableRedirectException
                | dev.weft.http.client.InsecureRedirectException e) {
            return failure(url, loop.nanoTime() - start, ErrorKind.REDIRECT, message(e));
        } catch (IOException e) {
            BlockedAddressException blocked = blocked(e);
            if (blocked != null) {
                return failure(url, loop.nanoTime() - start, ErrorKind.BLOCKED, blocked.getMessage());
            }
            if (isCertificateRefusal(e)) {
                return failure(url, loop.nanoTime() - start, ErrorKind.TLS, message(e));
            }
            return failure(url, loop.nanoTime() - start, ErrorKind.CONNECTION, message(e));
        } catch (RuntimeException e) {
            return failure(url, loop.nanoTime() - start, ErrorKind.OTHER, message(e));
        }
    }

    /**
     * The body buffer to start with: a kept body with a Content-Length and no Content-Encoding
     * gets exactly its length plus one byte (so that the end is seen without growing it), at
     * most 1 MiB (a header must not buy a large allocation); other bodies 16 KiB, grown as needed.
     */
    static long firstBufferSize(ClientResponse r, boolean keep) {
        long length = keep ? declaredLength(r) : -1;
        return length < 0 ? 16 * 1024 : Math.min(length + 1, 1 << 20);
    }

    /**
     * The body's length as its {@code Content-Length} says, or -1 if unknown or encoded (the
     * length of a compressed body says nothing of the body read).
     */
    private static long declaredLength(ClientResponse r) {
        String cl = r.header("Content-Length");
        if (cl == null || r.header("Content-Encoding") != null) {
            return -1;
        }
        try {
            return Math.max(-1, Long.parseLong(cl.trim()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static FetchResult failure(String url, long elapsed, ErrorKind kind, String message) {
        return new FetchResult(url, 0, null, null, null, 0, 0, false, elapsed, kind, message);
    }

    /**
     * Whether a certificate refusal is behind a failure (the JDK's {@code CertificateException},
     * or a peer that could not be verified); a failure of another kind (a reset during the
     * handshake) stays a connection error: it may pass.
     */
    static boolean isCertificateRefusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateException
                    || t instanceof javax.net.ssl.SSLPeerUnverifiedException) {
                return true;
            }
        }
        return false;
    }

    /** The {@link AddressGuard}'s refusal behind a failure (as it is, or as a cause), or null. */
    private static BlockedAddressException blocked(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BlockedAddressException b) {
                return b;
            }
        }
        return null;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** Bodies worth keeping: HTML, XML, JSON, plain text, or unknown (sniffed later). */
    static boolean textual(String contentType) {
        if (contentType == null) {
            return true;
        }
        String ct = contentType.toLowerCase(Locale.ROOT);
        return ct.startsWith("text/") || ct.contains("html") || ct.contains("xml") || ct.contains("json");
    }
}
