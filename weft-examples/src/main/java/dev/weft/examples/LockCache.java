package dev.weft.examples;

import dev.weft.Weft;
import dev.weft.sync.Lock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Seed 000, "同步与通信": a cache shared by two coroutines that ask for the same URL. Tasks of
 * one loop need no lock for the map itself (only one runs at a time), but the fetch suspends:
 * without a lock both see an empty cache and both fetch. Holding a {@link Lock} across the
 * check-fetch-store sequence makes the second one wait and then hit the cache.
 *
 * <p>The fetch is simulated with {@link Weft#sleep}; {@code --fast} divides it by 10.
 */
public final class LockCache implements Example {

    private static final String URL = "https://movie.douban.com/cinema/later/beijing/";

    private final Map<String, String> cache = new HashMap<>();
    private final Lock lock = new Lock();
    private double fetchSeconds = 0.5;
    private int fetches;

    @Override
    public String name() {
        return "lock-cache";
    }

    @Override
    public String description() {
        return "seed 000: a cache guarded by a Lock, so two coroutines asking for one URL fetch it once (--fast)";
    }

    @Override
    public void run(String[] args) {
        if (Arrays.asList(args).contains("--fast")) {
            fetchSeconds /= 10;
        }
        System.out.println("== without a lock ==");
        runBoth(false);
        System.out.println("== with the lock (async with lock:) ==");
        runBoth(true);
    }

    /** Runs parse_stuff and use_stuff concurrently against an empty cache. */
    private void runBoth(boolean locked) {
        cache.clear();
        fetches = 0;
        Weft.run(() -> {
            List<String> pages = Weft.gather(
                    () -> getStuff("parse_stuff", URL, locked),
                    () -> getStuff("use_stuff", URL, locked));
            System.out.println("both got the page: " + pages.get(0).equals(pages.get(1))
                    + "; fetched " + fetches + " time" + (fetches == 1 ? "" : "s"));
        });
    }

    /** {@code async def get_stuff(url)}: from the cache, or fetched and cached. */
    private String getStuff(String who, String url, boolean locked) {
        if (!locked) {
            return lookUpOrFetch(who, url);
        }
        try (var _ = lock.lock()) {
            return lookUpOrFetch(who, url);
        }
    }

    private String lookUpOrFetch(String who, String url) {
        String stuff = cache.get(url);
        if (stuff != null) {
            System.out.println(who + ": cache hit for " + url);
            return stuff;
        }
        System.out.println(who + ": fetching " + url + " ...");
        stuff = fetch(url);
        cache.put(url, stuff);
        System.out.println(who + ": fetched " + url + " (" + stuff.length() + " chars), now cached");
        return stuff;
    }

    /** Stands in for {@code await aiohttp.request('GET', url)}: takes a while, then returns a page. */
    private String fetch(String url) {
        fetches++;
        Weft.sleep(fetchSeconds);
        return "<html><title>" + url + "</title></html>";
    }
}
