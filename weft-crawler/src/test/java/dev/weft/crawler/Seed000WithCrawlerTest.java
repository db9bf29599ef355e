package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.crawler.demo.DemoSite;
import dev.weft.crawler.demo.ShopPages;
import dev.weft.testing.WeftTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed 000 crawler rewritten with the {@link Crawler} API, as docs/crawler.md shows it,
 * against the demo shop (its product pages are the seed's "articles"), into SQLite and into
 * MariaDB as the seed inserted into MySQL. On the virtual clock, the one-second pauses pass at
 * once.
 */
@WeftTest
class Seed000WithCrawlerTest {

    @TempDir
    Path dir;

    record Article(String url, String title) { }

    /** The code of docs/crawler.md, "Seed 000's crawler, with the API". */
    static CrawlStats seed000(String startUrl, String store) {
        Pattern detail = Pattern.compile("/product/\\d+\\.html");   // re.match('http://.*?jobbole.com/\d+/', url)
        CrawlStats stats = Crawler.builder()
                .seeds(startUrl)                                   // start_url
                .concurrency(3)                                    // sem = asyncio.Semaphore(3)
                .delay(Duration.ofSeconds(1))                      // await asyncio.sleep(1), per host
                .store(store)                                      // aiomysql.create_pool(...); INSERT
                .onPage((page, ctx) -> {
                    if (detail.matcher(page.url()).find()) {       // article_handler
                        System.out.println(page.title());          // print(title)
                        ctx.emit(new Article(page.url(), page.title()));  // a row of `items`
                    }                                              // init_urls: every page's links are followed
                })
                .build()
                .run();
        System.out.println(stats.pagesDone() + " pages, " + stats.items() + " articles");
        return stats;
    }

    private static TestSite shop() throws Exception {
        TestSite site = TestSite.start();
        site.otherwise(DemoSite.handler(new ShopPages(DemoSite.Options.defaults().pages(40).shop(0)), Duration.ZERO,
                null));
        return site;
    }

    @Test
    void theArticlesOfTheShopGoIntoSqlite() throws Exception {
        try (TestSite site = shop()) {
            Path db = dir.resolve("seed.db");
            CrawlStats stats = seed000(site.url("/"), "sqlite:" + db);
            assertEquals(CrawlStats.State.FINISHED, stats.state());
            assertTrue(stats.items() > 5, "articles: " + stats.items());
            assertEquals(stats.items(), Sql.count(db, "SELECT COUNT(*) FROM items"));
            assertTrue(Sql.sqlite(db, "SELECT item FROM items").getFirst().get("item").toString().contains("\"title\""));
        }
    }

    @Test
    void andIntoMariadbAsTheSeedDidIntoMysql() throws Exception {
        try (TestSite site = shop(); Databases.Db db = Databases.mariadb()) {
            CrawlStats stats = seed000(site.url("/"), db.uri());
            assertTrue(stats.items() > 5);
            assertEquals(stats.items(), ((Number) Sql.rows(db.jdbc(), null, null, "SELECT COUNT(*) AS n FROM items")
                    .getFirst().get("n")).longValue());
        }
    }
}
