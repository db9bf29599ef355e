package dev.weft.http.httpbin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.Weft;
import dev.weft.http.server.FormData;
import dev.weft.http.server.HttpStatusException;
import dev.weft.http.server.Request;
import dev.weft.http.server.Response;
import dev.weft.http.server.Router;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A local stand-in for <a href="https://httpbin.org">httpbin.org</a>: the endpoints tests and
 * examples call, answering with JSON shaped like httpbin's, so nothing needs the internet.
 *
 * <pre>{@code
 * HttpServer server = HttpServer.start(HttpBin.router(), "127.0.0.1", 0);
 * // GET http://127.0.0.1:<port>/get?a=1  ->  {"args": {"a": "1"}, "headers": {...}, "origin": "127.0.0.1", "url": "..."}
 * }</pre>
 *
 * <p>From the shell: {@code ./weft serve httpbin --port 8080 [--host 127.0.0.1]}.
 *
 * <table>
 * <caption>Endpoints</caption>
 * <tr><td>{@code /get}, {@code /post}, {@code /put}, {@code /patch}, {@code /delete}</td><td>the request echoed:
 *     args, headers, origin, url (+ data, form, files, json for bodies)</td></tr>
 * <tr><td>{@code /anything[/...]}</td><td>the same for any method, with {@code method}</td></tr>
 * <tr><td>{@code /headers}, {@code /ip}, {@code /user-agent}, {@code /uuid}</td><td>parts of the request</td></tr>
 * <tr><td>{@code /status/{code}}</td><td>that status ({@code 200,404}: one of them at random)</td></tr>
 * <tr><td>{@code /delay/{s}}</td><td>answers after {@code s} seconds (at most 10) with Weft.sleep</td></tr>
 * <tr><td>{@code /drip?duration=&numbytes=&code=&delay=}</td><td>the head at once, then {@code numbytes}
 *     asterisks spread over {@code duration} seconds</td></tr>
 * <tr><td>{@code /redirect/{n}}, {@code /relative-redirect/{n}}, {@code /absolute-redirect/{n}},
 *     {@code /redirect-to?url=&status_code=}</td><td>302 chains ending at {@code /get}</td></tr>
 * <tr><td>{@code /gzip}, {@code /deflate}</td><td>JSON with {@code Content-Encoding} gzip / deflate</td></tr>
 * <tr><td>{@code /bytes/{n}?seed=}, {@code /stream-bytes/{n}}</td><td>n random bytes (seeded: repeatable), at most
 *     100 KiB as httpbin.org; streamed chunked</td></tr>
 * <tr><td>{@code /stream/{n}}</td><td>n JSON lines, chunked</td></tr>
 * <tr><td>{@code /cookies}, {@code /cookies/set?k=v}, {@code /cookies/delete?k}</td><td>cookie echo / set / delete</td></tr>
 * <tr><td>{@code /basic-auth/{user}/{passwd}}</td><td>200 with the right credentials, else 401</td></tr>
 * <tr><td>{@code /html}, {@code /json}, {@code /robots.txt}, {@code /encoding/utf8}</td><td>sample documents</td></tr>
 * <tr><td>{@code /encoding/{charset}[/{where}]}</td><td>an HTML page in gbk, gb2312, big5, shift_jis, euc-jp,
 *     euc-kr, iso-8859-1, windows-1252, utf-8, utf-16le/be, with the charset declared in the
 *     {@code header} (default), a {@code meta} tag only, a {@code bom} only (UTF-8/16) or {@code none}</td></tr>
 * </table>
 */
public final class HttpBin {

    /** Pretty JSON in httpbin's layout: {@code "key": value}, two-space indents. */
    private static final ObjectMapper MAPPER = new ObjectMapper().setDefaultPrettyPrinter(
            new com.fasterxml.jackson.core.util.DefaultPrettyPrinter().withSeparators(
                    com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
                            .withObjectFieldValueSpacing(com.fasterxml.jackson.core.util.Separators.Spacing.AFTER)
                            .withObjectEmptySeparator("").withArrayEmptySeparator("")))
            .enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper COMPACT = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** The most bytes {@code /bytes}, {@code /stream-bytes} and {@code /drip} send, as httpbin.org: 100 KiB. */
    private static final int MAX_BYTES = 100 * 1024;
    private static final int MAX_STREAM = 100;

    private HttpBin() {
    }

