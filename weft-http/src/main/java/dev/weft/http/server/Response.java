package dev.weft.http.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.weft.http.FileReads;
import dev.weft.http.Headers;
import dev.weft.http.OffLoop;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;

/**
 * What a {@link Handler} answers (aiohttp's {@code web.Response} / {@code web.json_response} /
 * {@code web.FileResponse} / {@code web.StreamResponse}): a status, headers and a body that is
 * either bytes, a file or a {@link StreamingBody}. Made by the static factories, adjusted with
 * the fluent setters:
 *
 * <pre>{@code
 * return Response.json(Map.of("id", id)).status(201).header("Location", "/users/" + id);
 * return Response.text("gone").status(410);
 * return Response.redirect("/login");
 * return Response.stream("application/x-ndjson", out -> { ... });
 * }</pre>
 *
 * <p>The server adds {@code Date}, {@code Server}, {@code Content-Length} or
 * {@code Transfer-Encoding: chunked}, and {@code Connection} as needed; framing headers a
 * handler sets are replaced. A handler that sets {@code Connection: close} ends the connection
 * after this response. Not thread-safe; a response is sent once.
 */
public final class Response {

    private int status = 200;
    private String reason;
    private final Headers headers = new Headers();
    private byte[] body;
    private Path file;
    private long fileSize;
    private Instant fileModified;
    private long partFirst;
    private long partLength = -1;
    private StreamingBody stream;
    private java.util.function.Supplier<Headers> trailers;

    private Response() {
    }

    // ------------------------------------------------------------------ factories

    /**
     * An empty response with {@code status}: {@code Response.of(204)}.
     *
     * @param status the HTTP status code
     * @return an empty response with {@code status}: {@code Response.of(204)}
     */
    public static Response of(int status) {
        return new Response().status(status).body(new byte[0]);
    }

