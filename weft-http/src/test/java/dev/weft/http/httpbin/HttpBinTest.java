package dev.weft.http.httpbin;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.http.Headers;
import dev.weft.http.codec.BodyFraming;
import dev.weft.http.codec.BodyReader;
import dev.weft.http.codec.Http1Parser;
import dev.weft.http.HttpLimits;
import dev.weft.http.codec.ResponseHead;
import dev.weft.http.server.HttpServer;
import dev.weft.net.Connection;
import dev.weft.net.Streams;
import dev.weft.testing.WeftTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The httpbin stand-in, over a real socket. */
@WeftTest(virtualClock = false)
class HttpBinTest {

    static final ObjectMapper JSON = new ObjectMapper();

    record Resp(int status, Headers headers, byte[] body) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }

        String text(Charset cs) {
            return new String(body, cs);
        }
    }

    HttpServer server;
    Connection conn;

    @AfterEach
    void stop() {
        if (conn != null) {
            conn.close();
        }
        if (server != null) {
            server.close();
        }
    }

    Resp call(String method, String target, String... headersAndBody) throws Exception {
        if (server == null) {
            server = HttpServer.start(HttpBin.router(), "127.0.0.1", 0);
            conn = Streams.openConnection("127.0.0.1", server.port());
        }
        StringBuilder sb = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: bin.test\r\n");
        String body = "";
        for (int i = 0; i < headersAndBody.length; i++) {
            if (i == headersAndBody.length - 1 && headersAndBody.length % 2 == 1) {
                body = headersAndBody[i];
            } else {
                sb.append(headersAndBody[i]).append(": ").append(headersAndBody[++i]).append("\r\n");
            }
        }
        if (!body.isEmpty()) {
            sb.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        }
        sb.append("\r\n").append(body);
        conn.writer().write(sb.toString());
        ResponseHead head = Http1Parser.readResponseHead(conn.reader(), HttpLimits.defaults());
        byte[] b = BodyReader.of(conn.reader(), BodyFraming.ofResponse(method, head), HttpLimits.defaults(),
                Long.MAX_VALUE).readAll();
        return new Resp(head.status(), head.headers(), b);
    }

    @Test
    void getEchoesArgsHeadersOriginAndUrl() throws Exception {
        Resp r = call("GET", "/get?a=1&a=2&b=x%20y", "X-Test", "yes");
        assertEquals(200, r.status());
        assertEquals("application/json", r.headers().get("Content-Type"));
        JsonNode j = r.json();
        assertEquals("x y", j.get("args").get("b").asText());
        assertEquals(2, j.get("args").get("a").size());
        assertEquals("yes", j.get("headers").get("X-Test").asText());
        assertEquals("bin.test", j.get("headers").get("Host").asText());
        assertEquals("127.0.0.1", j.get("origin").asText());
        assertEquals("http://bin.test/get?a=1&a=2&b=x%20y", j.get("url").asText());
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("\"args\": {"), "httpbin's layout");
    }

    @Test
    void postEchoesFormJsonDataAndFiles() throws Exception {
        JsonNode form = call("POST", "/post", "Content-Type", "application/x-www-form-urlencoded",
                "name=germey&age=25").json();
        assertEquals("germey", form.get("form").get("name").asText());
        assertEquals("25", form.get("form").get("age").asText());
        assertEquals("", form.get("data").asText());
        assertTrue(form.get("json").isNull());

        JsonNode json = call("POST", "/post", "Content-Type", "application/json", "{\"k\":[1,2]}").json();
        assertEquals(2, json.get("json").get("k").get(1).asInt());
        assertEquals("{\"k\":[1,2]}", json.get("data").asText());

        String mp = "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.txt\"\r\n\r\nfile body\r\n"
                + "--b\r\nContent-Disposition: form-data; name=\"v\"\r\n\r\n1\r\n--b--\r\n";
        JsonNode files = call("PUT", "/put", "Content-Type", "multipart/form-data; boundary=b", mp).json();
        assertEquals("file body", files.get("files").get("f").asText());
        assertEquals("1", files.get("form").get("v").asText());

        JsonNode any = call("PATCH", "/anything/x?q=1", "hello").json();
        assertEquals("PATCH", any.get("method").asText());
        assertEquals("hello", any.get("data").asText());
        assertEquals(405, call("GET", "/post").status());
    }

    @Test
    void statusDelayAndRedirects() throws Exception {
        assertEquals(404, call("GET", "/status/404").status());
        assertEquals(201, call("POST", "/status/201").status());
        assertEquals(400, call("GET", "/status/abc").status());
        assertEquals(200, call("GET", "/delay/0.05").status());
        Resp r3 = call("GET", "/redirect/3");
        assertEquals(302, r3.status());
        assertEquals("/redirect/2", r3.headers().get("Location"));
        assertEquals("/get", call("GET", "/redirect/1").headers().get("Location"));
        assertEquals("http://bin.test/get", call("GET", "/absolute-redirect/1").headers().get("Location"));
        Resp to = call("GET", "/redirect-to?url=%2Fheaders&status_code=307");
        assertEquals(307, to.status());
        assertEquals("/headers", to.headers().get("Location"));
    }

    @Test
    void compressedBytesAndStreams() throws Exception {
        Resp g = call("GET", "/gzip");
        assertEquals("gzip", g.headers().get("Content-Encoding"));
        JsonNode gj = JSON.readTree(new GZIPInputStream(new ByteArrayInputStream(g.body())).readAllBytes());
        assertTrue(gj.get("gzipped").asBoolean());
        Resp d = call("GET", "/deflate");
        assertEquals("deflate", d.headers().get("Content-Encoding"));
        JsonNode dj = JSON.readTree(new InflaterInputStream(new ByteArrayInputStream(d.body())).readAllBytes());
        assertTrue(dj.get("deflated").asBoolean());

        Resp b1 = call("GET", "/bytes/1000?seed=7");
        assertEquals(1000, b1.body().length);
        assertArrayEquals(b1.body(), call("GET", "/bytes/1000?seed=7").body(), "a seed makes bytes repeatable");
        assertEquals(5000, call("GET", "/stream-bytes/5000?chunk_size=700").body().length);

        Resp s = call("GET", "/stream/5");
        assertEquals("chunked", s.headers().get("Transfer-Encoding"));
        String[] lines = new String(s.body(), StandardCharsets.UTF_8).split("\n");
        assertEquals(5, lines.length);
        assertEquals(4, JSON.readTree(lines[4]).get("id").asInt());
    }

    @Test
    void cookiesAndBasicAuth() throws Exception {
        Resp set = call("GET", "/cookies/set?k=v&n=1");
        assertEquals(302, set.status());
        assertEquals("/cookies", set.headers().get("Location"));
        assertEquals(2, set.headers().getAll("Set-Cookie").size());
        assertEquals("k=v; Path=/", set.headers().getAll("Set-Cookie").get(0));
        JsonNode c = call("GET", "/cookies", "Cookie", "k=v; n=1").json();
        assertEquals("v", c.get("cookies").get("k").asText());
        assertTrue(call("GET", "/cookies/delete?k").headers().get("Set-Cookie").contains("Max-Age=0"));

        String good = Base64.getEncoder().encodeToString("user:pw".getBytes(StandardCharsets.UTF_8));
        Resp ok = call("GET", "/basic-auth/user/pw", "Authorization", "Basic " + good);
        assertEquals(200, ok.status());
        assertTrue(ok.json().get("authenticated").asBoolean());
        Resp no = call("GET", "/basic-auth/user/other", "Authorization", "Basic " + good);
        assertEquals(401, no.status());
        assertNotNull(no.headers().get("WWW-Authenticate"));
    }

    @Test
    void encodingPagesForCharsetDetection() throws Exception {
        for (String cs : new String[] {"gbk", "gb2312", "big5", "shift_jis", "euc-jp", "euc-kr", "iso-8859-1"}) {
            Resp r = call("GET", "/encoding/" + cs);
            assertEquals("text/html; charset=" + cs, r.headers().get("Content-Type"));
            String text = r.text(Charset.forName(cs));
            assertTrue(text.contains(HttpBin.sampleText(cs)), cs);
            assertFalse(new String(r.body(), StandardCharsets.UTF_8).contains(HttpBin.sampleText(cs)),
                    cs + " is not UTF-8 in disguise");
        }
        Resp meta = call("GET", "/encoding/big5/meta");
        assertEquals("text/html", meta.headers().get("Content-Type"));
        assertTrue(meta.text(StandardCharsets.ISO_8859_1).contains("charset=big5\">"));
        assertTrue(meta.text(Charset.forName("big5")).contains(HttpBin.sampleText("big5")));
        Resp bom = call("GET", "/encoding/utf-8/bom");
        assertEquals("text/html", bom.headers().get("Content-Type"));
        assertEquals(0xEF, bom.body()[0] & 0xff);
        Resp bom16 = call("GET", "/encoding/utf-16le/bom");
        assertEquals(0xFF, bom16.body()[0] & 0xff);
        assertEquals(0xFE, bom16.body()[1] & 0xff);
        Resp none = call("GET", "/encoding/shift_jis/none");
        assertEquals("text/html", none.headers().get("Content-Type"));
        assertTrue(none.text(Charset.forName("shift_jis")).contains(HttpBin.sampleText("shift_jis")));
        assertEquals(404, call("GET", "/encoding/klingon").status());
        assertEquals(404, call("GET", "/encoding/gbk/bom").status());
        assertTrue(call("GET", "/html").text(StandardCharsets.UTF_8).contains("<h1>"));
        assertEquals("Weft", call("GET", "/json").json().get("slideshow").get("author").asText());
    }
}
