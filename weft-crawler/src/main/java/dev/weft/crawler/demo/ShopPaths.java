package dev.weft.crawler.demo;

/**
 * The URL paths of the demo {@link Shop}. Every page is a static path ending in {@code .html}
 * (or {@code /}), so that the exported site works from any static file server.
 */
public final class ShopPaths {

    /** The query of the home page's featured links. */
    public static final String FEATURED_QUERY = "ref=home&src=featured";
    /** The same parameters in the other order (the "deals" links): the same page again. */
    public static final String FEATURED_QUERY_REORDERED = "src=featured&ref=home";

    private ShopPaths() {
    }

    /**
     * {@return {@code /category/C/page/P.html}}
     *
     * @param category a category index
     * @param page a page number, from 1
     */
    public static String listPage(int category, int page) {
        return "/category/" + category + "/page/" + page + ".html";
    }

    /**
     * {@return {@code /product/ID.html}}
     *
     * @param id a product id
     */
    public static String product(int id) {
        return "/product/" + id + ".html";
    }

    /**
     * {@return {@code /help/K.html}}
     *
     * @param k a help page number, from 1
     */
    public static String help(int k) {
        return "/help/" + k + ".html";
    }

    /**
     * {@return {@code /discontinued/ID.html}, a page that does not exist}
     *
     * @param id a product id
     */
    public static String discontinued(int id) {
        return "/discontinued/" + id + ".html";
    }

    /**
     * The file of the static export that holds the page at {@code path}: {@code /} is
     * {@code index.html}, every other path is itself without the leading slash.
     *
     * @param path a path of {@link Shop#paths()}, {@link Shop#PRIVATE_PAGES} or {@code /robots.txt}
     * @return the relative file name
     */
    public static String fileOf(String path) {
        return path.equals("/") ? "index.html" : path.substring(1);
    }
}