    /**
     * A {@code text/plain; charset=utf-8} body.
     *
     * @param text the text
     * @return a {@code text/plain; charset=utf-8} body
     */
    public static Response text(String text) {
        return bytes(text.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
    }

    /**
     * A {@code text/html; charset=utf-8} body.
     *
     * @param html the html
     * @return a {@code text/html; charset=utf-8} body
     */
    public static Response html(String html) {
        return bytes(html.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8");
    }

    /**
     * Text encoded in {@code charset}, with that charset in the {@code Content-Type}.
     *
     * @param text the text
     * @param mediaType the media type
     * @param charset the character set
     * @return the response
     */
    public static Response text(String text, String mediaType, Charset charset) {
        return bytes(text.getBytes(charset), mediaType + "; charset=" + charset.name().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * A JSON body ({@code application/json}): a Jackson {@code JsonNode}, a map, a list, a record
     * or any bean Jackson can write.
     *
     * @param value the value
     * @return a JSON body ({@code application/json}): a Jackson {@code JsonNode}, a map, a list, a record or any bean Jackson can write
     */
    public static Response json(Object value) {
        try {
            return bytes(Json.MAPPER.writeValueAsBytes(value), "application/json");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + value.getClass().getName(), e);
        }
    }

    /**
     * A body of bytes with a content type (null: none).
     *
     * @param body the task's body
     * @param contentType the content type
     * @return a body of bytes with a content type (null: none)
     */
    public static Response bytes(byte[] body, String contentType) {
        Response r = new Response().body(body);
        if (contentType != null) {
            r.headers.set("Content-Type", contentType);
        }
        return r;
    }

    /**
     * A {@code 302 Found} redirect to {@code location} (absolute or relative).
     *
     * @param location the location
     * @return a {@code 302 Found} redirect to {@code location} (absolute or relative)
     */
    public static Response redirect(String location) {
        return redirect(302, location);
    }

    /**
     * A redirect with {@code status} (301, 302, 303, 307 or 308).
     *
     * @param status the HTTP status code
     * @param location the location
     * @return a redirect with {@code status} (301, 302, 303, 307 or 308)
     */
    public static Response redirect(int status, String location) {
        if (status / 100 != 3) {
            throw new IllegalArgumentException("not a redirect status: " + status);
        }
        return of(status).header("Location", location);
    }

    /**
     * The contents of a regular file, sent with {@code Content-Length} and a content type guessed
     * from its name (aiohttp's {@code web.FileResponse}). The server adds {@code Last-Modified},
     * an {@code ETag} (from the size and modification time; a handler's own {@code ETag} or
     * {@code Last-Modified} is kept) and {@code Accept-Ranges: bytes}, and answers conditional
     * {@code GET}/{@code HEAD} requests ({@code If-None-Match}, {@code If-Modified-Since} → 304;
     * {@code If-Match}, {@code If-Unmodified-Since} → 412) and a single {@code Range} (206, or 416
     * if it lies past the end) by itself; set {@code Accept-Ranges: none} to refuse ranges. In a
     * task, the file's metadata is read off the loop. See {@link Router#staticFiles} for serving a
     * directory safely.
     *
     * @param path the path
     * @return the contents of a regular file, sent with {@code Content-Length} and a content type guessed from its name (aiohttp's {@code web.FileResponse})
     * @throws UncheckedIOException if the file cannot be read or is not a regular file
     */
    public static Response file(Path path) {
        try {
            return file(path, OffLoop.call(() -> Files.readAttributes(path, BasicFileAttributes.class)));
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file response for a file whose attributes were just read. */
    static Response file(Path path, BasicFileAttributes attributes) {
        if (!attributes.isRegularFile()) {
            throw new UncheckedIOException(new java.io.IOException("not a regular file: " + path));
        }
        Response r = new Response();
        r.file = path;
        r.fileSize = attributes.size();
        r.fileModified = attributes.lastModifiedTime().toInstant();
        r.headers.set("Content-Type", MediaTypes.of(path.getFileName().toString()));
        return r;
    }

    /**
     * A body written as it is produced, chunked (see {@link StreamingBody}).
     *
     * @param contentType the content type
     * @param body the task's body
     * @return a body written as it is produced, chunked (see {@link StreamingBody})
     */
    public static Response stream(String contentType, StreamingBody body) {
        Response r = new Response();
        r.stream = body;
        if (contentType != null) {
            r.headers.set("Content-Type", contentType);
        }
        return r;
    }

    // ------------------------------------------------------------------ setters

    /**
     * Sets the status code (100-999).
     *
     * @param status the HTTP status code
     * @return this response
     */
    public Response status(int status) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("invalid status: " + status);
        }
        this.status = status;
        return this;
    }

    /**
     * Sets a custom reason phrase (default: the standard one).
     *
     * @param reason the reason
     * @return this response
     */
    public Response reason(String reason) {
        this.reason = reason;
        return this;
    }

    /**
     * Adds a header field (another value for the same name is kept beside it).
     *
     * @param name the name
     * @param value the value
     * @return this response
     */
    public Response header(String name, String value) {
        headers.add(name, value);
        return this;
    }

    /**
     * Replaces every value of a header field.
     *
     * @param name the name
     * @param value the value
     * @return this response
     */
    public Response setHeader(String name, String value) {
        headers.set(name, value);
        return this;
    }

    /**
     * Adds a {@code Set-Cookie} field: {@code cookie("session", "abc", "Path=/", "HttpOnly")}.
     *
     * @param name the name
     * @param value the value
     * @param attributes the attributes
     * @return this response
     * @throws IllegalArgumentException if the name is not a token or the value holds characters a
     *                                  cookie value may not (space, comma, semicolon, quote, backslash, controls)
     */
    public Response cookie(String name, String value, String... attributes) {
        if (!Headers.isToken(name)) {
            throw new IllegalArgumentException("invalid cookie name: " + name);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\') {
                throw new IllegalArgumentException("invalid character in cookie value of " + name);
            }
        }
        StringBuilder sb = new StringBuilder(name).append('=').append(value);
        for (String a : attributes) {
            sb.append("; ").append(a);
        }
        headers.add("Set-Cookie", sb.toString());
        return this;
    }

    /**
     * Adds a {@code Set-Cookie} field that deletes cookie {@code name} (at path /).
     *
     * @param name the name
     * @return this response
     */
    public Response deleteCookie(String name) {
        return cookie(name, "", "Expires=Thu, 01 Jan 1970 00:00:00 GMT", "Max-Age=0", "Path=/");
    }

    /**
     * Sends trailer fields after the body (gRPC's {@code grpc-status}, a checksum of a streamed
     * body), asked for once the body has been written, so a {@link StreamingBody} can fill them in
     * as it goes. Over HTTP/2 they are a HEADERS frame ending the stream; over HTTP/1.1 the body is
     * sent chunked, whatever its length, and they are its trailer section. An HTTP/1.0 client, a
     * {@code HEAD} request and a status without a body (1xx, 204, 304) get none. Null or empty
     * fields send none.
     *
     * <pre>{@code
     * CRC32 crc = new CRC32();
     * return Response.stream("application/octet-stream", out -> {
     *     for (byte[] block : blocks) {
     *         crc.update(block);
     *         out.write(block);
     *     }
     * }).trailers(() -> Headers.of("X-CRC32", Long.toHexString(crc.getValue())));
     * }</pre>
     *
     * <p>Fields a trailer section may not carry ({@code Content-Length}, {@code Transfer-Encoding},
     * {@code Host}, {@code Content-Type}, {@code Set-Cookie}, … RFC 9110 section 6.5.1) are refused:
     * those {@code trailers} gives, after the body has gone out, end the response unfinished (the
     * HTTP/1.1 connection closed before the last chunk, the HTTP/2 stream reset), and the error is
     * logged, as for a failing {@link StreamingBody}.
     *
     * @param trailers gives the fields, called in the handler's task after the body
     * @return this response
     */
    public Response trailers(java.util.function.Supplier<Headers> trailers) {
        this.trailers = trailers;
        return this;
    }

    /**
     * Sends fixed trailer fields after the body, as {@link #trailers(java.util.function.Supplier)}
     * does; the fields are checked (and copied) at once.
     *
     * @param fields the trailer fields
     * @return this response
     * @throws IllegalArgumentException if a field may not be sent as a trailer
     */
    public Response trailers(Headers fields) {
        this.trailers = dev.weft.http.codec.TrailerFields.fixed(fields);
        return this;
    }

    /** True if trailers were set (they may still turn out empty). */
    boolean hasTrailers() {
        return trailers != null;
    }

    /**
     * The trailer fields to send after the body, asked for now.
     *
     * @return the checked fields, empty for none
     * @throws IllegalArgumentException if a field may not be sent as a trailer
     */
    Headers trailersToSend() {
        return dev.weft.http.codec.TrailerFields.ask(trailers);
    }

    private Response body(byte[] b) {
        this.body = b;
        return this;
    }

    // ------------------------------------------------------------------ getters

    /** {@return the status code} */
    public int status() {
        return status;
    }

    /** {@return the reason phrase, or null for the standard one} */
    public String reason() {
        return reason;
    }

    /** {@return the header fields (changeable until the response is sent)} */
    public Headers headers() {
        return headers;
    }

    /** {@return the body bytes, or null for a file or streamed body} */
    public byte[] body() {
        return body;
    }

    /** {@return the body length (of a file: the part sent), or -1 if it is streamed} */
    public long contentLength() {
        if (body != null) {
            return body.length;
        }
        if (file != null) {
            return partLength >= 0 ? partLength : fileSize;
        }
        return -1;
    }

    boolean isStreamed() {
        return stream != null;
    }

    /** True for a {@link #file} response. */
    boolean isFile() {
        return file != null;
    }

    /** The whole size of the file of a file response. */
    long fileSize() {
        return fileSize;
    }

    /** The modification time of the file of a file response. */
    Instant fileModified() {
        return fileModified;
    }

    /** Makes this file response send bytes {@code first..last} (inclusive) of the file: 206 with {@code Content-Range}. */
    Response part(long first, long last) {
        if (file == null || first < 0 || last < first || last >= fileSize) {
            throw new IllegalArgumentException("no such part: " + first + "-" + last + " of " + fileSize);
        }
        partFirst = first;
        partLength = last - first + 1;
        status = 206;
        headers.set("Content-Range", "bytes " + first + "-" + last + "/" + fileSize);
        return this;
    }

    /** Writes a file or streamed body to {@code out}. */
    void writeBodyTo(OutputStream out) throws Exception {
        if (file != null) {
            long first = partFirst;
            FileChannel channel = OffLoop.call(() -> {
                FileChannel c = FileChannel.open(file, StandardOpenOption.READ);
                try {
                    c.position(first);
                } catch (java.io.IOException | RuntimeException e) {
                    c.close();
                    throw e;
                }
                return c;
            }, Response::closeQuietly);
            try (InputStream in = Channels.newInputStream(channel)) {
                byte[] buf = new byte[64 * 1024];
                long left = contentLength();
                int n;
                while (left > 0 && (n = FileReads.read(in, buf, 0, (int) Math.min(buf.length, left))) > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                    left -= n;
                }
                if (left > 0) {
                    throw new java.io.EOFException("file " + file + " shrank while being sent");
                }
            }
        } else if (stream != null) {
            stream.writeTo(out);
        }
    }

    private static void closeQuietly(FileChannel c) {
        try {
            c.close();
        } catch (java.io.IOException ignored) {
            // an abandoned open: nothing more to do
        }
    }

    @Override
    public String toString() {
        return "Response[" + status + ", length=" + contentLength() + "]";
    }
}
