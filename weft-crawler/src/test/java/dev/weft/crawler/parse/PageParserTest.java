package dev.weft.crawler.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.crawler.frontier.UrlNormalizer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the parser finds in one walk over a page: links in document order, each once (the
 * repeats counted), {@code rel=nofollow} links skipped, the robots meta tags wherever they are,
 * the first canonical link, and links resolved against {@code <base href>}.
 */
class PageParserTest {

    private static final String PAGE = """
            <!DOCTYPE html><html><head><title> A  page </title>
            <link rel="stylesheet" href="/s.css"><link rel="alternate canonical" href="/canonical-1">
            <link rel=canonical href="/canonical-2"><meta name="description" content="nofollow">
            </head><body>
            <a href="/b">b</a> <a href="c">c</a> <a href="/b#again">b again</a> <a rel="external nofollow" href="/n">n</a>
            <map><area href="/area" alt=""></map> <a>no href</a> <a href="mailto:x@y.z">mail</a>
            <a href="javascript:void(0)">js</a> <a href="HTTP://Other.COM:80/x?b=2&amp;a=1">other</a>
            <div><p><a href="../up">up</a></div>
            <meta name="ROBOTS" content="NoIndex">
            </body></html>
            """;

    private static ParsedPage parse(String html, boolean followNofollow, boolean obey) {
        byte[] body = html.getBytes(StandardCharsets.UTF_8);
        return new PageParser(new UrlNormalizer(), List.of(), followNofollow, obey)
                .parse("http://a.com/dir/page.html", "text/html; charset=utf-8", null, body, body.length);
    }

    @Test
    void linksComeInDocumentOrderOnceAndNofollowLinksAreSkipped() {
        ParsedPage p = parse(PAGE, false, true);
        assertEquals(List.of("http://a.com/b", "http://a.com/dir/c", "http://a.com/area", "http://other.com/x?b=2&a=1",
                "http://a.com/up"), p.links());
        assertEquals(1, p.repeatedLinks());
        assertEquals("A page", p.title());
        assertEquals("http://a.com/canonical-1", p.canonical(), "the first link whose rel has canonical");
        assertTrue(p.noindex(), "a robots meta tag counts wherever it is, in any case");
        assertFalse(p.nofollow());
        assertEquals(List.of("http://a.com/b", "http://a.com/dir/c", "http://a.com/n", "http://a.com/area",
                "http://other.com/x?b=2&a=1", "http://a.com/up"), parse(PAGE, true, true).links());
        assertFalse(parse(PAGE, false, false).noindex(), "robots meta tags ignored when told");
    }

    @Test
    void aNofollowPageGivesNoLinksAndBaseHrefMovesTheBase() {
        ParsedPage nofollow = parse("<meta name=robots content='index, nofollow'><a href=/x>x</a>", false, true);
        assertEquals(List.of(), nofollow.links());
        assertTrue(nofollow.nofollow());
        assertNull(nofollow.canonical());
        ParsedPage based = parse("<head><base href='http://b.org/sub/'></head><a href=x>x</a><a href='/y'>y</a>"
                + "<link rel=canonical href=z>", false, true);
        assertEquals(List.of("http://b.org/sub/x", "http://b.org/y"), based.links());
        assertEquals("http://b.org/sub/z", based.canonical());
    }
}
