package dev.weft.crawler.frontier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link UrlNormalizer#resolve(UrlNormalizer.Base, String)} takes fast paths for the common links
 * (an absolute path, a plain relative path, a fragment, a plain absolute http(s) URL); they must
 * give exactly what the general path gives ({@code resolveSlow}: RFC 3986 section 5.2.2, then
 * normalisation) for every link, however tricky, against every base — with and without sorted
 * queries.
 */
class UrlNormalizerFastPathTest {

    private static final List<String> BASES = List.of(
            "http://a.com/b/c/d.html?q=1#f", "http://a.com", "http://a.com/", "https://a.com:443/x/",
            "http://A.COM:8080/b/c/", "http://a.com/b/c/..", "http://a.com/b/./c/d", "http://a.com/%7Eu/p.html",
            "http://a.com/b%2Fc/d", "http://a.com/b\\c/d", "http://a.com/é/x", "http://a.com/b c/d", "http://a.com/.hidden/x",
            "http://user@a.com/b/", "http://[::1]:8080/b/c", "http://a.com?x", "http://a.com#frag",
            " http://a.com/b/c \n", "https://例え.jp/a/b", "ftp://a.com/b/", "mailto:x@a.com", "/relative/base",
            "http://", "http://a.com:99999/b/", "http://a b/c", "not a url", "", "http://a.com/b/c/d;p?q",
            "http://a.com/a/b/c/./../../g", "HTTP://a.com/B/");

    private static final List<String> LINKS = List.of(
            // the common ones, fast
            "/", "/p/1.html", "/p/1.html#reviews", "/c/0/page/2.html?sort=price&dir=asc", "/a?", "/a?#x", "/a#",
            "page/2.html", "2.html", "x", "x/y/z?q=1", "#", "#top", "#a#b",
            "http://a.com/x", "https://b.org/y?z=1#w", "http://a.com", "http://a.com?x", "http://a.com#y",
            "http://host_name.example-x.com/x", "http://127.0.0.1/x", "http://a.com./x",
            // the tricky ones, general
            "", " ", "  /p  ", "/p\n/q", "\t/p", "/p\t", "//cdn.com/x", "///x", "//", "?", "?y", "?y#z", "../g", "./g",
            ".", "..", "../../../../g", "g/../h", "g/./h", "/./g", "/../g", "/g/.", "/g/..", "/.hidden", "/a/.b/c",
            "/a..b", "g..", "..g", ".g", "/a%7eb", "/a%2fb", "/100%", "/%", "/%zz", "/a%20b", "/a b", "/é", "/a\\b",
            "\\a", "/a?b=%41", "/a?b c", "/a?b=é", "/a?x?y", "/a?x/y", "/a?z=1&a=2&m=3", "/a?b&a", "/a?=1&=0",
            "a:b", "a:b/c", "x/a:b", "/a:b", "/a@b", "a@b/c", "mailto:x@y.z", "javascript:void(0)", "data:text/html,hi",
            "tel:+1", "HTTP://OTHER.com", "Http://a.com/x", "http://A.com/x", "http://a.com:80/x", "http://a.com:8080/x",
            "http://a.com:/x", "http://u:p@a.com/x", "http://[::1]/x", "http://a..com/x", "http://.a.com/x",
            "http://a.com/./x", "http://a.com/a/../x", "http://a.com/%7Ex", "http://é.com/x", "http://a%41.com/x",
            "http:///x", "http:x", "https:", "https://", "http://a.com/x#é", "/x#a b", "/x#\n", "/x\n#a",
            "http://" + "a".repeat(254) + "/x", "http://" + "a".repeat(253) + "/x", "/a/b?c=d#e?f", "/a#b?c",
            "/!$&'()*+,;=:@", "/a?!$&'()*+,;=:@/?", "/a[b]", "/a{b}", "/a|b", "/a^b", "/a`b", "/a\"b", "/a<b>",
            "~u", "-x", "_y", "!z", "*", "/a/b/", "a/b/", "a//b", "/a//b", "/~", "/a\u0000b", "/a\u007fb");

