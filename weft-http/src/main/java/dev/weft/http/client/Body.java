package dev.weft.http.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A request body (aiohttp's {@code data=} / {@code json=}): its bytes, its content type and,
 * if known, its length. A body of known length is sent with {@code Content-Length}; a stream
 * of unknown length with {@code Transfer-Encoding: chunked}.
 *
 * <pre>{@code
 * Body.text("hi")                                   // text/plain; charset=UTF-8
 * Body.form(Map.of("name", "germey", "age", "25"))  // data={'name': 'germey', 'age': 25}
 * Body.json(Map.of("id", 7))                        // json={'id': 7}
 * Body.multipart().field("a", "1").file("f", Path.of("x.png")).build()
 * Body.stream(inputStream, "application/octet-stream")  // chunked
 * }</pre>
 *
 * <p>Every body but a stream can be sent again (for a 307/308 redirect or a retry): see
 * {@link #replayable()}. Immutable, except that a stream can be read once.
 */
public abstract class Body {

    static final ObjectMapper JSON = new ObjectMapper();

    private final String contentType;

    Body(String contentType) {
        this.contentType = contentType;
    }

    /** {@return the Content-Type it is sent with, or null} */
    public final String contentType() {
        return contentType;
    }

    /** {@return the length in bytes, or -1 if unknown (then it is sent chunked)} */
    public abstract long contentLength();

    /** {@return true if {@link #writeTo} can be called more than once} */
    public boolean replayable() {
        return true;
    }

    /**
     * Writes the body (the connection's task calls this; it may block on a file or stream).
     *
     * @param out where the body goes
     * @throws IOException if the body cannot be read or the connection fails
     */
    public abstract void writeTo(OutputStream out) throws IOException;

    // ------------------------------------------------------------------ factories

    /**
     * Raw bytes, {@code application/octet-stream}.
     *
     * @param data the bytes
     * @return the body
     */
    public static Body bytes(byte[] data) {
        return bytes(data, "application/octet-stream");
    }

    /**
     * Raw bytes with a content type.
     *
     * @param data the bytes
     * @param contentType the content type
     * @return the body
     */
    public static Body bytes(byte[] data, String contentType) {
        return new Fixed(data.clone(), contentType);
    }

    /**
     * Text in UTF-8, {@code text/plain; charset=UTF-8}.
     *
     * @param text the text
     * @return the body
     */
    public static Body text(String text) {
        return text(text, "text/plain", StandardCharsets.UTF_8);
    }

    /**
     * Text of a media type in a charset: {@code text(s, "text/html", UTF_8)}.
     *
     * @param text the text
     * @param mediaType the media type
     * @param charset the character set
     * @return the body
     */
    public static Body text(String text, String mediaType, Charset charset) {
        return new Fixed(text.getBytes(charset), mediaType + "; charset=" + charset.name());
    }

    /**
     * Form fields, {@code application/x-www-form-urlencoded} (values are turned into strings).
     *
     * @param fields the fields
     * @return the body
     */
    public static Body form(Map<String, ?> fields) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            if (!sb.isEmpty()) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(String.valueOf(e.getValue()), StandardCharsets.UTF_8));
        }
        return new Fixed(sb.toString().getBytes(StandardCharsets.US_ASCII), "application/x-www-form-urlencoded");
    }

    /**
     * A value serialized by Jackson, {@code application/json}.
     *
     * @param value the value
     * @return a value serialized by Jackson, {@code application/json}
     */
    public static Body json(Object value) {
        try {
            return new Fixed(JSON.writeValueAsBytes(value), "application/json");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize to JSON: " + e.getMessage(), e);
        }
    }

    /**
     * A file's content (read when sent, so it can be large).
     *
     * @param path the path
     * @param contentType the content type
     * @return a file's content (read when sent, so it can be large)
     */
    public static Body file(Path path, String contentType) {
        return new FileBody(path, contentType);
    }

    /**
     * A stream sent chunked as it is read; it can be sent once.
     *
     * @param in the input stream
     * @param contentType the content type
     * @return a stream sent chunked as it is read; it can be sent once
     */
    public static Body stream(InputStream in, String contentType) {
        return new StreamBody(in, contentType, -1);
    }

    /**
     * A stream of known length, sent with Content-Length; it can be sent once.
     *
     * @param in the input stream
     * @param contentType the content type
     * @param length the length
     * @return a stream of known length, sent with Content-Length; it can be sent once
     */
    public static Body stream(InputStream in, String contentType, long length) {
        return new StreamBody(in, contentType, length);
    }

    /** {@return starts a {@code multipart/form-data} body (fields and files)} */
    public static Multipart multipart() {
        return new Multipart();
    }

    // ------------------------------------------------------------------ kinds

    /** Bytes in memory. */
    static final class Fixed extends Body {
        final byte[] data;

        Fixed(byte[] data, String contentType) {
            super(contentType);
            this.data = data;
        }

        @Override
        public long contentLength() {
            return data.length;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            out.write(data);
        }
    }

    /** A file. */
    static final class FileBody extends Body {
        private final Path path;

        FileBody(Path path, String contentType) {
            super(contentType);
            this.path = path;
        }

        @Override
        public long contentLength() {
            try {
                return Files.size(path);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            try (InputStream in = Files.newInputStream(path)) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = dev.weft.http.FileReads.read(in, buf, 0, buf.length)) > 0) {
                    out.write(buf, 0, n);
                }
            }
        }
    }

    /** A one-shot stream. */
    static final class StreamBody extends Body {
        private final InputStream in;
        private final long length;
        private boolean used;

        StreamBody(InputStream in, String contentType, long length) {
            super(contentType);
            this.in = in;
            this.length = length;
        }

        @Override
        public long contentLength() {
            return length;
        }

        @Override
        public boolean replayable() {
            return false;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            if (used) {
                throw new IllegalStateException("a stream body can be sent only once");
            }
            used = true;
            byte[] buf = new byte[16 * 1024];
            long left = length < 0 ? Long.MAX_VALUE : length;
            int n;
            while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) >= 0) {
                out.write(buf, 0, n);
                left -= n;
            }
            if (length >= 0 && left > 0) {
                throw new IOException("the stream ended " + left + " bytes before its declared length");
            }
        }
    }
}
