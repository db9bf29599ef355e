package dev.weft.crawler.frontier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class UrlNormalizerTest {

    private final UrlNormalizer n = new UrlNormalizer();

    @Test
    void schemeAndHostAreLowerCasedAndDefaultPortsDropped() {
        assertEquals("http://example.com/a", n.normalize("HTTP://Example.COM:80/a"));
        assertEquals("https://example.com/", n.normalize("https://EXAMPLE.com:443"));
        assertEquals("http://example.com:8080/", n.normalize("http://example.com:8080"));
    }

    @Test
    void dotSegmentsAreRemovedAndAnEmptyPathIsASlash() {
        assertEquals("http://a.com/a/c", n.normalize("http://a.com/a/./b/../c"));
        assertEquals("http://a.com/", n.normalize("http://a.com/../.."));
        assertEquals("http://a.com/a/", n.normalize("http://a.com/a/b/.."));
    }

    @Test
    void percentEncodingIsNormalisedAndUnsafeCharactersEncoded() {
        assertEquals("http://a.com/~user/%C3%A9t%C3%A9%20x?q=a%20b", n.normalize("http://a.com/%7euser/%c3%a9t%C3%A9 x?q=a b"));
        assertEquals("http://a.com/%C3%A9?x=%C3%BC", n.normalize("http://a.com/é?x=ü"));
        assertEquals("http://a.com/100%25", n.normalize("http://a.com/100%"));
        assertEquals("http://a.com/a%2Fb", n.normalize("http://a.com/a%2fb"), "an encoded slash stays encoded");
    }

    @Test
    void theFragmentAndAnEmptyQueryAreDroppedButQueryOrderIsKept() {
        assertEquals("http://a.com/p?b=2&a=1", n.normalize("http://a.com/p?b=2&a=1#top"));
        assertEquals("http://a.com/p", n.normalize("http://a.com/p?"));
        assertEquals("http://a.com/p?a=1&b=2", new UrlNormalizer(true).normalize("http://a.com/p?b=2&a=1"));
    }

    /**
     * A backslash before the query is a slash, as browsers read it: {@code \\evil.example\x} on
     * a page is a link to the host evil.example (it was resolved as the path
     * {@code //evil.example/x} of the page's own host, a URL no browser would ask for).
     */
    @Test
    void backslashesBeforeTheQueryAreSlashesAsInBrowsers() {
        String base = "http://a.com/dir/page";
        assertEquals("http://evil.example/x", n.resolve(base, "\\\\evil.example\\x"));
        assertEquals("http://evil.example/x", n.resolve(base, "/\\evil.example/x"));
        assertEquals("http://evil.example/x", n.resolve(base, "http:\\\\evil.example\\x"));
        assertEquals("http://evil.example/x", n.normalize("http:\\\\evil.example\\x"));
        assertEquals("http://a.com/dir/b/c", n.resolve(base, "b\\c"));
        assertEquals("http://a.com/x?q=a%5Cb", n.resolve(base, "/x?q=a\\b"), "in the query it stays");
    }

    @Test
    void internationalHostsBecomePunycode() {
        assertEquals("https://xn--r8jz45g.jp/", n.normalize("https://例え.jp/"));
    }

    @Test
    void onlyHttpAndHttpsWithAValidHostAreUrls() {
        assertNull(n.normalize("mailto:someone@example.com"));
        assertNull(n.normalize("javascript:alert(1)"));
        assertNull(n.normalize("data:text/html,hi"));
        assertNull(n.normalize("ftp://a.com/"));
        assertNull(n.normalize("http://"));
        assertNull(n.normalize("http://a.com:99999/"));
        assertNull(n.normalize("http://a b.com/"));
        assertNull(n.normalize("/relative"));
    }

    @Test
    void relativeProtocolRelativeAndParentLinksResolveAgainstTheBase() {
        String base = "http://a.com/b/c/d?q";
        assertEquals("http://a.com/b/c/g", n.resolve(base, "g"));
        assertEquals("http://a.com/b/g", n.resolve(base, "../g"));
        assertEquals("http://a.com/g", n.resolve(base, "/g"));
        assertEquals("https://cdn.com/x", n.resolve("https://a.com/", "//cdn.com/x"));
        assertEquals("http://a.com/b/c/d?y", n.resolve(base, "?y"));
        assertEquals("http://a.com/b/c/d?q", n.resolve(base, "#frag"));
        assertEquals("http://a.com/b/c/d?q", n.resolve(base, ""));
        assertEquals("http://other.com/", n.resolve(base, "HTTP://OTHER.com"));
        assertNull(n.resolve(base, "mailto:x@y.z"));
        assertNull(n.resolve(base, "javascript:void(0)"));
        assertEquals("http://a.com/b/c/x%20y", n.resolve(base, " x y "));
    }

    @Test
    void originHostAndPathAreReadFromCanonicalUrls() {
        assertEquals("http://a.com:8080", UrlNormalizer.origin("http://a.com:8080/x/y?z"));
        assertEquals("a.com", UrlNormalizer.hostName("http://a.com:8080/x"));
        assertEquals("/x/y?z", UrlNormalizer.pathAndQuery("http://a.com:8080/x/y?z"));
    }
}
