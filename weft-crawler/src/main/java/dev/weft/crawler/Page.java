package dev.weft.crawler;

import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Document;

/**
 * A fetched page, as a {@link PageHandler} sees it: the response and, for HTML, the parsed
 * document. Read it inside the callback; it is not meant to be kept (it holds the body).
 * Thread-safe to read.
 */
public interface Page {

    /** {@return the canonical URL the crawl admitted (the key of its stored row)} */
    String url();

    /** {@return the URL that gave this response, after redirects} */
    String finalUrl();

    /** {@return the HTTP status} */
    int status();

    /** {@return the {@code Content-Type}, or null} */
    String contentType();

    /**
     * A response header.
     *
     * @param name its name, any case
     * @return its value, or null
     */
    String header(String name);

    /** {@return links followed from a seed to reach it (seeds are 0)} */
    int depth();

    /** {@return the page that linked to it, or null for a seed} */
    String referrer();

    /** {@return the body decoded as text (charset from the header, a BOM or {@code <meta>}), or "" for a binary body} */
    String text();

    /** {@return the parsed HTML document (jsoup), or null if the page is not HTML} */
    Document document();

    /** {@return the HTML title, or null} */
    String title();

    /** {@return the values of the {@code extract} rules that matched} */
    Map<String, String> fields();

    /** {@return the canonical links the crawler found on it (before scope and rules)} */
    List<String> links();

    /** {@return true if the body was longer than {@code maxBodySize} and was cut} */
    boolean truncated();

    /**
     * Resolves a link against this page (its {@code <base href>} if any) and makes it canonical.
     *
     * @param href a link as written in the page
     * @return the canonical absolute URL, or null if it is not http(s)
     */
    String resolve(String href);
}
