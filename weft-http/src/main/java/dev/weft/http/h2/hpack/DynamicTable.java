package dev.weft.http.h2.hpack;

/**
 * The dynamic table of one HPACK context (RFC 7541 sections 2.3.2 and 4): a FIFO of fields,
 * newest first, whose size (name + value + 32 per entry) never exceeds its maximum; adding
 * evicts from the oldest end, and a field larger than the maximum empties the table.
 *
 * <p>Every entry also has an <em>insertion number</em> (0 for the first field ever added), so
 * the encoder can remember where a field is and turn that into an index later:
 * {@code index = insertions() - insertion number} (1 for the newest).
 *
 * <pre>
 *   index:   1 (newest)  2  ...  count (oldest)
 *   ring:    [head-1]  [head-2] ...           (wrapping)
 * </pre>
 *
 * <p>Not thread-safe: owned by one encoder or one decoder.
 */
final class DynamicTable {

    /** Told about every entry evicted, oldest first (the encoder forgets it). */
    interface EvictionListener {
        void evicted(String name, String value, long insertion);
    }

    private String[] names = new String[16];
    private String[] values = new String[16];
    private int head;   // where the next entry goes
    private int count;
    private long size;
    private long maxSize;
    private long insertions;
    private final EvictionListener listener;

    DynamicTable(long maxSize, EvictionListener listener) {
        this.maxSize = maxSize;
        this.listener = listener;
    }

    /** Entries in the table. */
    int count() {
        return count;
    }

    /** The current size as the RFC counts it. */
    long size() {
        return size;
    }

    /** The current maximum size. */
    long maxSize() {
        return maxSize;
    }

    /** Fields added since the table was made (evicted ones included). */
    long insertions() {
        return insertions;
    }

    /** The name of entry {@code index} (1: newest). */
    String name(int index) {
        return names[slot(index)];
    }

    /** The value of entry {@code index} (1: newest). */
    String value(int index) {
        return values[slot(index)];
    }

    private int slot(int index) {
        if (index < 1 || index > count) {
            throw new IndexOutOfBoundsException("dynamic table index " + index + " of " + count);
        }
        return Math.floorMod(head - index, names.length);
    }

    /** Adds a field as the newest entry, evicting as needed; a field larger than the maximum only empties the table. */
    void add(String name, String value) {
        long entry = Hpack.fieldSize(name, value);
        if (entry > maxSize) {
            evictTo(0);
            insertions++; // it was "added" and evicted at once: indexes of older entries are gone anyway
            return;
        }
        evictTo(maxSize - entry);
        if (count == names.length) {
            grow();
        }
        names[head] = name;
        values[head] = value;
        head = (head + 1) % names.length;
        count++;
        size += entry;
        insertions++;
    }

    /** Changes the maximum size, evicting until the table fits. */
    void setMaxSize(long max) {
        maxSize = max;
        evictTo(max);
    }

    private void evictTo(long target) {
        while (size > target) {
            int oldest = Math.floorMod(head - count, names.length);
            String n = names[oldest];
            String v = values[oldest];
            names[oldest] = null;
            values[oldest] = null;
            count--;
            size -= Hpack.fieldSize(n, v);
            if (listener != null) {
                listener.evicted(n, v, insertions - count - 1);
            }
        }
    }

    private void grow() {
        String[] n = new String[names.length * 2];
        String[] v = new String[names.length * 2];
        for (int i = 1; i <= count; i++) {
            n[count - i] = names[slot(i)];
            v[count - i] = values[slot(i)];
        }
        names = n;
        values = v;
        head = count;
    }
}
