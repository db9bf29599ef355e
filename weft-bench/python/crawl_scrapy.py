"""The Scrapy peer of `./weft bench crawl` (docs/benchmarks.md section 7).

A spider that does the work Weft's crawler does in the benchmark: starts from the seed URLs,
obeys robots.txt, follows every link of the seeds' hosts, and stores each page's URL, status
and title into SQLite through its own item pipeline, 200 rows per transaction. Run with
Debian's python3 (package python3-scrapy):

    python3 crawl_scrapy.py --db OUT.db --concurrency C --per-host P --result OUT.json URL...

Writes one JSON line to --result: pages stored and the crawl's own time (from the engine's
start to the pipeline's last commit).
"""
import argparse
import json
import sqlite3
import time
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess


class SqlitePipeline:
    """Stores items into the `pages` table, one transaction per 200 rows."""

    BATCH = 200

    def __init__(self, path):
        self.path = path
        self.rows = []
        self.stored = 0
        self.last_commit = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("BENCH_DB"))

    def open_spider(self, spider):
        self.db = sqlite3.connect(self.path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, status INTEGER, title TEXT)")

    def process_item(self, item, spider):
        self.rows.append((item["url"], item["status"], item["title"]))
        if len(self.rows) >= self.BATCH:
            self.flush()
        return item

    def flush(self):
        if self.rows:
            self.db.executemany("INSERT OR REPLACE INTO pages (url, status, title) VALUES (?, ?, ?)", self.rows)
            self.db.commit()
            self.stored += len(self.rows)
            self.rows = []
            self.last_commit = time.monotonic()

    def close_spider(self, spider):
        self.flush()
        self.db.close()
        spider.bench_result["stored"] = self.stored
        spider.bench_result["crawl_s"] = (self.last_commit or time.monotonic()) - spider.bench_t0


class SiteSpider(scrapy.Spider):
    """Every page of the seeds' hosts: its title stored, its links followed."""

    name = "site"

    def __init__(self, seeds, **kw):
        super().__init__(**kw)
        self.start_urls = seeds
        self.allowed_domains = sorted({urlsplit(u).hostname for u in seeds})
        self.bench_t0 = time.monotonic()
        self.bench_result = {"contender": "scrapy", "scrapy": scrapy.__version__}

    def start_requests(self):
        # Through the duplicate filter, as every crawler's seeds are: Scrapy's default start
        # requests bypass it (dont_filter=True), so a list crawl fetched each page twice, once as a
        # seed and once as a link.
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response):
        yield {"url": response.url, "status": response.status, "title": response.css("title::text").get()}
        for href in response.css("a::attr(href), area::attr(href)").getall():
            yield response.follow(href, callback=self.parse)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--result", required=True)
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--per-host", type=int, default=64)
    ap.add_argument("urls", nargs="+")
    a = ap.parse_args()
    process = CrawlerProcess({
        "BENCH_DB": a.db,
        "ITEM_PIPELINES": {__name__ + ".SqlitePipeline": 300},
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": a.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": a.per_host,
        "CONCURRENT_REQUESTS_PER_IP": 0,
        "DOWNLOAD_DELAY": 0,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "AUTOTHROTTLE_ENABLED": False,
        "DEPTH_LIMIT": 0,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "USER_AGENT": "scrapy-bench",
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        # Its scheduler's memory queues (the default without JOBDIR), as Weft's window is in memory.
    })
    crawler = process.create_crawler(SiteSpider)
    process.crawl(crawler, seeds=a.urls)
    process.start()
    result = crawler.spider.bench_result
    result["requests"] = crawler.stats.get_value("downloader/request_count", 0)
    result["responses_200"] = crawler.stats.get_value("downloader/response_status_count/200", 0)
    with open(a.result, "w") as f:
        f.write(json.dumps(result) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    import sys
    sys.modules.setdefault("crawl_scrapy", sys.modules[__name__])
    main()