    @Test
    void theFastPathsAndTheGeneralPathAgreeOnTrickyLinks() {
        for (boolean sort : new boolean[] {false, true}) {
            UrlNormalizer n = new UrlNormalizer(sort);
            for (String b : BASES) {
                UrlNormalizer.Base base = n.base(b);
                for (String ref : LINKS) {
                    String slow = slowOrError(n, b, ref);
                    assertEquals(slow, orError(() -> n.resolve(base, ref)), () -> "base " + show(b) + ", link " + show(ref) + ", sortQuery " + sort);
                    assertEquals(slow, orError(() -> n.resolve(b, ref)), () -> "base " + show(b) + ", link " + show(ref));
                }
            }
        }
    }

    @Test
    void theFastPathsAndTheGeneralPathAgreeOnRandomLinks() {
        String[] pieces = {"/", "/", "a", "b", "Z", "0", ".", "..", "./", "../", "?", "#", "&", "=", "%", "%7e", "%2F", "%4",
            ":", "@", "\\", " ", "\t", "é", "~", "-", "_", "!", "$", "'", "(", "*", "+", ",", ";", "[", "|", "\"",
            "http://", "https://", "HTTP://", "//", "a.com", ":80", ":8080", "u@", "\uD83D\uDE00", "\uD800"};
        Random random = new Random(20261202);
        int fast = 0;
        for (boolean sort : new boolean[] {false, true}) {
            UrlNormalizer n = new UrlNormalizer(sort);
            for (String b : BASES) {
                UrlNormalizer.Base base = n.base(b);
                for (int i = 0; i < 1_000; i++) {
                    StringBuilder ref = new StringBuilder();
                    int len = random.nextInt(8);
                    for (int k = 0; k < len; k++) {
                        ref.append(pieces[random.nextInt(pieces.length)]);
                    }
                    String r = ref.toString();
                    String slow = slowOrError(n, b, r);
                    assertEquals(slow, orError(() -> n.resolve(base, r)), () -> "base " + show(b) + ", link " + show(r) + ", sortQuery " + sort);
                    if (slow != null && !slow.startsWith("error:")) {
                        fast++;
                    }
                }
            }
        }
        assertTrue(fast > 10_000, "enough random links resolve to a URL to mean something: " + fast);
    }

    @Test
    void theCommonLinksOfAPageTakeTheFastPaths() {
        UrlNormalizer n = new UrlNormalizer();
        UrlNormalizer.Base base = n.base("http://127.0.0.1:8080/category/0/page/1.html");
        List<String> got = new ArrayList<>();
        for (String ref : List.of("/product/1.html#reviews", "2.html", "#top", "http://img.example.com/p/1.jpg", "/c?b=2&a=1")) {
            got.add(n.resolve(base, ref));
        }
        assertEquals(List.of("http://127.0.0.1:8080/product/1.html", "http://127.0.0.1:8080/category/0/page/2.html",
                "http://127.0.0.1:8080/category/0/page/1.html", "http://img.example.com/p/1.jpg",
                "http://127.0.0.1:8080/c?b=2&a=1"), got);
        assertEquals("http://127.0.0.1:8080/c?a=1&b=2", new UrlNormalizer(true).resolve(new UrlNormalizer(true).base(
                "http://127.0.0.1:8080/"), "/c?b=2&a=1"));
    }

    /** The general path's answer, or "error: …" if it throws (the fast path must then throw too, or agree). */
    private static String slowOrError(UrlNormalizer n, String base, String ref) {
        return orError(() -> n.resolveSlow(base, ref));
    }

    private static String orError(java.util.function.Supplier<String> resolve) {
        try {
            return resolve.get();
        } catch (RuntimeException e) {
            return "error: " + e.getClass().getName();
        }
    }

    private static String show(String s) {
        return "'" + s.replace("\n", "\\n").replace("\t", "\\t") + "'";
    }
}
