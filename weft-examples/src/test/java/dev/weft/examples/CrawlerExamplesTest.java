package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.crawler.demo.DemoSite;
import dev.weft.crawler.demo.Product;
import dev.weft.crawler.demo.Shop;
import dev.weft.testing.WeftTest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The crawler examples of seeds 000 and 001, against the demo site without latency. */
@WeftTest(virtualClock = false)
class CrawlerExamplesTest {

    private static DemoSite site(int pages) throws Exception {
        return DemoSite.start(DemoSite.Options.defaults().pages(pages).latency(Duration.ZERO));
    }

    @Test
    void doubanDetailsGivesNameDateAndImageOfEveryComingProduct() throws Exception {
        try (DemoSite site = site(500)) {
            List<DoubanDetails.Release> expected = new ArrayList<>();
            for (int id : site.shop().comingSoon()) {
                Product p = site.shop().product(id);
                expected.add(new DoubanDetails.Release(p.name(), p.releaseDate().toString(), p.imageUrl()));
            }
            assertEquals(12, expected.size());
            assertEquals(expected, DoubanDetails.scrape(site.baseUrl() + "coming-soon.html"));
        }
    }

    @Test
    void jobboleCrawlerStoresEveryArticleOnceIntoSqlite(@TempDir Path dir) throws Exception {
        try (DemoSite site = site(60);
             ArticleStore store = ArticleStore.open("sqlite:" + dir.resolve("jobbole.db"), 3)) {
            JobboleCrawler.Crawl crawl = new JobboleCrawler.Crawl(store, 3, 0);
            crawl.main(site.baseUrl());
            assertEquals(expectedTitles(site.shop()), store.titles());
            assertEquals(site.shop().products(), crawl.stored);
            assertEquals(site.shop().pages() + brokenLinks(site.shop()), crawl.fetched, "each page fetched once");
        }
    }

    @Test
    void jobboleCrawlerStoresIntoMariaDb() throws Exception {
        String db = "weft_jobbole_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
            try (DemoSite site = site(40);
                 ArticleStore store = ArticleStore.open("mysql://root@127.0.0.1:3306/" + db, 3)) {
                JobboleCrawler.Crawl crawl = new JobboleCrawler.Crawl(store, 3, 0);
                crawl.main(site.baseUrl());
                assertEquals(expectedTitles(site.shop()), store.titles());
            } finally {
                s.execute("DROP DATABASE " + db);
            }
        }
    }

    @Test
    void aWrongOutIsRefusedWithWhatItShouldBe() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ArticleStore.open("postgres://x/y", 3));
        assertTrue(e.getMessage().contains("sqlite:PATH or mysql://"), e.getMessage());
        SQLException wrongPassword = assertThrows(SQLException.class,
                () -> ArticleStore.open("mysql://root:wrong-password@127.0.0.1:3306/test", 3));
        assertTrue(wrongPassword.getMessage().contains("cannot open MySQL 127.0.0.1:3306/test"),
                wrongPassword.getMessage());
    }

    /** Every product's page title, sorted as {@code ORDER BY url} sorts their URLs. */
    private static List<String> expectedTitles(Shop shop) {
        List<String[]> rows = new ArrayList<>();
        for (int id = 1; id <= shop.products(); id++) {
            rows.add(new String[] {"/product/" + id + ".html", shop.product(id).name() + " | Weft Demo Shop"});
        }
        rows.sort((a, b) -> a[0].compareTo(b[0]));
        return rows.stream().map(r -> r[1]).toList();
    }

    private static long brokenLinks(Shop shop) {
        return shop.expectedCrawl(true).values().stream().filter(s -> s == 404).count();
    }
}