    /** {@return a router with every httpbin endpoint} */
    public static Router router() {
        Router r = new Router();
        r.get("/", req -> Response.html(INDEX));
        r.get("/get", req -> json(echo(req, false)));
        for (String m : List.of("POST", "PUT", "PATCH", "DELETE")) {
            r.route(m, "/" + m.toLowerCase(Locale.ROOT), req -> json(echo(req, true)));
        }
        r.any("/anything", req -> json(echo(req, true).put("method", req.method())));
        r.any("/anything/{path}", req -> json(echo(req, true).put("method", req.method())));
        r.get("/headers", req -> json(NODES.objectNode().set("headers", headers(req))));
        r.get("/ip", req -> json(NODES.objectNode().put("origin", origin(req))));
        r.get("/user-agent", req -> json(NODES.objectNode().put("user-agent", req.header("User-Agent"))));
        r.get("/uuid", req -> json(NODES.objectNode().put("uuid", UUID.randomUUID().toString())));
        r.any("/status/{codes}", HttpBin::status);
        r.any("/delay/{seconds}", req -> {
            double s = Math.min(10, Math.max(0, number(req.pathParam("seconds"))));
            Weft.sleep(s);
            return json(echo(req, true));
        });
        r.get("/drip", HttpBin::drip);
        r.get("/redirect/{n}", req -> redirect(req, "/redirect/", false));
        r.get("/relative-redirect/{n}", req -> redirect(req, "/relative-redirect/", false));
        r.get("/absolute-redirect/{n}", req -> redirect(req, "/absolute-redirect/", true));
        r.any("/redirect-to", req -> {
            String url = req.query("url");
            if (url == null) {
                throw new HttpStatusException(400, "missing url");
            }
            String code = req.query("status_code");
            int status = code == null ? 302 : (int) number(code);
            if (status / 100 != 3) {
                throw new HttpStatusException(400, "status_code must be a 3xx");
            }
            try {
                return Response.redirect(status, url);
            } catch (IllegalArgumentException e) { // a control character: no header may carry it
                throw new HttpStatusException(400, "url is not a valid Location: " + e.getMessage());
            }
        });
        r.get("/gzip", req -> {
            ObjectNode o = echo(req, false).put("gzipped", true).put("method", req.method());
            return Response.bytes(gzip(bytes(o)), "application/json").header("Content-Encoding", "gzip");
        });
        r.get("/deflate", req -> {
            ObjectNode o = echo(req, false).put("deflated", true).put("method", req.method());
            return Response.bytes(deflate(bytes(o)), "application/json").header("Content-Encoding", "deflate");
        });
        r.get("/bytes/{n}", req -> Response.bytes(random(req), "application/octet-stream"));
        r.get("/stream-bytes/{n}", req -> {
            byte[] data = random(req);
            int chunk = req.query("chunk_size") == null ? 10 * 1024 : (int) Math.max(1, number(req.query("chunk_size")));
            return Response.stream("application/octet-stream", out -> {
                for (int i = 0; i < data.length; i += chunk) {
                    out.write(data, i, Math.min(chunk, data.length - i));
                }
            });
        });
        r.get("/stream/{n}", req -> {
            int n = (int) Math.min(MAX_STREAM, Math.max(0, number(req.pathParam("n"))));
            ObjectNode base = echo(req, false);
            return Response.stream("application/json", out -> {
                for (int i = 0; i < n; i++) {
                    ObjectNode line = base.deepCopy().put("id", i);
                    out.write(COMPACT.writeValueAsBytes(line));
                    out.write('\n');
                    out.flush();
                }
            });
        });
        r.get("/cookies", req -> json(NODES.objectNode().set("cookies", MAPPER.valueToTree(req.cookies()))));
        r.get("/cookies/set", req -> {
            Response resp = Response.redirect("/cookies");
            for (Map.Entry<String, List<String>> e : req.queryParams().entrySet()) {
                try {
                    resp.cookie(e.getKey(), e.getValue().get(0), "Path=/");
                } catch (IllegalArgumentException bad) {
                    throw new HttpStatusException(400, bad.getMessage());
                }
            }
            return resp;
        });
        r.get("/cookies/set/{name}/{value}", req -> {
            try {
                return Response.redirect("/cookies").cookie(req.pathParam("name"), req.pathParam("value"), "Path=/");
            } catch (IllegalArgumentException bad) {
                throw new HttpStatusException(400, bad.getMessage());
            }
        });
        r.get("/cookies/delete", req -> {
            Response resp = Response.redirect("/cookies");
            for (String name : req.queryParams().keySet()) {
                if (dev.weft.http.Headers.isToken(name)) {
                    resp.deleteCookie(name);
                }
            }
            return resp;
        });
        r.get("/basic-auth/{user}/{passwd}", HttpBin::basicAuth);
        r.get("/html", req -> Response.html(HTML));
        r.get("/json", req -> json(MAPPER.readTree(SLIDESHOW)));
        r.get("/robots.txt", req -> Response.text("User-agent: *\nDisallow: /deny\n"));
        r.get("/encoding/utf8", req -> Response.html(Encodings.page("utf-8", "header").text()));
        r.get("/encoding/{charset}", req -> encoding(req, "header"));
        r.get("/encoding/{charset}/{where}", req -> encoding(req, req.pathParam("where")));
        return r;
    }

