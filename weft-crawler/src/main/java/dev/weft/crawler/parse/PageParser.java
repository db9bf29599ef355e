package dev.weft.crawler.parse;

import dev.weft.crawler.frontier.UrlNormalizer;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Evaluator;
import org.jsoup.select.NodeTraversor;
import org.jsoup.select.QueryParser;

/**
 * Parses an HTML page with jsoup and finds what the crawl needs: its title, its links
 * ({@code a[href]} and {@code area[href]}, resolved against {@code <base href>} when there is
 * one, canonical, each once; {@code mailto:}, {@code javascript:}, {@code data:} and other
 * non-http schemes dropped), its {@code <link rel=canonical>}, the robots directives of
 * {@code <meta name=robots>} and {@code X-Robots-Tag} ({@code noindex}, {@code nofollow},
 * {@code none}), {@code rel=nofollow} on links, and the extraction fields. jsoup parses broken
 * HTML as browsers do, so unclosed tags and stray markup still give their links.
 *
 * <p>CPU-bound (tens of milliseconds for a 10 MB page): the crawler calls it off the loop.
 * Immutable and thread-safe.
 */
public final class PageParser {

    // Parsed once: jsoup's selector parser is costly (it clears a 32 KiB buffer each time).
    private static final Evaluator LINKS = QueryParser.parse("a[href], area[href]");
    private static final Evaluator META = QueryParser.parse("meta[name][content]");
    private static final Evaluator LINK_RELS = QueryParser.parse("link[rel][href]");

    private final UrlNormalizer normalizer;
    private final List<FieldRule> fields;
    private final boolean followNofollow;
    private final boolean obeyMetaRobots;

    /**
     * A parser.
     *
     * @param normalizer     makes links canonical
     * @param fields         the fields to extract
     * @param followNofollow follow links marked {@code rel=nofollow} and pages marked nofollow
     * @param obeyMetaRobots obey {@code noindex}/{@code nofollow} in meta tags and headers
     */
    public PageParser(UrlNormalizer normalizer, List<FieldRule> fields, boolean followNofollow, boolean obeyMetaRobots) {
        this.normalizer = normalizer;
        this.fields = List.copyOf(fields);
        this.followNofollow = followNofollow;
        this.obeyMetaRobots = obeyMetaRobots;
    }

    /**
     * Decodes and parses a page.
     *
     * @param url          the page's final URL (the base of its relative links)
     * @param contentType  its {@code Content-Type}, or null
     * @param xRobotsTag   its {@code X-Robots-Tag} header, or null
     * @param body         the body bytes
     * @param length       how many of them are valid
     * @return what was found
     */
    public ParsedPage parse(String url, String contentType, String xRobotsTag, byte[] body, int length) {
        CharsetDetector.Detected cs = CharsetDetector.detect(contentType, body, length);
        String text = decode(body, cs.bomLength(), length - cs.bomLength(), cs.charset());
        Document doc = Jsoup.parse(text, url);
        String title = doc.title();
        title = title.isBlank() ? null : title.trim();

        // One walk over the tree finds what three selects would (links, robots meta tags, the
        // canonical link), each in document order.
        List<Element> anchors = new ArrayList<>();
        List<Element> metas = new ArrayList<>(2);
        Element[] canonicalLink = {null};
        NodeTraversor.traverse((node, depth) -> {
            if (node instanceof Element el) {
                if (LINKS.matches(doc, el)) {
                    anchors.add(el);
                } else if (obeyMetaRobots && META.matches(doc, el)) {
                    metas.add(el);
                } else if (canonicalLink[0] == null && LINK_RELS.matches(doc, el) && hasToken(el.attr("rel"), "canonical")) {
                    canonicalLink[0] = el;
                }
            }
        }, doc);

        boolean noindex = false;
        boolean nofollow = false;
        if (obeyMetaRobots) {
            List<String> directives = new ArrayList<>();
            if (xRobotsTag != null) {
                directives.add(xRobotsTag);
            }
            for (Element m : metas) {
                if (m.attr("name").equalsIgnoreCase("robots")) {
                    directives.add(m.attr("content"));
                }
            }
            for (String d : directives) {
                for (String token : tokens(d.toLowerCase(Locale.ROOT))) {
                    switch (token) {
                        case "noindex" -> noindex = true;
                        case "nofollow" -> nofollow = true;
                        case "none" -> {
                            noindex = true;
                            nofollow = true;
                        }
                        default -> { }
                    }
                }
            }
        }

        Set<String> links = new LinkedHashSet<>();
        int repeated = 0;
        if (!nofollow || followNofollow) {
            String baseUri = null;
            UrlNormalizer.Base base = null;
            for (Element a : anchors) {
                if (!followNofollow && hasToken(a.attr("rel"), "nofollow")) {
                    continue;
                }
                String b = a.baseUri();
                if (base == null || !b.equals(baseUri)) { // read once per page (they share <base href> or the URL)
                    baseUri = b;
                    base = normalizer.base(b);
                }
                String abs = normalizer.resolve(base, a.attr("href"));
                if (abs != null && !links.add(abs)) {
                    repeated++;
                }
            }
        }
        Element l = canonicalLink[0];
        String canonical = l == null ? null : normalizer.resolve(l.baseUri(), l.attr("href"));
        Map<String, String> values = new LinkedHashMap<>();
        if (!(noindex && obeyMetaRobots)) {
            for (FieldRule f : fields) {
                String v = f.extract(doc);
                if (v != null) {
                    values.put(f.name(), v);
                }
            }
        }
        return new ParsedPage(doc, text, title, List.copyOf(links), canonical, noindex, nofollow && !followNofollow,
                values, repeated);
    }

    /**
     * Decodes bytes, replacing malformed input (a truncated page may end inside a character).
     *
     * @param body    the bytes
     * @param offset  where the text starts (after a byte-order mark)
     * @param length  how many bytes
     * @param charset the charset
     * @return the text
     */
    public static String decode(byte[] body, int offset, int length, Charset charset) {
        return new String(body, offset, Math.max(0, length), charset);
    }

    private static boolean hasToken(String rel, String token) {
        if (rel.isEmpty()) {
            return false;
        }
        for (String t : tokens(rel)) {
            if (t.equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /** The words of an attribute, split at spaces and commas. */
    private static List<String> tokens(String s) {
        List<String> out = new ArrayList<>(2);
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && (Character.isWhitespace(s.charAt(i)) || s.charAt(i) == ',')) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(s.charAt(i)) && s.charAt(i) != ',') {
                i++;
            }
            if (i > start) {
                out.add(s.substring(start, i));
            }
        }
        return out;
    }
}
