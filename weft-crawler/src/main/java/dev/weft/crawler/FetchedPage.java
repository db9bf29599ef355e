package dev.weft.crawler;

import dev.weft.crawler.fetch.FetchResult;
import dev.weft.crawler.frontier.UrlNormalizer;
import dev.weft.crawler.frontier.Visit;
import dev.weft.crawler.parse.CharsetDetector;
import dev.weft.crawler.parse.PageParser;
import dev.weft.crawler.parse.ParsedPage;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Document;

/** The {@link Page} a callback sees: a fetch result and, for HTML, what the parser found. */
final class FetchedPage implements Page {

    private final Visit visit;
    private final FetchResult result;
    private final ParsedPage parsed;
    private final UrlNormalizer normalizer;
    private String text;

    FetchedPage(Visit visit, FetchResult result, ParsedPage parsed, UrlNormalizer normalizer) {
        this.visit = visit;
        this.result = result;
        this.parsed = parsed;
        this.normalizer = normalizer;
    }

    @Override
    public String url() {
        return visit.entry().url();
    }

    @Override
    public String finalUrl() {
        return visit.target();
    }

    @Override
    public int status() {
        return result.status();
    }

    @Override
    public String contentType() {
        return result.contentType();
    }

    @Override
    public String header(String name) {
        return result.header(name);
    }

    @Override
    public int depth() {
        return visit.entry().depth();
    }

    @Override
    public String referrer() {
        return visit.entry().referrer();
    }

    @Override
    public String text() {
        if (parsed != null) {
            return parsed.text();
        }
        if (text == null) {
            if (result.body() == null) {
                text = "";
            } else {
                CharsetDetector.Detected d = CharsetDetector.detect(result.contentType(), result.body(), result.length());
                text = PageParser.decode(result.body(), d.bomLength(), result.length() - d.bomLength(), d.charset());
            }
        }
        return text;
    }

    @Override
    public Document document() {
        return parsed == null ? null : parsed.document();
    }

    @Override
    public String title() {
        return parsed == null ? null : parsed.title();
    }

    @Override
    public Map<String, String> fields() {
        return parsed == null ? Map.of() : parsed.fields();
    }

    @Override
    public List<String> links() {
        return parsed == null ? List.of() : parsed.links();
    }

    @Override
    public boolean truncated() {
        return result.truncated();
    }

    @Override
    public String resolve(String href) {
        String base = parsed != null ? parsed.document().baseUri() : visit.target();
        return normalizer.resolve(base, href);
    }

    @Override
    public String toString() {
        return "Page[" + url() + ", " + status() + "]";
    }
}
