package dev.weft.http.h2.hpack;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Encodes header blocks with HPACK (RFC 7541) for one direction of one HTTP/2 connection.
 *
 * <p><b>What it emits.</b> A field found whole in the static or dynamic table becomes an index.
 * Otherwise it is a literal, its name an index where the tables have it, and its strings
 * Huffman-coded unless that is longer. The literal is added to the dynamic table (incremental
 * indexing) unless it could never be reused or must not be:
 * <ul>
 *   <li><em>never indexed</em> (section 7.1.3, and intermediaries must keep it so):
 *       {@code authorization}, {@code proxy-authorization}, and {@code cookie} values shorter
 *       than 20 octets, which a compression-ratio attack could guess;</li>
 *   <li><em>not indexed</em>: fields that change with nearly every message ({@code :path},
 *       {@code content-length}, {@code etag}, {@code location}, {@code set-cookie},
 *       {@code if-modified-since}, {@code if-none-match}, {@code age}), and any field larger
 *       than the table.</li>
 * </ul>
 *
 * <p><b>Table size.</b> The table never grows past the smaller of this encoder's own cap and the
 * peer's {@code SETTINGS_HEADER_TABLE_SIZE} ({@link #setPeerMaxTableSize}); every change is
 * signalled at the start of the next block, the smallest value first when it went down and up
 * again (section 4.2).
 *
 * <p>Not thread-safe: a block must be encoded and written in one go by the connection's writer,
 * since the peer decodes blocks in the order they were encoded.
 */
public final class HpackEncoder {

    private static final java.util.Set<String> NOT_INDEXED = java.util.Set.of(":path", "content-length", "etag",
            "location", "set-cookie", "if-modified-since", "if-none-match", "age");

    private final long cap;
    /** Index every literal that fits (no never-indexed or not-indexed names): only for RFC 7541's own examples. */
    private final boolean indexAll;
    private final DynamicTable table;
    /** Field key to the insertion number of its newest entry in the table. */
    private final Map<String, Long> fields = new HashMap<>();
    /** Name to the insertion number of the newest entry with that name. */
    private final Map<String, Long> names = new HashMap<>();
    private boolean updatePending;
    private long smallestPending;

    /**
     * An encoder that uses a dynamic table of at most {@code cap} octets (and never more than
     * the peer allows, 4096 until it says otherwise).
     *
     * @param cap this encoder's own limit on its table size (0: no dynamic table)
     */
    public HpackEncoder(long cap) {
        this(cap, false);
    }

    /** An encoder that indexes every literal that fits when {@code indexAll} (RFC 7541 Appendix C does). */
    HpackEncoder(long cap, boolean indexAll) {
        this.indexAll = indexAll;
        if (cap < 0) {
            throw new IllegalArgumentException("negative table size cap: " + cap);
        }
        this.cap = cap;
        long initial = Math.min(cap, 4096);
        this.table = new DynamicTable(initial, this::forget);
        if (initial != 4096) {
            updatePending = true; // the peer's decoder starts at 4096
            smallestPending = initial;
        }
    }

    /**
     * Applies the peer's {@code SETTINGS_HEADER_TABLE_SIZE}: the table shrinks at once if it has
     * to, and the next block starts with the size update(s).
     *
     * @param peerLimit the peer's setting
     */
    public void setPeerMaxTableSize(long peerLimit) {
        long size = Math.min(cap, peerLimit);
        if (size == table.maxSize()) {
            return;
        }
        smallestPending = updatePending ? Math.min(smallestPending, size) : size;
        updatePending = true;
        table.setMaxSize(size);
    }

    /**
     * The table's current maximum size.
     *
     * @return octets
     */
    public long maxTableSize() {
        return table.maxSize();
    }

    /**
     * Starts a header block: writes the pending dynamic table size updates, if any. Call once
     * before the block's first {@link #encode}.
     *
     * @param out where the block goes
     */
    public void beginBlock(ByteArrayOutputStream out) {
        if (updatePending) {
            if (smallestPending < table.maxSize()) {
                Hpack.writeInt(out, 0x20, 5, smallestPending);
            }
            Hpack.writeInt(out, 0x20, 5, table.maxSize());
            updatePending = false;
        }
    }

    /**
     * Encodes one field (the name must already be lower case, as HTTP/2 requires).
     *
     * @param name the field name
     * @param value the field value
     * @param out where the block goes
     */
    public void encode(String name, String value, ByteArrayOutputStream out) {
        int staticIndex = StaticTable.indexOf(name, value);
        if (staticIndex > 0) {
            Hpack.writeInt(out, 0x80, 7, staticIndex);
            return;
        }
        String key = StaticTable.key(name, value);
        Long at = fields.get(key);
        if (at != null) {
            Hpack.writeInt(out, 0x80, 7, dynamicIndex(at));
            return;
        }
        int nameIndex = StaticTable.indexOfName(name);
        if (nameIndex == 0) {
            Long n = names.get(name);
            if (n != null) {
                nameIndex = dynamicIndex(n);
            }
        }
        boolean never = !indexAll && (name.equals("authorization") || name.equals("proxy-authorization")
                || (name.equals("cookie") && value.length() < 20));
        boolean index = !never && (indexAll || !NOT_INDEXED.contains(name)) && Hpack.fieldSize(name, value) <= table.maxSize();
        if (index) {
            Hpack.writeInt(out, 0x40, 6, nameIndex);
        } else {
            Hpack.writeInt(out, never ? 0x10 : 0x00, 4, nameIndex);
        }
        if (nameIndex == 0) {
            Hpack.writeString(out, name);
        }
        Hpack.writeString(out, value);
        if (index) {
            long insertion = table.insertions();
            table.add(name, value);
            fields.put(key, insertion);
            names.put(name, insertion);
        }
    }

    private int dynamicIndex(long insertion) {
        return StaticTable.LENGTH + (int) (table.insertions() - insertion);
    }

    /** Called by the table for each evicted entry: drop the lookups that still point at it. */
    private void forget(String name, String value, long insertion) {
        fields.remove(StaticTable.key(name, value), insertion);
        names.remove(name, insertion);
    }

    @Override
    public String toString() {
        return "HpackEncoder[table " + table.size() + "/" + table.maxSize() + " octets, " + table.count() + " entries]";
    }
}
