package dev.weft.http.server;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The {@code Date} header value (IMF-fixdate), formatted at most once per second; thread-safe. */
final class DateCache {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private record Entry(long second, String value) {
    }

    private static volatile Entry current = new Entry(-1, "");

    private DateCache() {
    }

    static String now() {
        long s = System.currentTimeMillis() / 1000;
        Entry e = current;
        if (e.second != s) {
            e = new Entry(s, FORMAT.format(Instant.ofEpochSecond(s)));
            current = e;
        }
        return e.value;
    }
}
