package dev.weft.http.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.http.Headers;
import dev.weft.http.HttpProtocolException;
import dev.weft.internal.Durations;
import dev.weft.internal.Loggers;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;

/**
 * The answer to a request (aiohttp's {@code ClientResponse}): status, headers, and a body read
 * in one go ({@link #bytes()}, {@link #text()}, {@link #json()}) or as a stream
 * ({@link #bodyStream()}, {@link #lines()}). Close it, best with try-with-resources:
 *
 * <pre>{@code
 * try (ClientResponse r = session.get("http://example.com/")) {
 *     r.raiseForStatus();
 *     String html = r.text();            // charset from the header, a BOM or <meta>
 * }
 * }</pre>
 *
 * <pre>
 *            body read to its end                         close() before the end
 *  OPEN ----------------------------> RELEASED    OPEN ------------------------> CLOSED
 *         (connection back to the pool if               (connection closed: what is left of
 *          keep-alive; the bytes stay readable)          the body cannot be skipped cheaply)
 * </pre>
 *
 * <p>Reading the body does I/O on the session's loop: call it from a task of that loop. Once
 * the body was read in one go it is kept, and then every method works from any thread (this is
 * what {@link BlockingClient} returns). Headers, status and URL are immutable.
 */
public final class ClientResponse implements AutoCloseable {

    private static final Logger LOG = Loggers.get(ClientResponse.class);

    /** The default cap of {@link #lines()}: 64 KiB, as {@link dev.weft.net.StreamReader#DEFAULT_LIMIT}. */
    public static final int DEFAULT_MAX_LINE = 64 * 1024;
    private static final int DRAIN_ON_RELEASE = 64 * 1024;
    /** The largest byte array a JVM reliably allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final String method;
    private final URI url;
    private final int status;
    private final String reason;
    private final String version;
    private final Headers headers;
    /** The protocol's part: where the body comes from, where the connection goes. */
    private final BodySource raw;
    private final Deadline deadline;
    private final ClientTimeout timeout;
    private final DecompressionLimits decompressionLimits;
    private final boolean decompress;
    private final TraceListener trace;
    private final long fixedLength;
    private final long maxBodySize;
    private List<ClientResponse> history = List.of();
    /** Set while the response holds a connection: reports and frees it if the response is never closed. */
    private final Leak leak;
    private final java.lang.ref.Cleaner.Cleanable cleanable;

    // Owned by the reading task.
    private InputStream stream;
    private byte[] cached;
    private boolean released;
    private boolean streamTaken;

    /**
     * A response whose head was read and whose body comes from {@code body}; a body already
     * complete (none at all) gives its connection back at once.
     */
    ClientResponse(String method, URI url, int status, String reason, String version, Headers headers,
            BodySource body, Deadline deadline, ClientTimeout timeout, ExchangeSettings settings) {
        this.fixedLength = body.declaredLength();
        this.maxBodySize = Math.min(settings.maxBodySize(), MAX_ARRAY - 1); // room for the byte that says 'too large'
        this.method = method;
        this.url = url;
        this.status = status;
        this.reason = reason;
        this.version = version;
        this.headers = headers;
        this.raw = body;
        this.deadline = deadline;
        this.timeout = timeout;
        this.decompressionLimits = settings.decompressionLimits();
        this.decompress = settings.decompress();
        this.trace = settings.trace();
        if (body.isComplete()) {
            finish(true);
        }
        if (!released) {
            leak = new Leak(body, method, url);
            cleanable = LEAKS.register(this, leak);
        } else {
            leak = null;
            cleanable = null;
        }
    }

    /** One daemon thread for the whole process, as {@code UnretrievedExceptions}. */
    private static final java.lang.ref.Cleaner LEAKS = java.lang.ref.Cleaner.create(
            Thread.ofPlatform().daemon().name("weft-http-leaks").factory());

    /**
     * The system property that makes every response record where it was obtained, for the
     * warning about a response never closed ({@code -Dweft.http.leakTraces=true}); DEBUG logging
     * for this class does the same. Off by default: a stack trace per response costs more than
     * the rest of a small exchange.
     */
    static final String LEAK_TRACES = "weft.http.leakTraces";

