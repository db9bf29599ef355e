package dev.weft.crawler.demo;

import java.nio.charset.StandardCharsets;

/**
 * Renders the pages of a demo {@link Shop}: the same path always gives the same bytes, whether
 * served ({@link DemoSite}) or written to files ({@link SiteExport}). A path that is not a
 * page of the shop gives null (a 404). Paths are compared exactly: {@code /product/07.html} or
 * {@code /product/7.html/} are not pages, as they would not be files of the export either.
 *
 * <p>What the pages hold for a crawler (see {@link Shop} for the layout):
 * <ul>
 *   <li>links to the same page that differ only by a fragment ({@code #reviews}, {@code #top},
 *       {@code #specs}) and, for the featured products, by the order of the query parameters;
 *   <li>links to {@code /discontinued/ID.html} (404) from one product in 25;
 *   <li>links into {@code /private/} (disallowed by robots.txt) from every header and from one
 *       product in 50;
 *   <li>on product pages: {@code h1.title}, {@code img.image[src]}, {@code .price},
 *       {@code .rating}, {@code .date}, and a {@code link rel=canonical}.
 * </ul>
 * Immutable and thread-safe.
 */
public final class ShopPages {

    /** robots.txt: everything but the private section. */
    public static final String ROBOTS_TXT = """
            # The Weft demo shop. Customers' pages are not for crawlers.
            User-agent: *
            Disallow: /private/
            """;

    private static final String SHOP_NAME = "Weft Demo Shop";
    /** Numbered pagination links on each side of the current page. */
    private static final int PAGINATION_WINDOW = 10;

    private final Shop shop;

    /**
     * Renders the pages of {@code shop}.
     *
     * @param shop the shop whose pages to render
     */
    public ShopPages(Shop shop) {
        this.shop = java.util.Objects.requireNonNull(shop, "shop");
    }

    /** {@return the shop rendered} */
    public Shop shop() {
        return shop;
    }

    /**
     * {@return the media type of the page at {@code path}}
     *
     * @param path a URL path without query or fragment, e.g. {@code /product/7.html}
     */
    public static String contentType(String path) {
        return path.endsWith(".txt") ? "text/plain; charset=utf-8" : "text/html; charset=utf-8";
    }

    /**
     * The page at {@code path}, encoded in UTF-8.
     *
     * @param path a URL path without query or fragment (as sent: still percent-encoded)
     * @return the page's bytes, or null if there is no such page
     */
    public byte[] render(String path) {
        String html = renderText(path);
        return html == null ? null : html.getBytes(StandardCharsets.UTF_8);
    }

    private String renderText(String path) {
        switch (path) {
            case "/" -> {
                return home();
            }
            case "/robots.txt" -> {
                return ROBOTS_TXT;
            }
            case "/coming-soon.html" -> {
                return comingSoon();
            }
            default -> {
            }
        }
        if (Shop.PRIVATE_PAGES.contains(path)) {
            return privatePage(path);
        }
        String[] s = path.split("/", -1);
        if (s.length == 3 && s[0].isEmpty() && s[2].endsWith(".html")) {
            int n = number(s[2].substring(0, s[2].length() - ".html".length()));
            if (s[1].equals("product") && n >= 1 && n <= shop.products()) {
                return product(n);
            }
            if (s[1].equals("help") && n >= 1 && n <= shop.helpPages()) {
                return help(n);
            }
            return null;
        }
        if (s.length == 5 && s[0].isEmpty() && s[1].equals("category") && s[3].equals("page")
                && s[4].endsWith(".html")) {
            int c = number(s[2]);
            int p = number(s[4].substring(0, s[4].length() - ".html".length()));
            if (c >= 0 && c < shop.categories() && p >= 1 && p <= shop.pagesOf(c)) {
                return listPage(c, p);
            }
        }
        return null;
    }

