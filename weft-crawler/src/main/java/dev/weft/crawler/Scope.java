package dev.weft.crawler;

/** How far from its seeds a crawl may go. */
public enum Scope {
    /** The seeds' host names (any scheme or port): {@code shop.example.com} only. The default. */
    HOST,
    /** The seeds' registered domains: {@code shop.example.com} also reaches {@code www.example.com}. */
    DOMAIN,
    /** Anywhere the links lead (mind {@code maxPages} and {@code maxDepth}). */
    ANY
}