    /**
     * What a response that is never closed leaves behind: its connection, held out of the pool.
     * When the garbage collector finds the response unreachable with the connection still held,
     * this logs a warning (OkHttp's "did you forget to close a response body?") and closes the
     * connection, so its pool slot is not lost. The warning says where the response was obtained
     * when {@value #LEAK_TRACES} or DEBUG logging was on at that time, and how to see it
     * otherwise. Holds no reference to the response.
     */
    private static final class Leak implements Runnable {
        private final BodySource body;
        private final String method;
        private final URI url;
        private final Throwable obtained;
        private volatile boolean settled;

        Leak(BodySource body, String method, URI url) {
            this.body = body;
            this.method = method;
            this.url = url;
            this.obtained = Boolean.getBoolean(LEAK_TRACES) || LOG.isDebugEnabled()
                    ? new Throwable("the response to " + method + " " + url + " was obtained here") : null;
        }

        @Override
        public void run() {
            if (settled) {
                return;
            }
            settled = true;
            String where = obtained != null ? "" : " To see where it was obtained, run with -D" + LEAK_TRACES
                    + "=true (or DEBUG logging for " + ClientResponse.class.getName() + ").";
            LOG.warn("a ClientResponse to {} {} was never closed: its connection is closed now. Close every response"
                    + " (try-with-resources), or read its body to the end.{}", method, url, where, obtained);
            body.release(false);
        }
    }

    // ------------------------------------------------------------------ head

    /** {@return the status code, e.g} 200. */
    public int status() {
        return status;
    }

    /** {@return the reason phrase, e.g} {@code OK} (may be empty). */
    public String reason() {
        return reason;
    }

    /** {@return {@code HTTP/1.1} or {@code HTTP/1.0}} */
    public String version() {
        return version;
    }

    /** {@return the response headers (case-insensitive names)} */
    public Headers headers() {
        return headers;
    }

    /**
     * The trailer fields sent after the body: a chunked HTTP/1.1 body's trailer section, or the
     * trailers of an HTTP/2 response (gRPC's {@code grpc-status}, a checksum…). They exist only
     * once the body was read to its end ({@link #text()}, {@link #bytes()}, or a body stream read
     * to end of file), so read the body first.
     *
     * @return the trailer fields (case-insensitive names); empty before the end of the body, or
     *     when none came
     */
    public Headers trailers() {
        return raw.trailers();
    }

    /**
     * Shorthand for {@code headers().get(name)}.
     *
     * @param name the name
     * @return its first value, or null
     */
    public String header(String name) {
        return headers.get(name);
    }

    /** {@return the URL of this response: after redirects, the last one} */
    public URI url() {
        return url;
    }

    /** {@return the method of the request that got this response} */
    public String method() {
        return method;
    }

    /** {@return the redirect responses that led here, oldest first (their bodies were discarded)} */
    public List<ClientResponse> history() {
        return history;
    }

    void history(List<ClientResponse> h) {
        this.history = List.copyOf(h);
    }

    /** {@return the Content-Type, or null} */
    public String contentType() {
        return headers.get("Content-Type");
    }

    /** {@return true for a status below 400 (aiohttp's {@code ok})} */
    public boolean ok() {
        return status < 400;
    }

    /**
     * Throws {@link ClientResponseException} (after closing this response) if the status is
     * 400 or more; returns this response otherwise, for chaining.
     *
     * @return this response otherwise, for chaining
     * @throws ClientResponseException on failure
     */
    public ClientResponse raiseForStatus() throws ClientResponseException {
        if (status >= 400) {
            close();
            throw new ClientResponseException(status, reason, url, headers);
        }
        return this;
    }

    // ------------------------------------------------------------------ body

