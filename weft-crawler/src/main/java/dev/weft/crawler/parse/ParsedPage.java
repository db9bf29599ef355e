package dev.weft.crawler.parse;

import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Document;

/**
 * What the parser found in an HTML page. Immutable once made (the {@link Document} is the
 * caller's to read; it is not changed afterwards).
 *
 * @param document  the jsoup document
 * @param text      the decoded body
 * @param title     the page's {@code <title>}, trimmed, or null if it has none
 * @param links     the canonical URLs of the links to follow, in document order, each once
 *                  (empty when the page says {@code nofollow})
 * @param canonical the canonical URL declared by {@code <link rel=canonical>}, or null
 * @param noindex   the page asks not to be indexed ({@code <meta name=robots content=noindex>}
 *                  or an {@code X-Robots-Tag} header)
 * @param nofollow  the page asks that its links not be followed
 * @param fields    the values of the extraction rules that matched, by name
 * @param repeatedLinks links dropped because the page had them already (same canonical URL)
 */
public record ParsedPage(Document document, String text, String title, List<String> links, String canonical,
        boolean noindex, boolean nofollow, Map<String, String> fields, int repeatedLinks) {
}