    /** A canonical decimal number (no sign, no leading zero), or -1. */
    private static int number(String s) {
        if (s.isEmpty() || s.length() > 9 || (s.length() > 1 && s.charAt(0) == '0')) {
            return -1;
        }
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            n = n * 10 + (ch - '0');
        }
        return n;
    }

    // ------------------------------------------------------------------ pages

    private String home() {
        Html h = new Html(SHOP_NAME, null);
        h.header("/private/account.html", "My account");
        h.line("<h1>" + SHOP_NAME + "</h1>");
        h.line("<h2>Categories</h2>");
        h.line("<ul class=\"categories\">");
        for (int c = 0; c < shop.categories(); c++) {
            h.line("<li>" + a(ShopPaths.listPage(c, 1), shop.categoryName(c)) + "</li>");
        }
        h.line("</ul>");
        h.line("<h2>Featured</h2>");
        h.line("<ul class=\"featured\">");
        for (int id : shop.featured()) {
            Product p = shop.product(id);
            String href = ShopPaths.product(id) + (shop.exact() ? "" : "?" + ShopPaths.FEATURED_QUERY);
            h.line("<li>" + a(href, p.name()) + "</li>");
        }
        h.line("</ul>");
        h.line("<h2>Deals</h2>");
        h.line("<ul class=\"deals\">");
        for (int id : shop.deals()) {
            Product p = shop.product(id);
            String href = ShopPaths.product(id) + (shop.exact() ? "" : "?" + ShopPaths.FEATURED_QUERY_REORDERED);
            h.line("<li>" + a(href, p.name())
                    + " <span class=\"price\">" + p.price() + "</span></li>");
        }
        h.line("</ul>");
        return h.end(footer());
    }

    private String comingSoon() {
        Html h = new Html("Coming soon | " + SHOP_NAME, null);
        h.header("/private/account.html", "My account");
        h.line("<h1>Coming soon</h1>");
        h.line("<div id=\"showing-soon\">");
        for (int id : shop.comingSoon()) {
            Product p = shop.product(id);
            String href = ShopPaths.product(id);
            h.line("<div class=\"item\">");
            h.line("<a class=\"thumb\" href=\"" + href + "\"><img src=\"" + p.imageUrl() + "\" alt=\"\"></a>");
            h.line("<h3>" + a(href, p.name()) + "</h3>");
            h.line("<ul><li class=\"date\">" + p.releaseDate() + "</li><li>" + escape(shop.categoryName(p.category()))
                    + "</li></ul>");
            h.line("</div>");
        }
        h.line("</div>");
        return h.end(footer());
    }

    private String listPage(int c, int page) {
        int last = shop.pagesOf(c);
        String name = shop.categoryName(c);
        Html h = new Html(name + ", page " + page + " | " + SHOP_NAME, null);
        h.header("/private/orders.html", "My orders");
        h.line("<h1 id=\"top\">" + escape(name) + "</h1>");
        h.line("<p>Page " + page + " of " + last + "</p>");
        h.line("<div class=\"products\">");
        for (int id : shop.productsOn(c, page)) {
            Product p = shop.product(id);
            String href = ShopPaths.product(id);
            h.line("<div class=\"item\">" + a(href, p.name()) + " <span class=\"price\">" + p.price()
                    + "</span> <span class=\"rating\">" + p.rating() + "</span> " + a(href + "#reviews", "reviews")
                    + "</div>");
        }
        h.line("</div>");
        h.line("<nav class=\"pagination\">");
        if (page > 1) {
            h.line(a(ShopPaths.listPage(c, 1), "first") + " " + a(ShopPaths.listPage(c, page - 1), "previous"));
        }
        for (int q = Math.max(1, page - PAGINATION_WINDOW); q <= Math.min(last, page + PAGINATION_WINDOW); q++) {
            h.line(q == page ? a(ShopPaths.listPage(c, q) + "#top", Integer.toString(q))
                    : a(ShopPaths.listPage(c, q), Integer.toString(q)));
        }
        if (page < last) {
            h.line(a(ShopPaths.listPage(c, page + 1), "next") + " " + a(ShopPaths.listPage(c, last), "last"));
        }
        h.line("</nav>");
        h.line("<nav class=\"categories\">");
        for (int k = 0; k < shop.categories(); k++) {
            h.line(a(ShopPaths.listPage(k, 1), shop.categoryName(k)));
        }
        h.line("</nav>");
        return h.end(footer());
    }

    private String product(int id) {
        Product p = shop.product(id);
        String self = ShopPaths.product(id);
        Html h = new Html(p.name() + " | " + SHOP_NAME, self);
        h.header("/private/account.html", "My account");
        h.line("<nav class=\"breadcrumb\">" + a("/", "Home") + " &rsaquo; "
                + a(ShopPaths.listPage(p.category(), p.listPage()), shop.categoryName(p.category())) + "</nav>");
        h.line("<div class=\"product\" id=\"specs\">");
        h.line("<h1 class=\"title\">" + escape(p.name()) + "</h1>");
        h.line("<img class=\"image\" src=\"" + p.imageUrl() + "\" alt=\"" + escape(p.name()) + "\">");
        h.line("<p>Price: <span class=\"price\">" + p.price() + "</span></p>");
        h.line("<p>Rating: <span class=\"rating\">" + p.rating() + "</span> / 5 (" + a(self + "#reviews", "reviews")
                + ")</p>");
        h.line("<p>Released: <span class=\"date\">" + p.releaseDate() + "</span></p>");
        if (shop.linksToDiscontinued(id)) {
            h.line("<p>Replaces the " + a(ShopPaths.discontinued(id), "previous model") + ".</p>");
        }
        if (Shop.linksToWishlist(id)) {
            h.line("<p>" + a("/private/wishlist.html", "Add to wishlist") + "</p>");
        }
        h.line("</div>");
        h.line("<h2 id=\"reviews\">Reviews</h2>");
        h.line("<p>No reviews yet.</p>");
        h.line("<h2>Related</h2>");
        h.line("<ul class=\"related\">");
        boolean first = true;
        for (int r : shop.related(id)) {
            String href = ShopPaths.product(r) + (first ? "#specs" : "");
            h.line("<li>" + a(href, shop.product(r).name()) + "</li>");
            first = false;
        }
        h.line("</ul>");
        return h.end(footer());
    }

    private String help(int k) {
        Html h = new Html("Help " + k + " | " + SHOP_NAME, null);
        h.header("/private/account.html", "My account");
        h.line("<h1>Help</h1>");
        h.line("<p>Orders ship within two days. Returns are free for thirty days.</p>");
        return h.end(footer());
    }

    private String privatePage(String path) {
        Html h = new Html("Private | " + SHOP_NAME, null);
        h.header("/private/account.html", "My account");
        h.line("<h1>Sign in</h1>");
        h.line("<p>This page belongs to a customer; robots.txt keeps crawlers out.</p>");
        h.line("<ul>");
        for (String other : Shop.PRIVATE_PAGES) {
            if (!other.equals(path)) {
                h.line("<li>" + a(other, other) + "</li>");
            }
        }
        h.line("</ul>");
        return h.end(footer());
    }

    private String footer() {
        StringBuilder f = new StringBuilder("<footer>").append(a("/", "Home"));
        for (int k = 1; k <= shop.helpPages(); k++) {
            f.append(" &middot; ").append(a(ShopPaths.help(k), "Help"));
        }
        return f.append("</footer>").toString();
    }

    // ------------------------------------------------------------------ HTML

    private static String a(String href, String text) {
        return "<a href=\"" + escape(href) + "\">" + escape(text) + "</a>";
    }

    private static String escape(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            String rep = switch (ch) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                default -> null;
            };
            if (rep != null && b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (b != null) {
                if (rep != null) {
                    b.append(rep);
                } else {
                    b.append(ch);
                }
            }
        }
        return b == null ? s : b.toString();
    }

    /** One page being written: head, header, lines, footer. */
    private static final class Html {
        private final StringBuilder b = new StringBuilder(4096);

        Html(String title, String canonical) {
            b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                    .append(escape(title)).append("</title>\n");
            if (canonical != null) {
                b.append("<link rel=\"canonical\" href=\"").append(escape(canonical)).append("\">\n");
            }
            b.append("</head>\n<body>\n");
        }

        void header(String privateHref, String privateText) {
            line("<header>" + a("/", SHOP_NAME) + " &middot; " + a("/coming-soon.html", "Coming soon") + " &middot; "
                    + a(privateHref, privateText) + "</header>");
        }

        void line(String s) {
            b.append(s).append('\n');
        }

        String end(String footer) {
            return b.append(footer).append("\n</body>\n</html>\n").toString();
        }
    }
}
