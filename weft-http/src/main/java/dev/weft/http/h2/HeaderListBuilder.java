package dev.weft.http.h2;

import dev.weft.http.Headers;
import dev.weft.http.h2.hpack.HeaderSink;

/**
 * Builds the {@link Http2Headers} of a received header block field by field, as the HPACK
 * decoder delivers them, and checks RFC 9113 section 8's rules for a well-formed request,
 * response or trailer section. It never throws while fields arrive (the whole block must be
 * decoded to keep HPACK in step); {@link #build} reports the first problem as a stream error
 * {@code PROTOCOL_ERROR}.
 */
final class HeaderListBuilder implements HeaderSink {

    /** What the block is expected to be. */
    enum Kind {
        REQUEST,
        RESPONSE,
        TRAILERS
    }

    private final Kind kind;
    private final Headers fields = new Headers();
    private String method;
    private String scheme;
    private String authority;
    private String path;
    private String status;
    private boolean sawRegular;
    private String malformed;
    private String contentLength;

    HeaderListBuilder(Kind kind) {
        this.kind = kind;
    }

    @Override
    public void field(String name, String value) {
        if (malformed != null) {
            return;
        }
        if (!validValue(value)) {
            malformed = "invalid value of field " + name;
            return;
        }
        if (!name.isEmpty() && name.charAt(0) == ':') {
            pseudo(name, value);
            return;
        }
        sawRegular = true;
        if (!validName(name)) {
            malformed = "invalid field name \"" + name + "\" (HTTP/2 field names are lower-case tokens)";
            return;
        }
        if (Http2Headers.CONNECTION_SPECIFIC.contains(name)) {
            malformed = "connection-specific field " + name;
            return;
        }
        if (name.equals("te") && !value.equals("trailers")) {
            malformed = "TE other than trailers";
            return;
        }
        if (name.equals("content-length")) {
            if (contentLength != null && !contentLength.equals(value)) {
                malformed = "conflicting content-length fields";
                return;
            }
            contentLength = value;
        }
        fields.add(name, value);
    }

    private void pseudo(String name, String value) {
        if (sawRegular) {
            malformed = "pseudo-header field " + name + " after a regular field";
            return;
        }
        boolean request = kind == Kind.REQUEST;
        boolean response = kind == Kind.RESPONSE;
        switch (name) {
            case ":method" -> method = once(request, name, method, value);
            case ":scheme" -> scheme = once(request, name, scheme, value);
            case ":authority" -> authority = once(request, name, authority, value);
            case ":path" -> path = once(request, name, path, value);
            case ":status" -> status = once(response, name, status, value);
            default -> malformed = "unknown pseudo-header field " + name;
        }
    }

    private String once(boolean allowed, String name, String previous, String value) {
        if (!allowed) {
            malformed = "pseudo-header field " + name + " in " + kind.name().toLowerCase(java.util.Locale.ROOT);
        } else if (previous != null) {
            malformed = "repeated pseudo-header field " + name;
        }
        return value;
    }

    /**
     * The checked list.
     *
     * @throws Http2Exception a stream error {@code PROTOCOL_ERROR} if it is malformed
     */
    Http2Headers build(int streamId) throws Http2Exception {
        if (malformed == null) {
            malformed = checkRequired();
        }
        if (malformed != null) {
            throw Http2Exception.streamError(streamId, Http2ErrorCode.PROTOCOL_ERROR, "malformed "
                    + kind.name().toLowerCase(java.util.Locale.ROOT) + " on stream " + streamId + ": " + malformed);
        }
        int code = status == null ? -1 : Integer.parseInt(status);
        return Http2Headers.received(method, scheme, authority, path, code, fields);
    }

    /** The {@code content-length} field, or null. */
    String contentLength() {
        return contentLength;
    }

    private String checkRequired() {
        switch (kind) {
            case REQUEST -> {
                if (method == null) {
                    return "no :method";
                }
                if (method.equals("CONNECT")) {
                    return authority == null || scheme != null || path != null
                            ? "CONNECT needs :authority and no :scheme or :path" : null;
                }
                if (scheme == null || path == null) {
                    return "no :scheme or :path";
                }
                if (path.isEmpty() || (path.charAt(0) != '/' && !(path.equals("*") && method.equals("OPTIONS")))) {
                    return "invalid :path \"" + path + "\"";
                }
                String host = fields.get("host");
                if (authority != null && host != null && !host.equalsIgnoreCase(authority)) {
                    return "host differs from :authority";
                }
                return null;
            }
            case RESPONSE -> {
                if (status == null) {
                    return "no :status";
                }
                if (status.length() != 3 || !Character.isDigit(status.charAt(0)) || !Character.isDigit(status.charAt(1))
                        || !Character.isDigit(status.charAt(2)) || status.charAt(0) == '0') {
                    return "invalid :status \"" + status + "\"";
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /** RFC 9110 tchar without upper-case letters, by US-ASCII code. */
    private static final boolean[] LOWER_TCHAR = new boolean[128];

    static {
        for (int c = 0; c < 128; c++) {
            LOWER_TCHAR[c] = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
    }

    private static boolean validName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 128 || !LOWER_TCHAR[c]) {
                return false;
            }
        }
        return true;
    }

    private static boolean validValue(String value) {
        int n = value.length();
        if (n > 0) {
            char first = value.charAt(0);
            char last = value.charAt(n - 1);
            if (first == ' ' || first == '\t' || last == ' ' || last == '\t') {
                return false;
            }
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c == 0 || c == '\r' || c == '\n') {
                return false;
            }
        }
        return true;
    }
}
