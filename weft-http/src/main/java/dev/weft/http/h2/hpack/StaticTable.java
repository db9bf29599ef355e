package dev.weft.http.h2.hpack;

import java.util.HashMap;
import java.util.Map;

/**
 * The static table of HPACK (RFC 7541 Appendix A): 61 fields with fixed indexes, and the
 * lookups the encoder needs. Immutable.
 */
final class StaticTable {

    /** The number of entries; dynamic entries are indexed from {@code LENGTH + 1} on. */
    static final int LENGTH = 61;

    private static final String[][] ENTRIES = {
        {":authority", ""}, // 1
        {":method", "GET"}, // 2
        {":method", "POST"}, // 3
        {":path", "/"}, // 4
        {":path", "/index.html"}, // 5
        {":scheme", "http"}, // 6
        {":scheme", "https"}, // 7
        {":status", "200"}, // 8
        {":status", "204"}, // 9
        {":status", "206"}, // 10
        {":status", "304"}, // 11
        {":status", "400"}, // 12
        {":status", "404"}, // 13
        {":status", "500"}, // 14
        {"accept-charset", ""}, // 15
        {"accept-encoding", "gzip, deflate"}, // 16
        {"accept-language", ""}, // 17
        {"accept-ranges", ""}, // 18
        {"accept", ""}, // 19
        {"access-control-allow-origin", ""}, // 20
        {"age", ""}, // 21
        {"allow", ""}, // 22
        {"authorization", ""}, // 23
        {"cache-control", ""}, // 24
        {"content-disposition", ""}, // 25
        {"content-encoding", ""}, // 26
        {"content-language", ""}, // 27
        {"content-length", ""}, // 28
        {"content-location", ""}, // 29
        {"content-range", ""}, // 30
        {"content-type", ""}, // 31
        {"cookie", ""}, // 32
        {"date", ""}, // 33
        {"etag", ""}, // 34
        {"expect", ""}, // 35
        {"expires", ""}, // 36
        {"from", ""}, // 37
        {"host", ""}, // 38
        {"if-match", ""}, // 39
        {"if-modified-since", ""}, // 40
        {"if-none-match", ""}, // 41
        {"if-range", ""}, // 42
        {"if-unmodified-since", ""}, // 43
        {"last-modified", ""}, // 44
        {"link", ""}, // 45
        {"location", ""}, // 46
        {"max-forwards", ""}, // 47
        {"proxy-authenticate", ""}, // 48
        {"proxy-authorization", ""}, // 49
        {"range", ""}, // 50
        {"referer", ""}, // 51
        {"refresh", ""}, // 52
        {"retry-after", ""}, // 53
        {"server", ""}, // 54
        {"set-cookie", ""}, // 55
        {"strict-transport-security", ""}, // 56
        {"transfer-encoding", ""}, // 57
        {"user-agent", ""}, // 58
        {"vary", ""}, // 59
        {"via", ""}, // 60
        {"www-authenticate", ""}, // 61
    };

    /** Name to the lowest index with that name. */
    private static final Map<String, Integer> BY_NAME = new HashMap<>();

    static {
        for (int i = LENGTH; i >= 1; i--) {
            BY_NAME.put(ENTRIES[i - 1][0], i);
        }
    }

    private StaticTable() {
    }

    /** The name of entry {@code index} (1 to {@link #LENGTH}). */
    static String name(int index) {
        return ENTRIES[index - 1][0];
    }

    /** The value of entry {@code index} (1 to {@link #LENGTH}). */
    static String value(int index) {
        return ENTRIES[index - 1][1];
    }

    /** The index of the entry with this name and value, or 0 (entries with one name are adjacent). */
    static int indexOf(String name, String value) {
        Integer first = BY_NAME.get(name);
        if (first == null) {
            return 0;
        }
        for (int i = first; i <= LENGTH && ENTRIES[i - 1][0].equals(name); i++) {
            if (ENTRIES[i - 1][1].equals(value)) {
                return i;
            }
        }
        return 0;
    }

    /** The lowest index of an entry with this name, or 0. */
    static int indexOfName(String name) {
        Integer i = BY_NAME.get(name);
        return i == null ? 0 : i;
    }

    /** A map key for a field: a NUL cannot occur in a name. */
    static String key(String name, String value) {
        return name + '\0' + value;
    }
}
