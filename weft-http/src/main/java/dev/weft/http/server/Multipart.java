package dev.weft.http.server;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Parses a buffered {@code multipart/form-data} body (RFC 7578). Malformed input: 400. */
final class Multipart {

    private static final int MAX_PARTS = 1000;

    private Multipart() {
    }

    static FormData parse(byte[] body, String boundary, Charset charset) {
        if (boundary == null || boundary.isEmpty() || boundary.length() > 200) {
            throw new HttpStatusException(400, "multipart body without a valid boundary");
        }
        byte[] delim = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        byte[] innerDelim = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        Map<String, List<String>> fields = new LinkedHashMap<>();
        List<FormData.FilePart> files = new ArrayList<>();
        int pos;
        if (startsWith(body, 0, delim)) {
            pos = delim.length;
        } else {
            int at = indexOf(body, innerDelim, 0);
            if (at < 0) {
                throw bad("no boundary found");
            }
            pos = at + innerDelim.length;
        }
        int parts = 0;
        while (true) {
            if (startsWith(body, pos, new byte[] {'-', '-'})) {
                return new FormData(fields, files); // close delimiter; the epilogue is ignored
            }
            // transport padding, then CRLF
            while (pos < body.length && (body[pos] == ' ' || body[pos] == '\t')) {
                pos++;
            }
            if (!startsWith(body, pos, new byte[] {'\r', '\n'})) {
                throw bad("malformed boundary line");
            }
            pos += 2;
            int headEnd = indexOf(body, new byte[] {'\r', '\n', '\r', '\n'}, pos);
            String name = null;
            String filename = null;
            String type = null;
            int contentStart;
            if (startsWith(body, pos, new byte[] {'\r', '\n'})) {
                contentStart = pos + 2; // a part without headers
            } else {
                if (headEnd < 0) {
                    throw bad("part head without an end");
                }
                String head = new String(body, pos, headEnd - pos, StandardCharsets.UTF_8);
                for (String line : head.split("\r\n")) {
                    int colon = line.indexOf(':');
                    if (colon <= 0) {
                        throw bad("malformed part header");
                    }
                    String hn = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String hv = line.substring(colon + 1).trim();
                    if (hn.equals("content-disposition")) {
                        name = param(hv, "name");
                        filename = param(hv, "filename");
                    } else if (hn.equals("content-type")) {
                        type = hv;
                    }
                }
                contentStart = headEnd + 4;
            }
            int contentEnd = indexOf(body, innerDelim, contentStart);
            if (contentEnd < 0) {
                throw bad("part without a closing boundary");
            }
            if (++parts > MAX_PARTS) {
                throw bad("more than " + MAX_PARTS + " parts");
            }
            if (name != null) {
                byte[] content = java.util.Arrays.copyOfRange(body, contentStart, contentEnd);
                if (filename != null) {
                    files.add(new FormData.FilePart(name, filename, type == null ? "application/octet-stream" : type,
                            content));
                } else {
                    Charset cs = type == null ? charset : Request.charsetOf(type, charset);
                    fields.computeIfAbsent(name, k -> new ArrayList<>(1)).add(new String(content, cs));
                }
            }
            pos = contentEnd + innerDelim.length;
        }
    }

    /** A parameter of a header value such as {@code form-data; name="a"; filename="b.txt"}. */
    static String param(String value, String name) {
        int i = value.indexOf(';');
        while (i >= 0 && i < value.length()) {
            int j = i + 1;
            while (j < value.length() && value.charAt(j) == ' ') {
                j++;
            }
            int eq = value.indexOf('=', j);
            if (eq < 0) {
                return null;
            }
            String key = value.substring(j, eq).trim();
            String v;
            int next;
            if (eq + 1 < value.length() && value.charAt(eq + 1) == '"') {
                StringBuilder sb = new StringBuilder();
                int k = eq + 2;
                while (k < value.length() && value.charAt(k) != '"') {
                    char c = value.charAt(k);
                    if (c == '\\' && k + 1 < value.length()) {
                        c = value.charAt(++k);
                    }
                    sb.append(c);
                    k++;
                }
                v = sb.toString();
                next = value.indexOf(';', k);
            } else {
                next = value.indexOf(';', eq);
                v = (next < 0 ? value.substring(eq + 1) : value.substring(eq + 1, next)).trim();
            }
            if (key.equalsIgnoreCase(name)) {
                return v;
            }
            i = next;
        }
        return null;
    }

    private static HttpStatusException bad(String why) {
        return new HttpStatusException(400, "malformed multipart body: " + why);
    }

    private static boolean startsWith(byte[] a, int at, byte[] p) {
        if (at + p.length > a.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (a[at + i] != p[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] a, byte[] p, int from) {
        outer:
        for (int i = from; i <= a.length - p.length; i++) {
            for (int j = 0; j < p.length; j++) {
                if (a[i + j] != p[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
