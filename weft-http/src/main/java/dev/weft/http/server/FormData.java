package dev.weft.http.server;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields and uploaded files of a form body (aiohttp's {@code await request.post()}), from
 * {@code application/x-www-form-urlencoded} or {@code multipart/form-data}. Read-only.
 *
 * <pre>{@code
 * FormData form = request.form();
 * String name = form.get("name");
 * FormData.FilePart avatar = form.file("avatar");   // null if none
 * }</pre>
 */
public final class FormData {

    /**
     * An uploaded file of a multipart form.
     *
     * @param field       the form field name
     * @param filename    the file name the client gave (not a safe path: never use it as one)
     * @param contentType the part's content type ({@code application/octet-stream} if none was given)
     * @param content     the bytes
     */
    public record FilePart(String field, String filename, String contentType, byte[] content) {

        /**
         * The content decoded as {@code charset}.
         *
         * @param charset the character set
         * @return the content decoded as {@code charset}
         */
        public String text(Charset charset) {
            return new String(content, charset);
        }
    }

    private final Map<String, List<String>> fields;
    private final List<FilePart> files;

    FormData(Map<String, List<String>> fields, List<FilePart> files) {
        this.fields = fields;
        this.files = files;
    }

    static FormData empty() {
        return new FormData(new LinkedHashMap<>(), new ArrayList<>());
    }

    /**
     * The first value of field {@code name}, or null.
     *
     * @param name the name
     * @return the first value of field {@code name}, or null
     */
    public String get(String name) {
        List<String> v = fields.get(name);
        return v == null ? null : v.get(0);
    }

    /**
     * Every value of field {@code name} (empty if none).
     *
     * @param name the name
     * @return every value of the field, in order (empty if none)
     */
    public List<String> getAll(String name) {
        List<String> v = fields.get(name);
        return v == null ? List.of() : Collections.unmodifiableList(v);
    }

    /** {@return the field names, in order} */
    public Set<String> names() {
        return Collections.unmodifiableSet(fields.keySet());
    }

    /** {@return the fields as an ordered multimap} */
    public Map<String, List<String>> fields() {
        return Collections.unmodifiableMap(fields);
    }

    /** {@return the uploaded files, in order} */
    public List<FilePart> files() {
        return Collections.unmodifiableList(files);
    }

    /**
     * The first file uploaded as field {@code name}, or null.
     *
     * @param name the name
     * @return this file part
     */
    public FilePart file(String name) {
        for (FilePart f : files) {
            if (f.field().equals(name)) {
                return f;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "FormData[fields=" + fields.keySet() + ", files=" + files.size() + "]";
    }
}
