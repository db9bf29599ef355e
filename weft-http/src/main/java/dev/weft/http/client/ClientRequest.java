package dev.weft.http.client;

import dev.weft.http.Headers;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * One request to send with {@link ClientSession#request(ClientRequest)}; immutable, made by
 * {@link #builder(String, String)}. Anything left unset falls back to the session's settings.
 *
 * <pre>{@code
 * ClientRequest req = ClientRequest.builder("PUT", "http://example.com/items/7")
 *         .header("If-Match", "\"v3\"")
 *         .query("dry_run", "true")
 *         .body(Body.json(item))
 *         .timeout(ClientTimeout.defaults().total(Duration.ofSeconds(10)))
 *         .build();
 * }</pre>
 *
 * @param method         the method, upper case
 * @param url            the URL, query parameters already appended
 * @param headers        the request's own headers (a copy is sent)
 * @param body           the body, or null
 * @param timeout        the time limits, or null for the session's
 * @param allowRedirects whether redirects are followed
 * @param maxRedirects   how many redirects at most, or -1 for the session's
 * @param auth           credentials, or null for the session's
 * @param proxy          a proxy URL, or null for the session's
 * @param http2          whether HTTP/2 may be used (see {@link ClientSession.Builder#http2(boolean)}), or null for
 *                       the session's setting
 * @param trailers       the trailer fields sent after the body (see {@link Builder#trailers(Supplier)}), or null
 *                       for none
 */
public record ClientRequest(String method, URI url, Headers headers, Body body, ClientTimeout timeout,
        boolean allowRedirects, int maxRedirects, Auth auth, URI proxy, Boolean http2, Supplier<Headers> trailers) {

    /**
     * A builder for {@code method} on {@code url}.
     *
     * @param method the HTTP method
     * @param url the URL
     * @return this builder
     */
    public static Builder builder(String method, String url) {
        return new Builder(method, toUri(url));
    }

    /**
     * A builder for {@code method} on {@code url}.
     *
     * @param method the HTTP method
     * @param url the URL
     * @return this builder
     */
    public static Builder builder(String method, URI url) {
        return new Builder(method, url);
    }

    /** {@return true for the methods RFC 9110 calls idempotent (safe to send twice)} */
    public boolean idempotent() {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };
    }

    static URI toUri(String url) {
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            // Lenient: encode what a browser would (spaces, non-ASCII) and try again.
            try {
                return new URI(encodeLoosely(url));
            } catch (URISyntaxException e2) {
                throw new IllegalArgumentException("malformed URL: " + url, e);
            }
        }
    }

    private static String encodeLoosely(String url) {
        StringBuilder sb = new StringBuilder();
        for (byte b : url.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`'
                    || c == '{' || c == '|' || c == '}') {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    /** Builds a {@link ClientRequest}; not thread-safe. */
    public static final class Builder {
        private final String method;
        private URI url;
        private final Headers headers = new Headers();
        private final StringBuilder query = new StringBuilder();
        private Body body;
        private ClientTimeout timeout;
        private boolean allowRedirects = true;
        private int maxRedirects = -1;
        private Auth auth;
        private URI proxy;
        private Boolean http2;
        private Supplier<Headers> trailers;

        Builder(String method, URI url) {
            this.method = method.toUpperCase(Locale.ROOT);
            this.url = Objects.requireNonNull(url, "url");
        }

        /**
         * Adds a header (another value of the same name is kept beside it).
         *
         * @param name the name
         * @param value the value
         * @return this builder
         */
        public Builder header(String name, String value) {
            headers.add(name, value);
            return this;
        }

        /**
         * Adds every header of {@code h}.
         *
         * @param h the h
         * @return this builder
         */
        public Builder headers(Headers h) {
            for (Map.Entry<String, String> e : h) {
                headers.add(e.getKey(), e.getValue());
            }
            return this;
        }

        /**
         * Adds a query parameter (encoded here; aiohttp's {@code params=}).
         *
         * @param name the name
         * @param value the value
         * @return this builder
         */
        public Builder query(String name, Object value) {
            if (!query.isEmpty()) {
                query.append('&');
            }
            query.append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8));
            return this;
        }

        /**
         * Adds every entry of {@code params} as a query parameter.
         *
         * @param params the query parameters
         * @return this builder
         */
        public Builder query(Map<String, ?> params) {
            params.forEach(this::query);
            return this;
        }

        /**
         * Sets the body.
         *
         * @param b the body
         * @return this builder
         */
        public Builder body(Body b) {
            this.body = b;
            return this;
        }

        /**
         * Sends {@code Expect: 100-continue} (aiohttp's {@code expect100=True}): the head goes
         * first, and the body only after the server answers {@code 100 Continue}, or after the
         * session's {@link ClientSession.Builder#expectContinueTimeout(Duration)
         * expectContinueTimeout} without an answer. A final status instead (401, 413, 417, …)
         * means the body is never sent. Setting the header yourself does the same. Worth it for
         * large bodies the server may refuse; ignored for a request without a body.
         *
         * @param on true to turn it on
         * @return this builder
         */
        public Builder expectContinue(boolean on) {
            headers.remove("Expect");
            if (on) {
                headers.add("Expect", "100-continue");
            }
            return this;
        }

        /**
         * Sets the time limits of this request.
         *
         * @param t the time limits
         * @return this builder
         */
        public Builder timeout(ClientTimeout t) {
            this.timeout = t;
            return this;
        }

        /**
         * Whether to follow redirects (default true).
         *
         * @param allow true to allow
         * @return this builder
         */
        public Builder allowRedirects(boolean allow) {
            this.allowRedirects = allow;
            return this;
        }

        /**
         * How many redirects to follow at most.
         *
         * @param n the number
         * @return this builder
         */
        public Builder maxRedirects(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("maxRedirects must not be negative");
            }
            this.maxRedirects = n;
            return this;
        }

        /**
         * Sets credentials.
         *
         * @param a the a
         * @return this builder
         */
        public Builder auth(Auth a) {
            this.auth = a;
            return this;
        }

        /**
         * Sends through an HTTP proxy, e.g. {@code http://user:pass@proxy:3128}.
         *
         * @param proxyUrl the proxy URL
         * @return this builder
         */
        public Builder proxy(String proxyUrl) {
            this.proxy = proxyUrl == null ? null : toUri(proxyUrl);
            return this;
        }

        /**
         * Whether this request may go over HTTP/2, whatever the session says: true offers
         * {@code h2} by ALPN over TLS (and, in a session with
         * {@link ClientSession.Builder#http2PriorKnowledge(boolean) prior knowledge}, h2c), false
         * keeps it on HTTP/1.1.
         *
         * @param on true to turn it on
         * @return this builder
         */
        public Builder http2(boolean on) {
            this.http2 = on;
            return this;
        }

        /**
         * Sends trailer fields after the body, asked for once the body has gone out (each time it
         * does: a 307 or 308 redirect, or a retry, asks again), so they can carry what only the
         * end of a streamed body tells, such as its checksum. Over HTTP/1.1 the body is then sent
         * chunked, whatever its length (trailers exist only there: a {@code Content-Length} body
         * switches to {@code Transfer-Encoding: chunked}); over HTTP/2 they are a HEADERS frame
         * ending the stream after the DATA. A redirect that drops the body (303, or 301/302 to a
         * POST) drops the trailers with it. Null or empty fields send none.
         *
         * <pre>{@code
         * MessageDigest sha = MessageDigest.getInstance("SHA-256");
         * ClientRequest put = ClientRequest.builder("PUT", url)
         *         .body(Body.stream(new DigestInputStream(in, sha), "application/octet-stream"))
         *         .trailers(() -> Headers.of("X-Checksum-SHA256", HexFormat.of().formatHex(sha.digest())))
         *         .build();
         * }</pre>
         *
         * <p>Fields that frame, route or modify the message, authenticate it or describe its content
         * ({@code Content-Length}, {@code Transfer-Encoding}, {@code Host}, {@code Authorization},
         * {@code Content-Type}, … RFC 9110 section 6.5.1) are refused with an
         * {@link IllegalArgumentException} naming the field, thrown by the request once the body is
         * sent (the connection is then closed, or the HTTP/2 stream reset: the message is never
         * completed). An exception from {@code trailers} itself fails the request the same way. A
         * server may ignore trailers; a receiver sees them only if it reads them.
         *
         * @param trailers gives the fields, called in the request's task after the body
         * @return this builder
         */
        public Builder trailers(Supplier<Headers> trailers) {
            this.trailers = trailers;
            return this;
        }

        /**
         * Sends fixed trailer fields after the body, as {@link #trailers(Supplier)} does; the fields
         * are checked (and copied) at once.
         *
         * @param fields the trailer fields
         * @return this builder
         * @throws IllegalArgumentException if a field may not be sent as a trailer
         */
        public Builder trailers(Headers fields) {
            this.trailers = dev.weft.http.codec.TrailerFields.fixed(fields);
            return this;
        }

        /**
         * {@return the request}
         *
         * @throws IllegalStateException if trailers were set without a body
         */
        public ClientRequest build() {
            if (trailers != null && body == null) {
                throw new IllegalStateException("trailers go after a body, and this request has none"
                        + " (Body.bytes(new byte[0]) is an empty one)");
            }
            URI u = url;
            if (!query.isEmpty()) {
                String str = url.toString();
                String fragment = "";
                int hash = str.indexOf('#');
                if (hash >= 0) {
                    fragment = str.substring(hash);
                    str = str.substring(0, hash);
                }
                String sep = str.indexOf('?') < 0 ? "?" : str.endsWith("?") || str.endsWith("&") ? "" : "&";
                u = URI.create(str + sep + query + fragment);
            }
            Origin.of(u); // validates scheme and host
            return new ClientRequest(method, u, headers.copy(), body, timeout, allowRedirects, maxRedirects, auth,
                    proxy, http2, trailers);
        }
    }
}