    /**
     * The whole body, decompressed (aiohttp's {@code read()}); kept, so later calls are free.
     * At most the session's {@link ClientSession.Builder#maxBodySize(long) maxBodySize} bytes
     * (counted after decompression) are kept; a larger body fails with
     * {@link BodyTooLargeException} and its connection is closed. For larger bodies use
     * {@link #bodyStream()}.
     *
     * @return the whole body, decompressed (aiohttp's {@code read()}); kept, so later calls are free
     * @throws BodyTooLargeException the body is larger than the session's {@code maxBodySize}
     */
    public byte[] bytes() throws IOException {
        if (cached == null) {
            if (streamTaken) {
                throw new IllegalStateException("the body was already taken as a stream");
            }
            boolean identity = !decodes();
            if (identity && fixedLength > maxBodySize && raw.bytesRead() == 0) {
                finish(false);
                throw new BodyTooLargeException(url, maxBodySize, "the body of " + url + " is " + fixedLength
                        + " bytes (Content-Length), more than the limit of " + maxBodySize + " bytes kept in memory"
                        + " (ClientSession.Builder.maxBodySize); read it with bodyStream() or raise the limit");
            }
            InputStream in = bodyStream();
            // Read straight into the array that is kept: sized by Content-Length (up to 1 MiB: a few
            // header bytes must not buy a large allocation), one byte more so the read that meets the
            // end has room; grown by doubling otherwise. No copy buffer per response.
            byte[] acc = new byte[identity && fixedLength >= 0 ? (int) Math.min(fixedLength + 1, 1 << 20) : 8192];
            int size = 0;
            int n;
            while ((n = in.read(acc, size, acc.length - size)) >= 0) {
                size += n;
                if (size > maxBodySize) {
                    finish(false);
                    throw new BodyTooLargeException(url, maxBodySize, "the body of " + url + " is larger than the limit"
                            + " of " + maxBodySize + " bytes kept in memory" + (identity ? "" : " (after decompression)")
                            + " (ClientSession.Builder.maxBodySize); read it with bodyStream() or raise the limit");
                }
                if (size == acc.length) {
                    // one byte past maxBodySize is enough to tell it is too large
                    acc = Arrays.copyOf(acc, (int) Math.min((long) acc.length * 2, Math.min(maxBodySize + 1, MAX_ARRAY)));
                }
            }
            cached = size == acc.length ? acc : Arrays.copyOf(acc, size);
        }
        return cached;
    }

    /**
     * The body as text; the charset comes from the header, a BOM, a {@code <meta>} tag, or is guessed.
     *
     * @return the body as text; the charset comes from the header, a BOM, a {@code <meta>} tag, or is guessed
     * @throws IOException if an I/O error occurs
     */
    public String text() throws IOException {
        byte[] b = bytes();
        Charset cs = TextDecoding.detect(contentType(), b);
        int skip = TextDecoding.bomLength(b);
        return new String(b, skip, b.length - skip, cs);
    }

    /**
     * The body as text in {@code charset}.
     *
     * @param charset the character set
     * @return the body as text in {@code charset}
     * @throws IOException if an I/O error occurs
     */
    public String text(Charset charset) throws IOException {
        return new String(bytes(), charset);
    }

    /**
     * The charset {@link #text()} decodes with.
     *
     * @return the charset {@link #text()} decodes with
     * @throws IOException if an I/O error occurs
     */
    public Charset charset() throws IOException {
        return TextDecoding.detect(contentType(), bytes());
    }

    /**
     * The body parsed as JSON (Jackson's tree).
     *
     * @return the body parsed as JSON (Jackson's tree)
     * @throws IOException if an I/O error occurs
     */
    public JsonNode json() throws IOException {
        return Body.JSON.readTree(bytes());
    }

    /**
     * The body parsed as JSON into {@code type}.
     *
     * @param <T> the result type
     * @param type the content type
     * @return the result
     * @throws IOException if an I/O error occurs
     */
    public <T> T json(Class<T> type) throws IOException {
        return Body.JSON.readValue(bytes(), type);
    }

    /**
     * The body as a stream, decompressed, read as it arrives (aiohttp's {@code content}). Read
     * it from a task of the session's loop. Reaching its end gives the connection back to the
     * pool.
     *
     * @return the body as a stream, decompressed, read as it arrives (aiohttp's {@code content})
     * @throws IOException if an I/O error occurs
     */
    public InputStream bodyStream() throws IOException {
        if (cached != null) {
            return new ByteArrayInputStream(cached);
        }
        if (stream == null) {
            InputStream in = new RawStream();
            if (decodes()) {
                in = new DecodedStream(Decompression.decode(headers.get("Content-Encoding"), in, decompressionLimits,
                        url));
            }
            stream = in;
        }
        return stream;
    }

