package dev.weft.http.client;

import static org.junit.jupiter.api.Assertions.*;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6265 rules of the cookie jar, on a clock the test moves. */
class CookieJarTest {

    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final CookieJar jar = new CookieJar(clock());

    private InstantSource clock() {
        return () -> now;
    }

    private void set(String url, String... headers) {
        jar.update(URI.create(url), List.of(headers));
    }

    private String sent(String url) {
        return jar.header(URI.create(url));
    }

    @Test
    void hostOnlyUnlessADomainIsGiven() {
        set("http://www.example.com/", "a=1", "b=2; Domain=example.com");
        assertEquals("a=1; b=2", sent("http://www.example.com/"));
        assertEquals("b=2", sent("http://api.example.com/"));
        assertEquals("b=2", sent("http://example.com/"));
        assertNull(sent("http://example.org/"));
        assertNull(sent("http://badexample.com/"), "domain match is by whole labels");
    }

    @Test
    void foreignAndTopLevelDomainsAreRefused() {
        set("http://www.example.com/", "x=1; Domain=other.com", "y=1; Domain=com", "z=1; Domain=.EXAMPLE.com");
        assertEquals(1, jar.cookies().size());
        assertEquals("example.com", jar.cookies().get(0).domain());
    }

    @Test
    void pathsDefaultToTheDirectoryAndMatchBySegments() {
        set("http://h.test/app/login", "d=1", "e=2; Path=/app/admin");
        assertEquals("d=1", sent("http://h.test/app"));
        assertEquals("d=1", sent("http://h.test/app/x"));
        assertNull(sent("http://h.test/apple"));
        assertEquals("e=2; d=1", sent("http://h.test/app/admin/users"));
    }

    @Test
    void expiryByMaxAgeAndExpiresMaxAgeWinning() {
        set("http://h.test/", "short=1; Max-Age=60", "dated=1; Expires=Thu, 01 Jan 2026 00:02:00 GMT",
                "both=1; Expires=Thu, 01 Jan 2026 00:00:30 GMT; Max-Age=3600", "session=1");
        assertEquals(4, jar.cookies().size());
        now = now.plus(Duration.ofSeconds(90));
        assertEquals("dated=1; both=1; session=1", sent("http://h.test/"));
        now = now.plus(Duration.ofMinutes(5));
        assertEquals("both=1; session=1", sent("http://h.test/"));
        set("http://h.test/", "session=; Max-Age=0");
        assertEquals("both=1", sent("http://h.test/"));
    }

    @Test
    void secureCookiesOnlyOverHttpsAndReplacementKeepsCreationOrder() {
        set("https://h.test/", "s=1; Secure", "t=1");
        assertEquals("t=1", sent("http://h.test/"));
        assertEquals("s=1; t=1", sent("https://h.test/"));
        set("https://h.test/", "s=2; Secure");
        assertEquals("s=2; t=1", sent("https://h.test/"), "a replaced cookie keeps its place");
        set("http://h.test/", "u=1; Secure");
        assertEquals(2, jar.cookies().size(), "an http page cannot set a Secure cookie");
    }

    @Test
    void theDummyJarKeepsNothing() {
        CookieJar dummy = CookieJar.dummy();
        dummy.update(URI.create("http://h.test/"), List.of("a=1"));
        assertNull(dummy.header(URI.create("http://h.test/")));
    }

    @Test
    void aRegistrySuffixSuchAsCoUkIsRefusedAsADomain() {
        set("http://www.example.co.uk/", "wide=1; Domain=co.uk", "dotted=1; Domain=.CO.UK", "own=1; Domain=example.co.uk");
        assertEquals(List.of("own"), jar.cookies().stream().map(Cookie::name).toList());
        assertNull(sent("http://evil.co.uk/"), "no cookie leaks to another site under co.uk");
        assertEquals("own=1", sent("http://api.example.co.uk/"));
    }

    @Test
    void topLevelDomainsAndWildcardSuffixesAreRefused() {
        set("http://shop.example.com/", "a=1; Domain=com");
        set("http://a.b.ck/", "b=1; Domain=b.ck"); // *.ck: every name under ck is a suffix
        set("http://www.example.xn--55qx5d.cn/", "c=1; Domain=公司.cn", "d=1; Domain=example.公司.cn");
        assertEquals(List.of("d"), jar.cookies().stream().map(Cookie::name).toList(),
                "an internationalised suffix is compared in its ASCII form");
        assertEquals("example.xn--55qx5d.cn", jar.cookies().get(0).domain());
        assertNull(sent("http://other.b.ck/"));
    }

    @Test
    void privateSuffixesSuchAsGithubIoAreRefusedToTheSitesUnderThem() {
        set("http://alice.github.io/", "session=a; Domain=github.io", "mine=a");
        assertNull(sent("http://mallory.github.io/"), "one GitHub Pages site cannot set cookies for the others");
        assertEquals("mine=a", sent("http://alice.github.io/"));
        assertEquals(1, jar.cookies().size());
    }

    @Test
    void aHostThatIsItselfAPublicSuffixGetsAHostOnlyCookie() {
        set("https://github.io/", "x=1; Domain=github.io");
        Cookie c = jar.cookies().get(0);
        assertTrue(c.hostOnly(), "RFC 6265 section 5.3 step 5: the domain attribute becomes the empty string");
        assertEquals("github.io", c.domain());
        assertEquals("x=1", sent("https://github.io/"));
        assertNull(sent("https://alice.github.io/"), "a host-only cookie is not sent to subdomains");
    }
}
