package dev.weft.examples;

import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRulesParser;
import dev.weft.TaskGroup;
import dev.weft.Weft;
import dev.weft.crawler.demo.DemoSite;
import dev.weft.http.client.ClientResponse;
import dev.weft.http.client.ClientSession;
import dev.weft.sync.Semaphore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * Seed 000, "a high-concurrency crawler based on asyncio coroutines": a waiting list, a seen
 * set, a {@code Semaphore(3)} and a one-second pause before every request for politeness,
 * detail pages told from list pages by a regular expression, each detail page's title
 * printed and inserted through a connection pool. jobbole.com becomes the demo shop, started
 * in-process: its product pages are the "articles".
 *
 * <pre>{@code
 * async def fetch(url, session):
 *     async with sem:                     # sem = asyncio.Semaphore(3)
 *         await asyncio.sleep(1)
 *         async with session.get(url) as resp:
 *             if resp.status in [200, 201]:
 *                 return await resp.text()
 *
 * async def consumer(pool, session):
 *     while not stop_flag:
 *         if len(waitting_urls) == 0:
 *             await asyncio.sleep(0.5)
 *             continue
 *         url = waitting_urls.pop()
 *         if re.match('http://.*?jobbole.com/\d+/', url):
 *             if url not in seen_urls:
 *                 asyncio.ensure_future(article_handler(url, session, pool))
 *         else:
 *             if url not in seen_urls:
 *                 asyncio.ensure_future(init_urls(url, session))
 * }</pre>
 *
 * <p>Where the port differs, on purpose: a URL is marked seen when it is queued, not after
 * its page arrived (the seed can fetch a page twice while the first fetch is in flight); links
 * lose their {@code #fragment} and their query (the shop's queries only track where a click
 * came from: the same article must not be stored twice) and stay on the site; robots.txt is obeyed (the shop disallows
 * {@code /private/}); the crawl ends when nothing is left instead of running forever; and the
 * blocking JDBC insert runs on a thread ({@code Weft.toThread}), where the seed had the async
 * driver aiomysql.
 */
public final class JobboleCrawler implements Example {

    /** Detail pages ("articles"); the seed's {@code 'http://.*?jobbole.com/\d+/'}. */
    static final Pattern DETAIL = Pattern.compile("http://.*?/product/\\d+\\.html");

    @Override
    public String name() {
        return "jobbole-crawler";
    }

    @Override
    public String description() {
        return "seed 000: Semaphore(3), 1 s pause, regex routing, titles into SQLite or --out mysql://root@127.0.0.1:3306/test";
    }

