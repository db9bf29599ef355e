package dev.weft.http.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds a {@code multipart/form-data} body (RFC 7578; aiohttp's {@code FormData}): text
 * fields and files. Files are read when the body is sent, so they may be large.
 *
 * <pre>{@code
 * Body b = Body.multipart()
 *         .field("title", "holiday")
 *         .file("photo", Path.of("beach.jpg"), "image/jpeg")
 *         .file("notes", "notes.txt", "hello".getBytes(), "text/plain")
 *         .build();
 * }</pre>
 *
 * Not thread-safe; the built body is immutable.
 */
public final class Multipart {

    private final String boundary;
    private final List<Part> parts = new ArrayList<>();

    Multipart() {
        byte[] r = new byte[12];
        new SecureRandom().nextBytes(r);
        boundary = "weft-" + HexFormat.of().formatHex(r);
    }

    private record Part(String name, String filename, String contentType, byte[] data, Path path) {
    }

    /**
     * Adds a text field.
     *
     * @param name the name
     * @param value the value
     * @return this multipart
     */
    public Multipart field(String name, String value) {
        parts.add(new Part(name, null, null, value.getBytes(StandardCharsets.UTF_8), null));
        return this;
    }

    /**
     * Adds a file from disk (its name is the file's name).
     *
     * @param name the name
     * @param path the path
     * @param contentType the content type
     * @return this multipart
     */
    public Multipart file(String name, Path path, String contentType) {
        parts.add(new Part(name, path.getFileName().toString(), contentType, null, path));
        return this;
    }

    /**
     * Adds a file from disk as {@code application/octet-stream}.
     *
     * @param name the name
     * @param path the path
     * @return the multipart
     */
    public Multipart file(String name, Path path) {
        return file(name, path, "application/octet-stream");
    }

    /**
     * Adds a file from memory.
     *
     * @param name the name
     * @param filename the file name
     * @param data the bytes
     * @param contentType the content type
     * @return this multipart
     */
    public Multipart file(String name, String filename, byte[] data, String contentType) {
        parts.add(new Part(name, filename, contentType, data.clone(), null));
        return this;
    }

    /** {@return the body} */
    public Body build() {
        List<Part> snapshot = List.copyOf(parts);
        return new Body("multipart/form-data; boundary=" + boundary) {
            @Override
            public long contentLength() {
                long n = 0;
                for (Part p : snapshot) {
                    n += head(p).length + 2;
                    try {
                        n += p.data != null ? p.data.length : Files.size(p.path);
                    } catch (IOException e) {
                        return -1;
                    }
                }
                return n + boundary.length() + 6;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                for (Part p : snapshot) {
                    out.write(head(p));
                    if (p.data != null) {
                        out.write(p.data);
                    } else {
                        try (java.io.InputStream in = Files.newInputStream(p.path)) {
                            byte[] buf = new byte[64 * 1024];
                            int n;
                            while ((n = dev.weft.http.FileReads.read(in, buf, 0, buf.length)) > 0) {
                                out.write(buf, 0, n);
                            }
                        }
                    }
                    out.write(CRLF);
                }
                out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            }
        };
    }

    private static final byte[] CRLF = {'\r', '\n'};

    private byte[] head(Part p) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        StringBuilder sb = new StringBuilder();
        sb.append("--").append(boundary).append("\r\n");
        sb.append("Content-Disposition: form-data; name=\"").append(quote(p.name)).append('"');
        if (p.filename != null) {
            sb.append("; filename=\"").append(quote(p.filename)).append('"');
        }
        sb.append("\r\n");
        if (p.contentType != null) {
            sb.append("Content-Type: ").append(p.contentType).append("\r\n");
        }
        sb.append("\r\n");
        b.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    /** Escapes a name for a quoted-string as browsers do (RFC 7578 section 4.2). */
    private static String quote(String s) {
        return s.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
    }
}