    /** True if the body comes out of {@link #bodyStream()} decompressed. */
    private boolean decodes() {
        if (stream != null) {
            return stream instanceof DecodedStream;
        }
        String enc = headers.get("Content-Encoding");
        return decompress && enc != null && Decompression.supported(enc) && !raw.isComplete();
    }

    /**
     * The body's lines, without line ends ({@code \n}, {@code \r\n} or {@code \r}), decoded
     * with the header's charset (UTF-8 if none), read as they arrive ({@code async for line in
     * resp.content}). A line longer than {@link #DEFAULT_MAX_LINE} characters fails with
     * {@link LineTooLongException} instead of filling the memory; see {@link #lines(int)}. An I/O
     * error comes out as {@link UncheckedIOException}.
     *
     * @return the body's lines, without line ends ({@code \n}, {@code \r\n} or {@code \r}), decoded with the header's charset (UTF-8 if none), read as they arrive ({@code async for line in resp.content})
     * @throws IOException if an I/O error occurs
     */
    public Iterable<String> lines() throws IOException {
        return lines(DEFAULT_MAX_LINE);
    }

    /**
     * The body's lines, as {@link #lines()}, with a cap of {@code maxLineChars} characters on
     * each line (its end not counted). A longer line comes out of the iterator as an
     * {@link UncheckedIOException} whose cause is a {@link LineTooLongException}; the connection
     * is then closed.
     *
     * @param maxLineChars the longest line accepted, at least 1
     * @return the lines, read lazily
     * @throws IOException if the body cannot be opened
     */
    public Iterable<String> lines(int maxLineChars) throws IOException {
        if (maxLineChars <= 0) {
            throw new IllegalArgumentException("maxLineChars must be positive: " + maxLineChars);
        }
        String cs = contentType() == null ? null : TextDecoding.param(contentType(), "charset");
        Charset charset = cs == null || TextDecoding.forLabel(cs) == null ? StandardCharsets.UTF_8
                : TextDecoding.forLabel(cs);
        LineReader r = new LineReader(new java.io.BufferedReader(new InputStreamReader(bodyStream(), charset)),
                maxLineChars);
        streamTaken = true;
        return () -> r;
    }

    /**
     * Reads the next bytes of the body into a fresh array (aiohttp's {@code content.read(n)}); empty at the end.
     *
     * @param max the maximum
     * @return the next bytes of the body
     * @throws IOException if an I/O error occurs
     */
    public byte[] readChunk(int max) throws IOException {
        byte[] buf = new byte[max];
        int n = bodyStream().read(buf, 0, max);
        streamTaken = true;
        return n < 0 ? new byte[0] : Arrays.copyOf(buf, n);
    }

    /** {@return true once the whole body was received (and the connection given back)} */
    public boolean isReleased() {
        return released;
    }

    /**
     * Gives the connection back if the body was read to its end (or the rest is small and
     * arrives at once), else closes it. Idempotent; the head and any bytes read stay available.
     */
    @Override
    public void close() {
        if (released) {
            return;
        }
        if (!raw.isComplete() && stream == null && raw.restArrived()) {
            // The rest of the body is already here: skip it without waiting and keep the connection.
            try {
                raw.discard();
            } catch (IOException e) {
                LOG.debug("skipping the rest of {} failed: {}", this, e.toString());
            }
        }
        // Otherwise closing is cheaper than waiting for an unknown amount of data.
        finish(raw.isComplete());
    }

    /** Discards a small rest of the body so that the connection can be reused (redirects do this). */
    void discardSmallBody() {
        if (released) {
            return;
        }
        try {
            byte[] buf = new byte[8192];
            long left = DRAIN_ON_RELEASE;
            InputStream in = new RawStream();
            int n;
            while (left > 0 && (n = in.read(buf, 0, buf.length)) >= 0) {
                left -= n;
            }
        } catch (IOException e) {
            LOG.debug("discarding the body of {} failed: {}", this, e.toString());
        }
        close();
    }

