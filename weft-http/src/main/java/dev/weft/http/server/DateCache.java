package dev.weft.http.server;

/** The {@code Date} header value (IMF-fixdate), formatted at most once per second; thread-safe. */
final class DateCache {

    private record Entry(long second, String value) {
    }

    private static volatile Entry current = new Entry(-1, "");

    private DateCache() {
    }

    static String now() {
        long s = System.currentTimeMillis() / 1000;
        Entry e = current;
        if (e.second != s) {
            e = new Entry(s, HttpDates.format(s));
            current = e;
        }
        return e.value;
    }
}
