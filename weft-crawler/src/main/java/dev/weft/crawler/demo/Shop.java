package dev.weft.crawler.demo;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The catalogue of the demo shop: how many categories, products, list pages and help pages a
 * shop of {@code pages} pages has, and every product's data, all derived from a seed. Nothing
 * is stored per product: a product is computed from its id when asked for, so a shop of
 * 1,000,000 pages costs no more memory than one of 2,000.
 *
 * <p>The pages of a shop of {@code N} pages, exactly {@code N} of them answered with 200:
 * <pre>
 *   /                              home: every category, 5 featured products, coming soon, help
 *   /coming-soon.html              a list of up to 12 products with their release dates
 *   /category/C/page/P.html        20 products per page, pagination, every category
 *   /product/ID.html               title, price, rating, image URL, release date, related products
 *   /help/K.html                   0 or 1 filler page, so that the total is exactly N
 * </pre>
 * plus {@code /robots.txt}, which disallows {@code /private/} — a section the shop links to
 * (its three pages answer 200 to crawlers that ignore robots.txt) — and links that break
 * ({@code /discontinued/ID.html}, 404). {@link #expectedCrawl} is the exact outcome of a polite
 * crawl.
 *
 * <p>An {@linkplain #generate(int, long, boolean) exact} shop has the same pages without the
 * traps: no broken links, the featured products linked by their plain URL, and the home page's
 * deals naming five other products. A polite crawl of it fetches exactly {@link #pages()}
 * pages (and robots.txt): the shape of a benchmark whose ideal counts pages. Immutable and
 * thread-safe.
 */
public final class Shop {

    /** Products on one category page. */
    public static final int PRODUCTS_PER_PAGE = 20;
    /** Products linked from the home page, each under two query-parameter orders. */
    public static final int FEATURED = 5;
    /** Products listed on {@code /coming-soon.html} (fewer in a tiny shop). */
    public static final int COMING_SOON = 12;
    /** The smallest shop: home, coming soon, one category page, one product. */
    public static final int MIN_PAGES = 4;
    /** The pages of the section robots.txt disallows. */
    public static final List<String> PRIVATE_PAGES =
            List.of("/private/account.html", "/private/orders.html", "/private/wishlist.html");
    /** The host of the (never fetched) product images. */
    public static final String IMAGE_HOST = "https://img.weft-shop.example";

    private static final int MAX_CATEGORIES = 50;
    private static final int PAGES_PER_CATEGORY_SHARE = 200;
    private static final LocalDate FIRST_RELEASE = LocalDate.of(2025, 1, 1);

    private static final String[][] CATEGORY_NAMES = {
        {"Teapots", "Teapot"}, {"Lanterns", "Lantern"}, {"Kites", "Kite"}, {"Fans", "Fan"},
        {"Umbrellas", "Umbrella"}, {"Bowls", "Bowl"}, {"Chopsticks", "Chopstick Set"},
        {"Scrolls", "Scroll"}, {"Brushes", "Brush"}, {"Inkstones", "Inkstone"}, {"Vases", "Vase"},
        {"Cups", "Cup"}, {"Kettles", "Kettle"}, {"Baskets", "Basket"}, {"Mats", "Mat"},
        {"Lamps", "Lamp"}, {"Clocks", "Clock"}, {"Bells", "Bell"}, {"Boxes", "Box"},
        {"Combs", "Comb"}, {"Mirrors", "Mirror"}, {"Screens", "Screen"}, {"Stools", "Stool"},
        {"Trays", "Tray"}, {"Plates", "Plate"}, {"Jars", "Jar"}, {"Spoons", "Spoon"},
        {"Knives", "Knife"}, {"Pens", "Pen"}, {"Notebooks", "Notebook"}, {"Scarves", "Scarf"},
        {"Hats", "Hat"}, {"Bags", "Bag"}, {"Shoes", "Shoe"}, {"Belts", "Belt"},
        {"Wallets", "Wallet"}, {"Candles", "Candle"}, {"Rugs", "Rug"}, {"Pillows", "Pillow"},
        {"Blankets", "Blanket"}, {"Towels", "Towel"}, {"Mugs", "Mug"}, {"Pots", "Pot"},
        {"Pans", "Pan"}, {"Whisks", "Whisk"}, {"Ladles", "Ladle"}, {"Sieves", "Sieve"},
        {"Steamers", "Steamer"}, {"Woks", "Wok"}, {"Cleavers", "Cleaver"},
    };
    private static final String[] ADJECTIVES = {
        "Small", "Large", "Antique", "Modern", "Handmade", "Folding", "Painted", "Carved",
        "Glazed", "Polished", "Rustic", "Elegant", "Sturdy", "Compact", "Classic", "Travel",
    };
    private static final String[] MATERIALS = {
        "Bamboo", "Porcelain", "Silk", "Jade", "Bronze", "Walnut", "Clay", "Paper", "Lacquer",
        "Cotton", "Linen", "Copper", "Iron", "Pine", "Cedar", "Glass",
    };

    private final int pages;
    private final long seed;
    private final int products;
    /** categoryStart[c] is the first product id of category c (1-based ids); [categories] = products + 1. */
    private final int[] categoryStart;
    private final int listPages;
    private final int helpPages;
    private final boolean exact;

    private Shop(int pages, long seed, boolean exact) {
        this.pages = pages;
        this.seed = seed;
        this.exact = exact;
        int categories = Math.clamp(pages / PAGES_PER_CATEGORY_SHARE, 1, MAX_CATEGORIES);
        // The most products whose list pages still fit: 2 + products + listPages(products) <= pages.
        int p = (int) ((pages - 2L) * PRODUCTS_PER_PAGE / (PRODUCTS_PER_PAGE + 1));
        p = Math.max(p, categories);
        while (p > categories && 2L + p + listPagesFor(p, categories) > pages) {
            p--;
        }
        while (2L + (p + 1) + listPagesFor(p + 1, categories) <= pages) {
            p++;
        }
        if (p < categories) {
            categories = p;
        }
        this.products = p;
        this.categoryStart = new int[categories + 1];
        int id = 1;
        for (int c = 0; c < categories; c++) {
            categoryStart[c] = id;
            id += productsIn(p, categories, c);
        }
        categoryStart[categories] = id;
        this.listPages = listPagesFor(p, categories);
        this.helpPages = pages - 2 - p - listPages;
    }

    /**
     * The shop of exactly {@code pages} pages generated from {@code seed}: the same arguments
     * always give the same shop, page for page and byte for byte.
     *
     * @param pages the number of pages answered with 200, at least {@value #MIN_PAGES}
     * @param seed the seed of every name, price, rating and date
     * @return the shop
     * @throws IllegalArgumentException if {@code pages} is below {@value #MIN_PAGES}
     */
    public static Shop generate(int pages, long seed) {
        return generate(pages, seed, false);
    }

    /**
     * The shop of exactly {@code pages} pages generated from {@code seed}, with or without its
     * crawler traps (query variants of the featured products, broken links).
     *
     * @param pages the number of pages answered with 200, at least {@value #MIN_PAGES}
     * @param seed the seed of every name, price, rating and date
     * @param exact true for the shop without traps, whose crawl fetches exactly {@code pages} pages
     * @return the shop
     * @throws IllegalArgumentException if {@code pages} is below {@value #MIN_PAGES}
     */
    public static Shop generate(int pages, long seed, boolean exact) {
        if (pages < MIN_PAGES) {
            throw new IllegalArgumentException("a demo shop has at least " + MIN_PAGES + " pages, not " + pages);
        }
        return new Shop(pages, seed, exact);
    }

    /** {@return true for a shop without traps (see the class comment)} */
    public boolean exact() {
        return exact;
    }

    private static int productsIn(int products, int categories, int c) {
        return products / categories + (c < products % categories ? 1 : 0);
    }

    private static int listPagesFor(int products, int categories) {
        int total = 0;
        for (int c = 0; c < categories; c++) {
            total += ceilDiv(productsIn(products, categories, c), PRODUCTS_PER_PAGE);
        }
        return total;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** {@return the number of pages answered with 200 (robots.txt and the private section aside)} */
    public int pages() {
        return pages;
    }

    /** {@return the seed the shop was generated from} */
    public long seed() {
        return seed;
    }

    /** {@return the number of categories} */
    public int categories() {
        return categoryStart.length - 1;
    }

    /** {@return the number of products (ids 1 to this)} */
    public int products() {
        return products;
    }

    /** {@return the number of category list pages, all categories together} */
    public int listPages() {
        return listPages;
    }

    /** {@return the number of help pages ({@code /help/1.html} …)} */
    public int helpPages() {
        return helpPages;
    }

    /**
     * {@return its display name (plural)}
     *
     * @param category a category index, 0 to {@link #categories()} - 1
     */
    public String categoryName(int category) {
        checkCategory(category);
        String[] n = CATEGORY_NAMES[category % CATEGORY_NAMES.length];
        return category < CATEGORY_NAMES.length ? n[0] : n[0] + " " + (category / CATEGORY_NAMES.length + 1);
    }

    /**
     * {@return the number of list pages of that category}
     *
     * @param category a category index
     */
    public int pagesOf(int category) {
        checkCategory(category);
        return ceilDiv(categoryStart[category + 1] - categoryStart[category], PRODUCTS_PER_PAGE);
    }

    /**
     * {@return the ids of the products listed there, in order}
     *
     * @param category a category index
     * @param page a page of it, from 1
     */
    public List<Integer> productsOn(int category, int page) {
        checkCategory(category);
        if (page < 1 || page > pagesOf(category)) {
            throw new IllegalArgumentException("category " + category + " has no page " + page);
        }
        int first = categoryStart[category] + (page - 1) * PRODUCTS_PER_PAGE;
        int end = Math.min(first + PRODUCTS_PER_PAGE, categoryStart[category + 1]);
        List<Integer> ids = new ArrayList<>(end - first);
        for (int id = first; id < end; id++) {
            ids.add(id);
        }
        return ids;
    }

    /**
     * {@return the product, computed from the seed}
     *
     * @param id a product id, 1 to {@link #products()}
     */
    public Product product(int id) {
        if (id < 1 || id > products) {
            throw new IllegalArgumentException("no product " + id + " (1 to " + products + ")");
        }
        int category = categoryOf(id);
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + id);
        String noun = CATEGORY_NAMES[category % CATEGORY_NAMES.length][1];
        String name = ADJECTIVES[r.nextInt(ADJECTIVES.length)] + " " + MATERIALS[r.nextInt(MATERIALS.length)]
                + " " + noun + " No. " + id;
        long priceCents = 100 + r.nextInt(99_900);
        int ratingTenths = 10 + r.nextInt(41);
        LocalDate release = FIRST_RELEASE.plusDays(r.nextInt(365));
        int page = (id - categoryStart[category]) / PRODUCTS_PER_PAGE + 1;
        return new Product(id, name, category, page, priceCents, ratingTenths, IMAGE_HOST + "/p/" + id + ".jpg", release);
    }

    private int categoryOf(int id) {
        int lo = 0;
        int hi = categories() - 1;
        while (lo < hi) { // the last category whose start is <= id
            int mid = (lo + hi + 1) >>> 1;
            if (categoryStart[mid] <= id) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private void checkCategory(int category) {
        if (category < 0 || category >= categories()) {
            throw new IllegalArgumentException("no category " + category + " (0 to " + (categories() - 1) + ")");
        }
    }

    /** {@return the ids of the products featured on the home page} */
    public List<Integer> featured() {
        return spread(Math.min(FEATURED, products), 2);
    }

    /**
     * {@return the ids of the products in the home page's deals: the featured ones again (under
     * the other order of the query), or in an exact shop five others where the shop has them}
     */
    public List<Integer> deals() {
        if (!exact) {
            return featured();
        }
        List<Integer> ids = new ArrayList<>(spread(Math.min(FEATURED, products), 1 + Math.max(1, products / (2 * FEATURED))));
        ids.removeAll(featured());
        return ids;
    }

    /**
     * Whether product {@code id}'s page links to a discontinued model (a 404): one product in 25,
     * none in an exact shop.
     *
     * @param id a product id
     * @return true if its page has a broken link
     */
    public boolean linksToDiscontinued(int id) {
        return !exact && hasBrokenLink(id);
    }

    /** {@return the ids of the products on {@code /coming-soon.html}} */
    public List<Integer> comingSoon() {
        return spread(Math.min(COMING_SOON, products), 1);
    }

    /** {@code count} distinct ids spread over the catalogue, starting at offset {@code shift}. */
    private List<Integer> spread(int count, int shift) {
        List<Integer> ids = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            ids.add((int) (((long) k * products / count + shift - 1) % products) + 1);
        }
        return ids;
    }

    /**
     * Whether product {@code id} links to a discontinued model (a 404): one product in 25.
     *
     * @param id a product id
     * @return true if its page has a broken link
     */
    public static boolean hasBrokenLink(int id) {
        return id % 25 == 7;
    }

    /**
     * Whether product {@code id} links to the wishlist (in the section robots.txt disallows).
     *
     * @param id a product id
     * @return true if its page links into {@code /private/}
     */
    public static boolean linksToWishlist(int id) {
        return id % 50 == 0;
    }

    /**
     * The {@code related} products a product page links to: the next three of its category
     * (wrapping round), never itself.
     *
     * @param id a product id
     * @return up to three ids
     */
    public List<Integer> related(int id) {
        int c = categoryOf(id);
        int first = categoryStart[c];
        int size = categoryStart[c + 1] - first;
        List<Integer> ids = new ArrayList<>(3);
        for (int k = 1; k <= Math.min(3, size - 1); k++) {
            ids.add(first + (id - first + k) % size);
        }
        return ids;
    }

    /**
     * The paths of every page answered with 200, in a fixed order: home, coming soon, list
     * pages, products, help pages. {@link #pages()} of them; the private section is not among
     * them (see {@link #PRIVATE_PAGES}).
     *
     * @return the paths, e.g. {@code /}, {@code /category/0/page/1.html}
     */
    public Iterable<String> paths() {
        return () -> new java.util.Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < pages;
            }

            @Override
            public String next() {
                if (i >= pages) {
                    throw new java.util.NoSuchElementException();
                }
                return pathAt(i++);
            }
        };
    }

    private String pathAt(int i) {
        if (i == 0) {
            return "/";
        }
        if (i == 1) {
            return "/coming-soon.html";
        }
        int k = i - 2;
        if (k < listPages) {
            for (int c = 0; ; c++) {
                if (k < pagesOf(c)) {
                    return ShopPaths.listPage(c, k + 1);
                }
                k -= pagesOf(c);
            }
        }
        k -= listPages;
        if (k < products) {
            return ShopPaths.product(k + 1);
        }
        return ShopPaths.help(k - products + 1);
    }

    /**
     * What a polite crawl from {@code /} finds: every URL it fetches (path and query, fragment
     * dropped; robots.txt obeyed, so nothing under {@code /private/}) with the status it gets.
     * That is the {@link #pages()} pages (200), the featured products under their query
     * variants (200: the same content again), and the discontinued products (404); in an exact
     * shop, the pages only.
     *
     * @param sortQuery whether the crawler sorts query parameters before deduplicating (then
     *     the two orders of a featured link are one URL)
     * @return URL (path and query) → status, in the order of {@link #paths()}, then the
     *     variants, then the broken links
     */
    public Map<String, Integer> expectedCrawl(boolean sortQuery) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String p : paths()) {
            out.put(p, 200);
        }
        if (exact) {
            return out;
        }
        for (int id : featured()) {
            out.put(ShopPaths.product(id) + "?" + ShopPaths.FEATURED_QUERY, 200);
            if (!sortQuery) {
                out.put(ShopPaths.product(id) + "?" + ShopPaths.FEATURED_QUERY_REORDERED, 200);
            }
        }
        for (int id = 1; id <= products; id++) {
            if (hasBrokenLink(id)) {
                out.put(ShopPaths.discontinued(id), 404);
            }
        }
        return out;
    }
}
