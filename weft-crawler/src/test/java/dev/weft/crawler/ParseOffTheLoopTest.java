package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.http.server.Response;
import dev.weft.testing.WeftTest;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parsing a 10 MB page must not stall the other fetches. The witness is the order of events:
 * the site runs on the crawl's own loop, so a request to it can only start while that loop is
 * free; if requests to other pages start between the moment the big page's parse begins and
 * the moment it ends, the loop kept serving while jsoup worked. (Were the parse on the loop,
 * nothing could happen in between.) Real clock: the parse takes real time.
 */
@WeftTest(virtualClock = false)
class ParseOffTheLoopTest {

    @TempDir
    Path dir;

    @Test
    void otherPagesAreFetchedWhileATenMegabytePageIsParsed() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        byte[] big = bigPage(10 << 20);
        try (TestSite site = TestSite.start()) {
            site.page("/big", r -> Response.bytes(big, "text/html; charset=utf-8"));
            site.otherwise(r -> {
                events.add("request " + r.path());
                int n = Integer.parseInt(r.path().substring(3));
                return Response.html("<a href=/c/" + (n + 1) + ">next</a>");
            });
            java.util.concurrent.atomic.AtomicReference<Crawler> self = new java.util.concurrent.atomic.AtomicReference<>();
            Crawler crawler = Crawler.builder().seeds(site.url("/big"), site.url("/c/0")).store("sqlite:" + dir.resolve("c.db"))
                    .delay(Duration.ZERO).perHost(4).maxDepth(-1).maxPages(100_000).ignoreRobots(true)
                    .listener(new CrawlListener() {
                        @Override
                        public void pageDone(dev.weft.crawler.store.PageRecord page) {
                            if (page.url().endsWith("/big")) {
                                self.get().stop();
                            }
                        }
                    })
                    .trace(new EngineTrace() {
                        @Override
                        public void parseStarted(String url) {
                            if (url.endsWith("/big")) {
                                events.add("parse started");
                            }
                        }

                        @Override
                        public void parseEnded(String url) {
                            if (url.endsWith("/big")) {
                                events.add("parse ended");
                            }
                        }
                    })
                    .build();
            self.set(crawler);
            crawler.run();
            int start = events.indexOf("parse started");
            int end = events.indexOf("parse ended");
            assertTrue(start >= 0 && end > start, events.size() + " events");
            long during = events.subList(start, end).stream().filter(e -> e.startsWith("request ")).count();
            assertTrue(during > 0, "no request started while the 10 MB page was parsed");
            System.out.println("requests served while the 10 MB page was parsed: " + during);
        }
    }

    static byte[] bigPage(int bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes + 1024);
        out.writeBytes("<html><head><title>Big</title></head><body>".getBytes());
        byte[] row = "<div class=row><span>cell</span><a href=/c/0>link</a><p>lorem ipsum dolor sit amet</p></div>\n"
                .getBytes();
        while (out.size() < bytes) {
            out.writeBytes(row);
        }
        out.writeBytes("</body></html>".getBytes());
        return out.toByteArray();
    }
}
