package dev.weft.http.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.net.URI;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Undoes the {@code Content-Encoding} of a response body ({@code gzip}, {@code x-gzip},
 * {@code deflate} in its zlib or raw form, {@code br}, {@code identity}) while counting bytes in
 * and out against {@link DecompressionLimits}. Inflating works through small fixed buffers, so
 * a bomb costs no memory before it is refused; a Brotli body also needs the decoder's window,
 * at most 16 MiB (the format's largest), for as long as it is decoded. Stateless.
 */
final class Decompression {

    private Decompression() {
    }

    /** True if {@code encoding} is one this class undoes (identity or empty: no decoding needed). */
    static boolean supported(String encoding) {
        String e = encoding.trim().toLowerCase(Locale.ROOT);
        return e.equals("gzip") || e.equals("x-gzip") || e.equals("deflate") || e.equals("br");
    }

    /** Wraps {@code raw}, the body of {@code url}, so that it yields the decoded body. */
    static InputStream decode(String encoding, InputStream raw, DecompressionLimits limits, URI url)
            throws IOException {
        Counting in = new Counting(raw);
        String e = encoding.trim().toLowerCase(Locale.ROOT);
        InputStream inflated;
        if (e.equals("gzip") || e.equals("x-gzip")) {
            inflated = gzip(in);
        } else if (e.equals("br")) {
            inflated = new BrotliStream(in);
        } else {
            PushbackInputStream p = new PushbackInputStream(in, 2);
            int b0 = p.read();
            int b1 = b0 < 0 ? -1 : p.read();
            if (b1 >= 0) {
                p.unread(b1);
            }
            if (b0 >= 0) {
                p.unread(b0);
            }
            boolean zlib = b0 >= 0 && b1 >= 0 && (b0 & 0x0f) == 8 && ((b0 << 8) | b1) % 31 == 0;
            inflated = new InflaterInputStream(p, new Inflater(!zlib), 8192);
        }
        return new Capped(inflated, in, limits, url);
    }

    /**
     * A gzip body. {@code GZIPInputStream} reads the header as it is made, so its failures are
     * told apart here as the reads' are: a body that is not gzip at all (a server that labels
     * plain HTML {@code gzip}) is corrupt data, not a broken connection, and an empty body (a
     * redirect or a 204 labelled {@code gzip}) is an empty body, as browsers read it.
     */
    private static InputStream gzip(InputStream in) throws IOException {
        PushbackInputStream p = new PushbackInputStream(in, 1);
        int first = p.read();
        if (first < 0) {
            return InputStream.nullInputStream();
        }
        p.unread(first);
        try {
            return new GZIPInputStream(p, 8192);
        } catch (java.util.zip.ZipException e) {
            throw new dev.weft.http.HttpProtocolException(502, "corrupt compressed body: " + e.getMessage());
        } catch (java.io.EOFException e) {
            throw new ServerDisconnectedException("the compressed body ended early", e);
        }
    }

    /**
     * A Brotli body through Google's decoder ({@code org.brotli.dec}), with its failures told
     * apart: the decoder wraps everything in plain IOExceptions, so a failure of the connection
     * under it (a timeout, the server going away) is dug out and thrown as itself, and anything
     * else is corrupt data. The decoder is made on the first read, since it starts by reading.
     */
    private static final class BrotliStream extends InputStream {
        private final InputStream source;
        private org.brotli.dec.BrotliInputStream decoder;

        BrotliStream(InputStream compressed) {
            this.source = new InputStream() {
                @Override
                public int read() throws IOException {
                    return compressed.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n;
                    do {
                        n = compressed.read(b, off, len); // the decoder takes 0 for the end
                    } while (n == 0 && len > 0);
                    return n;
                }
            };
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                if (decoder == null) {
                    decoder = new org.brotli.dec.BrotliInputStream(source);
                }
                return decoder.read(b, off, len);
            } catch (IOException e) {
                for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                    if (t instanceof IOException io) {
                        throw io; // the connection failed, not the data
                    }
                }
                Throwable why = e.getCause() != null ? e.getCause() : e;
                throw new dev.weft.http.HttpProtocolException(502, "corrupt brotli body: " + why.getMessage());
            } catch (RuntimeException e) { // the decoder's own checks on malformed data
                throw new dev.weft.http.HttpProtocolException(502, "corrupt brotli body: " + e);
            }
        }
    }

    /** Counts the compressed bytes read. */
    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    /** Refuses more output than the limits allow. */
    private static final class Capped extends FilterInputStream {
        private final Counting compressed;
        private final DecompressionLimits limits;
        private final URI url;
        private long out;

        Capped(InputStream inflated, Counting compressed, DecompressionLimits limits, URI url) {
            super(inflated);
            this.compressed = compressed;
            this.limits = limits;
            this.url = url;
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
                n = super.read(b, off, len);
            } catch (java.util.zip.ZipException e) {
                throw new dev.weft.http.HttpProtocolException(502, "corrupt compressed body: " + e.getMessage());
            } catch (java.io.EOFException e) {
                throw new ServerDisconnectedException("the compressed body ended early", e);
            }
            if (n > 0) {
                out += n;
                if (out > limits.maxBytes()) {
                    throw new DecompressionBombException("the body of " + url + " inflates to more than "
                            + limits.maxBytes() + " bytes (DecompressionLimits.maxBytes; from " + compressed.count
                            + " compressed bytes)");
                }
                if (limits.maxRatio() > 0 && out > limits.ratioCheckAfter()
                        && out > (long) limits.maxRatio() * Math.max(1, compressed.count)) {
                    throw new DecompressionBombException("the body of " + url + " inflates more than "
                            + limits.maxRatio() + ":1 (DecompressionLimits.maxRatio; " + out + " bytes from "
                            + compressed.count + ")");
                }
            }
            return n;
        }
    }
}
