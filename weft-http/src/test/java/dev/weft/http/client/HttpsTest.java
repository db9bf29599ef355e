package dev.weft.http.client;

import static org.junit.jupiter.api.Assertions.*;

import dev.weft.net.TlsOptions;
import dev.weft.testing.WeftLogs;
import dev.weft.testing.WeftTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** https through the client: verification on by default, a private CA, the insecure switch, keep-alive over TLS. */
@WeftTest(virtualClock = false)
class HttpsTest {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    static Path tls(String name) throws Exception {
        return Path.of(HttpsTest.class.getResource("/tls/" + name).toURI());
    }

    private TinyServer httpsServer() throws Exception {
        TinyServer s = TinyServer.startTls((req, out) -> {
            TinyServer.respond(out, 200, "secret " + req.target(), "Content-Type", "text/plain");
            return true;
        }, TlsOptions.server(tls("server-cert.pem"), tls("server-key.pem")).alpn("http/1.1"));
        open.add(s);
        return s;
    }

    @Test
    void aPrivateCaIsTrustedWhenGivenAndConnectionsAreReused() throws Exception {
        TinyServer s = httpsServer();
        try (ClientSession session = ClientSession.builder().tls(TlsOptions.client().trustPem(tls("ca.pem"))).build()) {
            for (int i = 0; i < 3; i++) {
                try (ClientResponse r = session.get(s.httpsUrl("/page/" + i))) {
                    assertEquals(200, r.status());
                    assertEquals("secret /page/" + i, r.text());
                }
            }
        }
        assertEquals(1, s.accepted(), "three requests over one TLS connection");
    }

    @Test
    void byDefaultAServerSignedByAnUnknownCaIsRefused() throws Exception {
        TinyServer s = httpsServer();
        try (ClientSession session = ClientSession.create()) {
            Exception e = assertThrows(Exception.class, () -> session.get(s.httpsUrl("/")).close());
            Throwable t = e;
            while (t != null && !(t instanceof SSLHandshakeException)) {
                t = t.getCause();
            }
            assertNotNull(t, "an SSLHandshakeException is the cause: " + e);
            assertTrue(t.getMessage().contains("not trusted"), t.getMessage());
        }
    }

    @Test
    void theInsecureSwitchAcceptsAnyCertificate() throws Exception {
        TinyServer s = httpsServer();
        try (WeftLogs logs = WeftLogs.capture();
                ClientSession session = ClientSession.builder().insecure(true).build();
                ClientResponse r = session.get(s.httpsUrl("/x"))) {
            assertEquals("secret /x", r.text());
            for (WeftLogs.Entry e : logs.entries()) { // the first insecure engine of the JVM warns, once
                assertTrue(e.matches(System.Logger.Level.WARNING, "verification are OFF"), e.toString());
            }
        }
    }

    @Test
    void weftsHttpServerServesHttpsToWeftsClient() throws Exception {
        dev.weft.http.server.Router router = new dev.weft.http.server.Router()
                .get("/hello", req -> dev.weft.http.server.Response.text("hello over TLS"));
        dev.weft.http.server.HttpServer server = dev.weft.http.server.HttpServer.start(router, "127.0.0.1", 0,
                dev.weft.http.server.HttpServerOptions.defaults()
                        .tls(TlsOptions.server(tls("server-cert.pem"), tls("server-key.pem"))));
        try (ClientSession session = ClientSession.builder().tls(TlsOptions.client().trustPem(tls("ca.pem"))).build();
                ClientResponse r = session.get("https://localhost:" + server.port() + "/hello")) {
            assertEquals(200, r.status());
            assertEquals("hello over TLS", r.text());
            assertNotNull(r.headers().get("Date"));
        } finally {
            server.close();
        }
    }
}
