package dev.weft.http.codec;

import dev.weft.http.Headers;
import dev.weft.http.HttpLimits;
import dev.weft.http.HttpProtocolException;
import dev.weft.net.StreamReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads one message body from a connection, stopping exactly at its end so that the next
 * message on a keep-alive connection starts in the right place. Made by {@link #of}.
 *
 * <pre>
 *   FIXED:    n bytes
 *   CHUNKED:  ( hex-size [;ext] CRLF  data CRLF )*  0 [;ext] CRLF  trailer-fields  CRLF   (CRLF strictly)
 *   UNTIL_CLOSE: everything up to the end of the stream
 * </pre>
 *
 * <p>At most {@code maxBytes} are delivered; more fails with status 413. Use from the
 * connection's task. Not thread-safe.
 */
public abstract class BodyReader {

    /** The stream the body comes from. */
    protected final StreamReader in;
    private final long maxBytes;
    private long delivered;
    private boolean done;

    BodyReader(StreamReader in, long maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /**
     * A reader for a body framed by {@code framing}, delivering at most {@code maxBytes}.
     *
     * @param in the input stream
     * @param framing the framing
     * @param limits the limits
     * @param maxBytes the max bytes
     * @return a reader for a body framed by {@code framing}, delivering at most {@code maxBytes}
     * @throws HttpProtocolException on failure
     */
    public static BodyReader of(StreamReader in, BodyFraming framing, HttpLimits limits, long maxBytes)
            throws HttpProtocolException {
        return switch (framing.kind()) {
            case NONE -> new Fixed(in, 0, maxBytes);
            case FIXED -> {
                if (framing.length() > maxBytes) {
                    throw new HttpProtocolException(413, "body of " + framing.length() + " bytes exceeds the limit of "
                            + maxBytes);
                }
                yield new Fixed(in, framing.length(), maxBytes);
            }
            case CHUNKED -> new Chunked(in, limits, maxBytes);
            case UNTIL_CLOSE -> new UntilClose(in, maxBytes);
        };
    }

    /**
     * Reads up to {@code len} bytes of the body.
     *
     * @param b where the bytes go
     * @param off where the bytes start
     * @param len how many bytes
     * @return the number read, or -1 at the end of the body
     * @throws IOException if an I/O error occurs
     */
    public final int read(byte[] b, int off, int len) throws IOException {
        if (done) {
            return -1;
        }
        int n = readRaw(b, off, len);
        if (n < 0) {
            done = true;
            return -1;
        }
        delivered += n;
        if (delivered > maxBytes) {
            throw new HttpProtocolException(413, "body exceeds the limit of " + maxBytes + " bytes");
        }
        return n;
    }

    /**
     * Reads the rest of the body.
     *
     * @return the whole body
     * @throws IOException if an I/O error occurs
     */
    public final byte[] readAll() throws IOException {
        byte[] buf = new byte[8192];
        int size = 0;
        int n;
        while ((n = read(buf, size, buf.length - size)) >= 0) {
            size += n;
            if (size == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
        }
        return Arrays.copyOf(buf, size);
    }

    /**
     * Reads and drops the rest of the body (to reuse the connection).
     *
     * @throws IOException if an I/O error occurs
     */
    public final void discard() throws IOException {
        byte[] buf = new byte[8192];
        while (read(buf, 0, buf.length) >= 0) {
            // dropped
        }
    }

    /** {@return true once the whole body was read} */
    public final boolean isComplete() {
        return done;
    }

    /** {@return bytes delivered so far} */
    public final long bytesRead() {
        return delivered;
    }

    /** {@return trailer fields of a chunked body (empty otherwise, or before the end)} */
    public Headers trailers() {
        return new Headers();
    }

    /** {@return a blocking InputStream view; use from the connection's task} */
    public final InputStream asInputStream() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n;
                while ((n = BodyReader.this.read(one, 0, 1)) == 0) {
                    // a zero-length chunk read; try again
                }
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return BodyReader.this.read(b, off, len);
            }
        };
    }

    /** The most bytes this body may still deliver. */
    final long allowance() {
        return maxBytes - delivered;
    }

    /** The most bytes this body may deliver in all. */
    final long maxBytes() {
        return maxBytes;
    }

    /** Reads the next bytes; -1 at the end of the body. */
    abstract int readRaw(byte[] b, int off, int len) throws IOException;

    /** A Content-Length body (or none). */
    private static final class Fixed extends BodyReader {
        private long remaining;

        Fixed(StreamReader in, long length, long maxBytes) {
            super(in, maxBytes);
            this.remaining = length;
        }

        @Override
        int readRaw(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new java.io.EOFException("connection closed with " + remaining + " body bytes missing");
            }
            remaining -= n;
            return n;
        }
    }

    /** A body that ends when the connection does. */
    private static final class UntilClose extends BodyReader {
        UntilClose(StreamReader in, long maxBytes) {
            super(in, maxBytes);
        }

        @Override
        int readRaw(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }
    }

    /**
     * A chunked body, framed strictly (RFC 9112 section 7.1): every framing line ends in CRLF,
     * a chunk's data is followed by exactly CRLF, the size may be followed only by SP or HTAB
     * before its extensions, extensions are well-formed ({@code ;name[=token|"quoted"]}) and
     * bounded per body, and a size that would take the body past its limit is refused (413)
     * before any of its data is read.
     */
    private static final class Chunked extends BodyReader {
        private final HttpLimits limits;
        private long chunkLeft;
        private boolean first = true;
        private boolean finished;
        private long extensionBytes;
        private Headers trailers = new Headers();

        Chunked(StreamReader in, HttpLimits limits, long maxBytes) {
            super(in, maxBytes);
            this.limits = limits;
        }

        @Override
        int readRaw(byte[] b, int off, int len) throws IOException {
            if (finished) {
                return -1;
            }
            if (chunkLeft == 0) {
                if (!first) {
                    expectCrlf();
                }
                first = false;
                chunkLeft = readChunkSize();
                if (chunkLeft == 0) {
                    trailers = Http1Parser.readHeaders(in, limits, true);
                    finished = true;
                    return -1;
                }
                if (chunkLeft > allowance()) {
                    throw new HttpProtocolException(413, "a chunk of " + chunkLeft + " bytes takes the body past the"
                            + " limit of " + maxBytes() + " bytes");
                }
            }
            int n = in.read(b, off, (int) Math.min(len, chunkLeft));
            if (n < 0) {
                throw new java.io.EOFException("connection closed in the middle of a chunk");
            }
            chunkLeft -= n;
            return n;
        }

        /** The CRLF after a chunk's data: exactly those two bytes. */
        private void expectCrlf() throws IOException {
            byte[] crlf;
            try {
                crlf = in.readExactly(2);
            } catch (dev.weft.net.IncompleteReadException e) {
                throw new HttpProtocolException(400, "connection closed in the middle of the chunk terminator");
            }
            if (crlf[0] != '\r' || crlf[1] != '\n') {
                throw new HttpProtocolException(400, "chunk data not followed by CRLF (longer than its size, or a"
                        + " bare LF)");
            }
        }

        /** {@code chunk-size [ chunk-ext ] CRLF}: the size; the extensions are checked and counted. */
        private long readChunkSize() throws IOException {
            String line = Http1Parser.readLine(in, limits.maxChunkLineBytes(), 400, "chunk-size line", false, true);
            int i = 0;
            long size = 0;
            while (i < line.length() && Character.digit(line.charAt(i), 16) >= 0) {
                if (i == 15) {
                    throw new HttpProtocolException(400, "chunk size too large");
                }
                size = size * 16 + Character.digit(line.charAt(i), 16);
                i++;
            }
            if (i == 0) {
                throw new HttpProtocolException(400, "malformed chunk size");
            }
            int ws = skipBws(line, i);
            if (ws == line.length()) {
                return size;
            }
            if (line.charAt(ws) != ';') {
                throw new HttpProtocolException(400, "malformed chunk size (only SP or HTAB may follow it)");
            }
            extensionBytes += line.length() - i;
            if (extensionBytes > limits.maxChunkExtensionBytes()) {
                throw new HttpProtocolException(400, "chunk extensions of this body exceed "
                        + limits.maxChunkExtensionBytes() + " bytes");
            }
            checkExtensions(line, ws);
            return size;
        }

        /** {@code *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )} from {@code at}, to the end. */
        private static void checkExtensions(String line, int at) throws HttpProtocolException {
            int i = at;
            while (i < line.length()) {
                if (line.charAt(i) != ';') {
                    throw badExtension();
                }
                i = skipBws(line, i + 1);
                int name = i;
                while (i < line.length() && Headers.isTokenChar(line.charAt(i))) {
                    i++;
                }
                if (i == name) {
                    throw badExtension();
                }
                i = skipBws(line, i);
                if (i < line.length() && line.charAt(i) == '=') {
                    i = skipBws(line, i + 1);
                    i = line.startsWith("\"", i) ? skipQuoted(line, i) : skipToken(line, i);
                    i = skipBws(line, i);
                }
            }
        }

        private static int skipToken(String line, int i) throws HttpProtocolException {
            int from = i;
            while (i < line.length() && Headers.isTokenChar(line.charAt(i))) {
                i++;
            }
            if (i == from) {
                throw badExtension();
            }
            return i;
        }

        /** {@code DQUOTE *( qdtext / quoted-pair ) DQUOTE} from the opening quote at {@code i}. */
        private static int skipQuoted(String line, int i) throws HttpProtocolException {
            i++;
            while (i < line.length()) {
                char c = line.charAt(i);
                if (c == '"') {
                    return i + 1;
                }
                if (c == '\\') {
                    i++;
                    if (i == line.length() || !quotable(line.charAt(i))) {
                        throw badExtension();
                    }
                } else if (!quotable(c)) {
                    throw badExtension();
                }
                i++;
            }
            throw badExtension(); // unterminated
        }

        /** HTAB, SP, VCHAR or obs-text: what a quoted string may hold. */
        private static boolean quotable(char c) {
            return c == '\t' || (c >= 0x20 && c != 0x7f && c <= 0xff);
        }

        private static int skipBws(String line, int i) {
            while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            return i;
        }

        private static HttpProtocolException badExtension() {
            return new HttpProtocolException(400, "malformed chunk extension");
        }

        @Override
        public Headers trailers() {
            return trailers;
        }
    }
}