    // ------------------------------------------------------------------ endpoints

    private static Response status(Request req) {
        String[] codes = req.pathParam("codes").split(",");
        String pick = codes[ThreadLocalRandom.current().nextInt(codes.length)].trim();
        int code = (int) number(pick);
        if (code < 100 || code > 599) {
            throw new HttpStatusException(400, "invalid status code");
        }
        if (code / 100 == 3 && code != 304) {
            return Response.redirect(code, "/redirect/1");
        }
        if (code == 401) {
            return Response.of(401).header("WWW-Authenticate", "Basic realm=\"Fake Realm\"");
        }
        return Response.of(code);
    }

    /**
     * httpbin's {@code /drip?duration=&numbytes=&code=&delay=}: after {@code delay} seconds, a
     * head at once and then {@code numbytes} asterisks spread evenly over {@code duration}
     * seconds (each at most 10 s; at most {@link #MAX_BYTES} bytes).
     */
    private static Response drip(Request req) {
        double duration = Math.min(10, Math.max(0, number(req.query("duration") == null ? "2" : req.query("duration"))));
        int n = (int) Math.min(MAX_BYTES, Math.max(0, number(req.query("numbytes") == null ? "10" : req.query("numbytes"))));
        int code = (int) number(req.query("code") == null ? "200" : req.query("code"));
        double delay = Math.min(10, Math.max(0, number(req.query("delay") == null ? "0" : req.query("delay"))));
        if (code < 200 || code > 599) {
            throw new HttpStatusException(400, "invalid status code");
        }
        Weft.sleep(delay);
        double pause = n == 0 ? 0 : duration / n;
        return Response.stream("application/octet-stream", out -> {
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    Weft.sleep(pause);
                }
                out.write('*');
                out.flush();
            }
        }).status(code);
    }

    private static Response redirect(Request req, String prefix, boolean absolute) {
        int n = (int) number(req.pathParam("n"));
        if (n < 1) {
            throw new HttpStatusException(400, "n must be at least 1");
        }
        String next = n == 1 ? "/get" : prefix + (n - 1);
        return Response.redirect(absolute ? "http://" + req.host() + next : next);
    }

    private static Response basicAuth(Request req) throws IOException {
        String auth = req.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
                if (decoded.equals(req.pathParam("user") + ":" + req.pathParam("passwd"))) {
                    return json(NODES.objectNode().put("authenticated", true).put("user", req.pathParam("user")));
                }
            } catch (IllegalArgumentException ignored) {
                // not base64: unauthorized
            }
        }
        return Response.of(401).header("WWW-Authenticate", "Basic realm=\"Fake Realm\"");
    }

    private static Response encoding(Request req, String where) {
        Encodings.Page page;
        try {
            page = Encodings.page(req.pathParam("charset"), where);
        } catch (IllegalArgumentException e) {
            throw new HttpStatusException(404, e.getMessage());
        }
        return Response.bytes(page.bytes(), page.contentType());
    }

    /**
     * The sample text the {@code /encoding/{charset}} pages hold for {@code charset} (for client
     * tests that check decoding): Simplified Chinese for GBK/GB2312, Traditional for Big5,
     * Japanese for Shift_JIS/EUC-JP, Korean for EUC-KR, Western European for Latin-1, and all
     * of them for the Unicode encodings.
     *
     * @param charset the character set
     * @return the sample text the {@code /encoding/{charset}} pages hold for {@code charset} (for client tests that check decoding): Simplified Chinese for GBK/GB2312, Traditional for Big5, Japanese for Shift_JIS/EUC-JP, Korean for EUC-KR, Western European for Latin-1, and all of them for the Unicode encodings
     */
    public static String sampleText(String charset) {
        return Encodings.sample(charset);
    }

    // ------------------------------------------------------------------ echo

    /** httpbin's echo of a request: args, headers, origin, url, and for bodies data, files, form, json. */
    static ObjectNode echo(Request req, boolean withBody) throws IOException {
        ObjectNode o = NODES.objectNode();
        o.set("args", multimap(req.queryParams()));
        if (withBody) {
            byte[] body = req.bytes();
            ObjectNode form = NODES.objectNode();
            ObjectNode files = NODES.objectNode();
            String type = req.contentType();
            String data = "";
            JsonNode json = NODES.nullNode();
            if ("application/x-www-form-urlencoded".equals(type) || "multipart/form-data".equals(type)) {
                FormData f = req.form();
                form = multimap(f.fields());
                for (FormData.FilePart p : f.files()) {
                    files.put(p.field(), fileText(p));
                }
            } else {
                data = asText(body, req.charset());
                if (body.length > 0) {
                    try {
                        json = MAPPER.readTree(body);
                    } catch (IOException notJson) {
                        json = NODES.nullNode();
                    }
                }
            }
            o.put("data", data);
            o.set("files", files);
            o.set("form", form);
            o.set("headers", headers(req));
            o.set("json", json);
        } else {
            o.set("headers", headers(req));
        }
        o.put("origin", origin(req));
        o.put("url", req.url());
        return o;
    }

    private static String fileText(FormData.FilePart p) {
        return asText(p.content(), StandardCharsets.UTF_8);
    }

    /** Text if the bytes decode cleanly, else a data: URL as httpbin does. */
    private static String asText(byte[] body, Charset cs) {
        try {
            return cs.newDecoder().decode(java.nio.ByteBuffer.wrap(body)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return "data:application/octet-stream;base64," + Base64.getEncoder().encodeToString(body);
        }
    }

    private static ObjectNode multimap(Map<String, List<String>> m) {
        ObjectNode o = NODES.objectNode();
        for (Map.Entry<String, List<String>> e : m.entrySet()) {
            if (e.getValue().size() == 1) {
                o.put(e.getKey(), e.getValue().get(0));
            } else {
                ArrayNode a = o.putArray(e.getKey());
                e.getValue().forEach(a::add);
            }
        }
        return o;
    }

    /** Headers with httpbin's capitalisation (Content-Type), repeated ones joined with commas. */
    private static ObjectNode headers(Request req) {
        Map<String, String> m = new TreeMap<>();
        for (Map.Entry<String, String> e : req.headers()) {
            m.merge(canonical(e.getKey()), e.getValue(), (a, b) -> a + "," + b);
        }
        return MAPPER.valueToTree(m);
    }

    private static String canonical(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        boolean up = true;
        for (char c : name.toCharArray()) {
            sb.append(up ? Character.toUpperCase(c) : Character.toLowerCase(c));
            up = c == '-';
        }
        return sb.toString();
    }

    private static String origin(Request req) {
        String fwd = req.header("X-Forwarded-For");
        if (fwd != null) {
            return fwd.split(",")[0].trim();
        }
        return req.remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "unknown";
    }

    // ------------------------------------------------------------------ helpers

    private static double number(String s) {
        try {
            double d = Double.parseDouble(s);
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new HttpStatusException(400, "not a number: " + s);
        }
    }

    private static byte[] random(Request req) {
        int n = (int) Math.min(MAX_BYTES, Math.max(0, number(req.pathParam("n"))));
        String seed = req.query("seed");
        Random rnd = seed == null ? ThreadLocalRandom.current() : new Random((long) number(seed));
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static Response json(JsonNode node) throws IOException {
        return Response.bytes(bytes(node), "application/json");
    }

    private static byte[] bytes(JsonNode node) throws IOException {
        byte[] b = MAPPER.writeValueAsBytes(node);
        byte[] out = java.util.Arrays.copyOf(b, b.length + 1);
        out[b.length] = '\n';
        return out;
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(bos)) {
            z.write(b);
        }
        return bos.toByteArray();
    }

    private static byte[] deflate(byte[] b) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(bos)) {
            z.write(b);
        }
        return bos.toByteArray();
    }

    private static final String INDEX = """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>weft httpbin</title></head>
            <body><h1>weft httpbin</h1><p>A local stand-in for httpbin.org: try <a href="/get">/get</a>,
            <a href="/headers">/headers</a>, <a href="/stream/5">/stream/5</a>, <a href="/gzip">/gzip</a>,
            <a href="/encoding/gbk">/encoding/gbk</a>.</p></body></html>
            """;

    private static final String HTML = """
            <!DOCTYPE html>
            <html>
              <head><meta charset="utf-8"><title>A quiet harbour</title></head>
              <body>
                <h1>A quiet harbour</h1>
                <p>The boats came in one by one as the light went, each finding its mooring without a word,
                and the harbour master wrote their names in the book the way he had done for forty years.</p>
                <p>Nobody waited for anybody: the ropes were thrown, the nets were hung, and by the time the
                lamps were lit every boat was home.</p>
              </body>
            </html>
            """;

    private static final String SLIDESHOW = """
            {"slideshow": {"author": "Weft", "date": "2026", "title": "Sample Slide Show",
              "slides": [{"title": "Loops and tasks", "type": "all"},
                         {"title": "Streams", "type": "all", "items": ["readers", "writers"]}]}}
            """;
}