    private void finish(boolean complete) {
        if (released) {
            return;
        }
        released = true;
        if (leak != null) {
            leak.settled = true;
            cleanable.clean(); // deregisters; the action does nothing now
        }
        raw.release(complete);
        if (complete) {
            trace.responseBodyEnd(method, url, raw.bytesRead());
        }
    }

    /** The raw (still encoded) body, with timeouts and clean failures. */
    private final class RawStream extends InputStream {
        /** 1 while the body may go on: lets GZIPInputStream look for a further gzip member. */
        @Override
        public int available() {
            return raw.isComplete() ? 0 : 1;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n;
            while ((n = read(one, 0, 1)) == 0) {
                // zero-length read; again
            }
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (raw.isComplete()) {
                finish(true);
                return -1;
            }
            if (released) {
                throw new IOException("the response is closed");
            }
            deadline.check(timeout.total());
            Duration wait = deadline.cap(timeout.sockRead());
            boolean totalBinds = deadline.binds(timeout.sockRead());
            int n;
            try {
                n = raw.read(b, off, len, wait);
            } catch (SocketTimeoutException e) {
                finish(false);
                throw totalBinds
                        ? new ClientTimeoutException(ClientTimeoutException.Kind.TOTAL, "the request took longer than "
                                + Durations.format(timeout.total()))
                        : new ClientTimeoutException(ClientTimeoutException.Kind.SOCK_READ, "no data from "
                                + url + " for " + Durations.format(timeout.sockRead()));
            } catch (EOFException e) {
                finish(false);
                throw new ServerDisconnectedException("the server closed the connection in the middle of the body"
                        + " of " + url + ": " + e.getMessage(), e);
            } catch (HttpProtocolException e) {
                finish(false);
                if (e.getMessage() != null && e.getMessage().startsWith("connection closed")) {
                    throw new ServerDisconnectedException("the server closed the connection in the middle of the"
                            + " body of " + url, e);
                }
                throw e;
            } catch (IOException | RuntimeException e) {
                finish(false);
                throw e;
            }
            if (n < 0) {
                finish(true);
            }
            return n;
        }
    }

    /** Splits decoded text into lines, none longer than its cap; one iteration only. */
    private final class LineReader implements java.util.Iterator<String> {
        private final java.io.Reader in;
        private final int max;
        private final StringBuilder line = new StringBuilder();
        private String next;
        private boolean done;
        private boolean skipLf;

        LineReader(java.io.Reader in, int max) {
            this.in = in;
            this.max = max;
        }

        @Override
        public boolean hasNext() {
            if (next == null && !done) {
                try {
                    next = readLine();
                } catch (IOException e) {
                    done = true;
                    throw new UncheckedIOException(e);
                }
                done = next == null;
            }
            return next != null;
        }

        @Override
        public String next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            String s = next;
            next = null;
            return s;
        }

        private String readLine() throws IOException {
            line.setLength(0);
            int c;
            while ((c = in.read()) >= 0) {
                if (skipLf) {
                    skipLf = false;
                    if (c == '\n') {
                        continue;
                    }
                }
                if (c == '\n' || c == '\r') {
                    skipLf = c == '\r';
                    return line.toString();
                }
                if (line.length() == max) {
                    finish(false);
                    throw new LineTooLongException("a line of the body of " + url + " is longer than " + max
                            + " characters; read the body with bodyStream(), or raise the cap with lines(int)");
                }
                line.append((char) c);
            }
            return line.isEmpty() ? null : line.toString();
        }
    }

    /** A decoded body that settles the connection when the decoder is done or fails. */
    private final class DecodedStream extends InputStream {
        private final InputStream in;

        DecodedStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                finish(false);
                throw e;
            }
            if (n < 0 && !released) {
                discardSmallBody(); // the encoded stream may end before the body's framing does
            }
            return n;
        }
    }

    @Override
    public String toString() {
        return "ClientResponse[" + method + " " + url + " -> " + status + " " + reason + "]";
    }
}