    @Override
    public void run(String[] args) throws Exception {
        int pages = Args.intOption(args, "--pages", 30);
        int latency = Args.intOption(args, "--latency", 100);
        int concurrency = Args.intOption(args, "--concurrency", 3);
        double pause = Args.doubleOption(args, "--pause", 1.0);
        String out = Args.option(args, "--out", "sqlite:jobbole.db");
        DemoSite.Options site = DemoSite.Options.defaults().pages(pages).latency(Duration.ofMillis(latency));
        try (DemoSite shop = DemoSite.start(site); ArticleStore pool = ArticleStore.open(out, concurrency)) {
            System.out.printf("crawling the demo shop (%d pages) at %s: %d at a time, %.1f s pause, into %s%n",
                    pages, shop.baseUrl(), concurrency, pause, pool);
            long start = System.nanoTime();
            Crawl crawl = new Crawl(pool, concurrency, pause);
            Weft.run(() -> crawl.main(shop.baseUrl()));
            System.out.printf("%d articles stored into %s, %d pages fetched, in %.1f s%n", crawl.stored, pool,
                    crawl.fetched, (System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * One crawl: the seed's module-level state and functions. Its tasks all run on one loop,
     * one at a time, so plain collections need no locks (as the seed's list and set).
     */
    static final class Crawl {
        private final ArticleStore pool;
        private final Semaphore sem;
        private final double pause;
        private final Deque<String> waitingUrls = new ArrayDeque<>();
        private final Set<String> seenUrls = new HashSet<>();
        private ClientSession session;
        private BaseRobotRules robots;
        private String site;
        private int running;
        int fetched;
        int stored;

        Crawl(ArticleStore pool, int concurrency, double pause) {
            this.pool = pool;
            this.sem = new Semaphore(concurrency);
            this.pause = pause;
        }

        /** The seed's {@code main}: the start page, then the consumer until nothing is left. */
        void main(String startUrl) throws IOException {
            site = startUrl;
            try (ClientSession s = ClientSession.create()) {
                session = s;
                try (ClientResponse r = session.get(startUrl + "robots.txt")) {
                    robots = new SimpleRobotRulesParser().parseContent(startUrl + "robots.txt", r.bytes(),
                            "text/plain", List.of("weft-example"));
                }
                seenUrls.add(startUrl);
                String html = fetch(startUrl);
                if (html != null) {
                    extractUrls(html, startUrl);
                }
                consumer();
            }
        }

        /** The seed's {@code fetch}: at most N at once, a pause first, the text of a 200 or 201. */
        String fetch(String url) {
            try (var permit = sem.permit()) {   // concurrency
                Weft.sleep(pause);               // politeness
                try (ClientResponse resp = session.get(url)) {
                    fetched++;
                    System.out.println("url status: " + resp.status());
                    if (resp.status() == 200 || resp.status() == 201) {
                        return resp.text();
                    }
                } catch (IOException e) {
                    System.out.println(e);
                }
                return null;
            }
        }

        /** The seed's {@code extract_urls}: every new link of the page joins the waiting list. */
        void extractUrls(String html, String pageUrl) {
            for (Element link : Jsoup.parse(html, pageUrl).select("a[href]")) {
                String url = link.absUrl("href");
                int cut = url.indexOf('#');
                url = cut >= 0 ? url.substring(0, cut) : url;
                cut = url.indexOf('?');
                url = cut >= 0 ? url.substring(0, cut) : url;
                if (url.startsWith(site) && robots.isAllowed(url) && seenUrls.add(url)) {
                    waitingUrls.add(url);
                }
            }
        }

        /** The seed's {@code article_handler}: a detail page's links, title and row. */
        void articleHandler(String url) throws Exception {
            String html = fetch(url);
            if (html == null) {
                return;
            }
            extractUrls(html, url);
            Document pq = Jsoup.parse(html, url);
            String title = pq.title();
            System.out.println(title);
            String price = text(pq, ".price");
            String rating = text(pq, ".rating");
            Element img = pq.selectFirst("img");
            String image = img == null ? null : img.absUrl("src");
            Weft.toThread(() -> {                // JDBC blocks: on a thread, not on the loop
                pool.insert(url, title, price, rating, image);
            });
            stored++;
        }

        private static String text(Document d, String css) {
            Element e = d.selectFirst(css);
            return e == null ? null : e.text();
        }

        /** The seed's {@code init_urls}: a list page's links only. */
        void initUrls(String url) {
            String html = fetch(url);
            if (html != null) {
                extractUrls(html, url);
            }
        }

        /** The seed's {@code consumer}: pops URLs and starts a handler task for each. */
        void consumer() {
            try (TaskGroup group = TaskGroup.open()) {
                while (true) {
                    if (waitingUrls.isEmpty()) {
                        if (running == 0) {
                            return;              // the seed runs forever; this crawl ends
                        }
                        Weft.sleep(0.5);
                        continue;
                    }
                    String url = waitingUrls.removeLast(); // list.pop(): the newest first
                    System.out.println("start get url: " + url);
                    running++;
                    if (DETAIL.matcher(url).lookingAt()) {
                        group.spawn(() -> {
                            try {
                                articleHandler(url);
                            } finally {
                                running--;
                            }
                        });
                    } else {
                        group.spawn(() -> {
                            try {
                                initUrls(url);
                            } finally {
                                running--;
                            }
                        });
                    }
                }
            }
        }
    }
}
