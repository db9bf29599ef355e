package dev.weft.crawler.store;

import java.time.Instant;
import java.util.Map;

/**
 * One row of the {@code pages} table: what happened to one admitted URL. Every admitted URL
 * ends in exactly one record, fetched or not (a failure, a robots.txt refusal and a redirect
 * out of scope are records too, with their {@code error} or {@code finalUrl}). Immutable.
 *
 * @param url         the canonical URL (the key)
 * @param finalUrl    the URL that gave the final answer, after redirects (the same URL if none)
 * @param status      the final HTTP status, or null if no response came
 * @param contentType the final {@code Content-Type}, or null
 * @param title       the HTML title, or null
 * @param depth       links followed from a seed (seeds are 0)
 * @param referrer    the page that linked to it, or null for a seed
 * @param fetchedAt   when the visit ended (UTC)
 * @param elapsedMs   the response times of every request of the visit, summed, in milliseconds
 * @param bodyBytes   body bytes received (at most the cap)
 * @param fields      the extracted fields (empty if none)
 * @param error       {@code kind: message} when the visit failed, else null
 * @param redirects   how many redirects were followed
 * @param truncated   the body was longer than the cap and was cut
 * @param canonical   the page's {@code <link rel=canonical>}, or null
 */
public record PageRecord(String url, String finalUrl, Integer status, String contentType, String title, int depth,
        String referrer, Instant fetchedAt, long elapsedMs, long bodyBytes, Map<String, String> fields, String error,
        int redirects, boolean truncated, String canonical) {

    /**
     * A record whose text fits every store ({@link StoredText}): the title, content type, error,
     * URLs and fields from the web are cut to what each engine's column holds and rid of NUL, so
     * that one hostile page cannot fail a commit.
     */
    public PageRecord {
        finalUrl = StoredText.bounded(finalUrl, StoredText.MAX_URL);
        contentType = StoredText.bounded(contentType, StoredText.MAX_CONTENT_TYPE);
        title = StoredText.bounded(title, StoredText.MAX_TITLE);
        referrer = StoredText.bounded(referrer, StoredText.MAX_URL);
        fields = StoredText.bounded(fields);
        error = StoredText.bounded(error, StoredText.MAX_ERROR);
        canonical = StoredText.bounded(canonical, StoredText.MAX_URL);
    }

    /** {@return true if the visit ended without an error} */
    public boolean ok() {
        return error == null;
    }

    /** {@return the error's kind (the part before the first colon), or null} */
    public String errorKind() {
        if (error == null) {
            return null;
        }
        int colon = error.indexOf(':');
        return colon < 0 ? error : error.substring(0, colon);
    }
}
