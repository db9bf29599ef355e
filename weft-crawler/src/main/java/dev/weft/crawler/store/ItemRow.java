package dev.weft.crawler.store;

/**
 * One row of the {@code items} table: an item a page callback emitted. Immutable.
 *
 * @param url  the page's canonical URL
 * @param n    its index among the page's items (0, 1, …)
 * @param json the item as JSON
 */
public record ItemRow(String url, int n, String json) {

    /** An item's JSON without the escaped NUL PostgreSQL refuses ({@link StoredText#jsonWithoutNul}). */
    public ItemRow {
        json = StoredText.jsonWithoutNul(json);
    }
}
