/**
 * The demo shop that {@code ./weft demo} crawls: {@link dev.weft.crawler.demo.Shop} (the
 * generated catalogue), {@link dev.weft.crawler.demo.ShopPages} (its pages),
 * {@link dev.weft.crawler.demo.DemoSite} (served on loopback with a delay before every
 * response), {@link dev.weft.crawler.demo.SiteExport} (the same site as static files) and
 * {@link dev.weft.crawler.demo.ServeDemoSite} ({@code ./weft serve demo-site}).
 */
package dev.weft.crawler.demo;
