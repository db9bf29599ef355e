package dev.weft.http.server;

import dev.weft.http.Headers;

/**
 * Decides what a request gets of a {@link Response#file file response}: the whole file (200),
 * a part (206), nothing new (304), a failed precondition (412) or an unsatisfiable range (416).
 *
 * <p>Every file response gets its validators: {@code Last-Modified} (the file's modification
 * time, at most now) and a strong {@code ETag} made of the size and the modification time in
 * nanoseconds — any write that changes either changes the tag — unless the handler set its own;
 * and {@code Accept-Ranges: bytes} unless the handler set {@code Accept-Ranges: none}. For
 * {@code GET} and {@code HEAD} the {@link Preconditions} are evaluated; for {@code GET}, then a
 * {@code Range} (see {@link ByteRanges}) under its {@code If-Range}. A {@code HEAD} with a
 * {@code Range} gets the whole file's headers: RFC 9110 section 14.2 defines ranges for
 * {@code GET} only. Stateless.
 */
final class FileDelivery {

    private FileDelivery() {
    }

    /** The response to send for {@code file} to a {@code method} request with {@code request} headers. */
    static Response prepare(String method, Headers request, Response file) {
        if (!file.isFile() || file.status() != 200) {
            return file;
        }
        long now = System.currentTimeMillis() / 1000;
        Headers h = file.headers();
        long modified = Math.min(file.fileModified().getEpochSecond(), now);
        h.setIfAbsent("Last-Modified", HttpDates.format(modified));
        h.setIfAbsent("ETag", etag(file));
        boolean ranges = !"none".equalsIgnoreCase(h.get("Accept-Ranges"));
        if (ranges) {
            h.setIfAbsent("Accept-Ranges", "bytes");
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return file;
        }
        String etag = h.get("ETag");
        long lastModified = HttpDates.parse(h.get("Last-Modified"));
        int status = Preconditions.evaluate(request, etag, lastModified, now);
        if (status == 304) {
            return notModified(file);
        }
        if (status == 412) {
            return Response.text("412: Precondition Failed").status(412);
        }
        java.util.List<String> range = request.getAll("Range");
        if (!ranges || range.size() != 1 || !method.equals("GET")) {
            return file; // none, several fields (not a valid Range), or not a GET: RFC 9110 14.2 defines ranges for GET only
        }
        String ifRange = request.get("If-Range");
        if (ifRange != null && !Preconditions.ifRangeHolds(ifRange, etag, lastModified, now)) {
            return file; // the client's copy is outdated: it gets the whole new one
        }
        ByteRanges.Selection s = ByteRanges.select(range.get(0), file.fileSize());
        return switch (s.kind()) {
            case WHOLE -> file;
            case PART -> file.part(s.first(), s.last());
            case UNSATISFIABLE -> Response.text("416: Range Not Satisfiable").status(416)
                    .setHeader("Content-Range", "bytes */" + file.fileSize());
        };
    }

    /** {@code "<size in hex>-<modification time in nanoseconds since the epoch, hex>"}. */
    static String etag(Response file) {
        java.time.Instant m = file.fileModified();
        long nanos = m.getEpochSecond() * 1_000_000_000L + m.getNano();
        return "\"" + Long.toHexString(file.fileSize()) + "-" + Long.toHexString(nanos) + "\"";
    }

    /** 304: the validators and the handler's other headers, no content metadata, no body. */
    private static Response notModified(Response file) {
        Response r = Response.of(304);
        for (var e : file.headers()) {
            String name = e.getKey();
            if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Accept-Ranges")) {
                r.header(name, e.getValue());
            }
        }
        return r;
    }
}
