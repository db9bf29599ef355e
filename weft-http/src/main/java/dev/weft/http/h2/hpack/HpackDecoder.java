package dev.weft.http.h2.hpack;

/**
 * Decodes HPACK header blocks (RFC 7541) for one direction of one HTTP/2 connection, keeping the
 * dynamic table in step with the peer's encoder.
 *
 * <p><b>Strict.</b> Each of these fails the whole block with {@link HpackException} (a
 * {@code COMPRESSION_ERROR} in HTTP/2): index 0 or past the tables, an integer that overflows 31
 * bits, a string that runs past the block, invalid Huffman coding (EOS, or padding longer than 7
 * bits or not all ones), a dynamic table size update above the limit
 * ({@link #setMaxTableSizeLimit}, our {@code SETTINGS_HEADER_TABLE_SIZE}) or after the first
 * field of a block, and a block that does not start with a size update after the limit was
 * lowered below the table's current size.
 *
 * <p><b>Bombs.</b> Decoding stops <em>delivering</em> fields once the header list passes
 * {@code maxHeaderListSize} (name + value + 32 per field, as {@code SETTINGS_MAX_HEADER_LIST_SIZE}
 * counts), but goes on through the block so that the dynamic table stays in step; fields that
 * reference the table cost no copy. So a small block that references one large entry thousands of
 * times costs work in proportion to its own size, never memory in proportion to what it expands
 * to; {@link #decode} then returns false.
 *
 * <p>Not thread-safe: owned by the task that reads the connection.
 */
public final class HpackDecoder {

    private final DynamicTable table;
    private long limit;
    private long maxHeaderListSize;
    /** The limit was lowered below the table's size: the next block must start with a size update. */
    private boolean sizeUpdateRequired;

    /**
     * A decoder whose table starts at {@code maxTableSize} octets (4096 in HTTP/2 until the
     * settings say otherwise) and which delivers header lists of at most {@code maxHeaderListSize}.
     *
     * @param maxTableSize the initial table size and limit for size updates
     * @param maxHeaderListSize the largest header list delivered, as the RFC counts its size
     */
    public HpackDecoder(long maxTableSize, long maxHeaderListSize) {
        if (maxTableSize < 0 || maxHeaderListSize < 0) {
            throw new IllegalArgumentException("sizes must not be negative");
        }
        this.table = new DynamicTable(maxTableSize, null);
        this.limit = maxTableSize;
        this.maxHeaderListSize = maxHeaderListSize;
    }

    /**
     * Sets the most the peer may size the table to (our {@code SETTINGS_HEADER_TABLE_SIZE}, once
     * acknowledged). Lowered below the table's current maximum, it requires the next block to
     * start with a size update to at most the new limit.
     *
     * @param limit the new limit in octets
     */
    public void setMaxTableSizeLimit(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("negative table size limit: " + limit);
        }
        this.limit = limit;
        if (table.maxSize() > limit) {
            sizeUpdateRequired = true;
        }
    }

    /**
     * Sets the largest header list that {@link #decode} delivers.
     *
     * @param max the largest list size (name + value + 32 per field)
     */
    public void setMaxHeaderListSize(long max) {
        if (max < 0) {
            throw new IllegalArgumentException("negative header list size: " + max);
        }
        this.maxHeaderListSize = max;
    }

    /**
     * The table's current maximum size, as last set by the peer.
     *
     * @return the size in octets
     */
    public long maxTableSize() {
        return table.maxSize();
    }

    /**
     * The table's current size.
     *
     * @return the size in octets, as the RFC counts it
     */
    public long tableSize() {
        return table.size();
    }

    /**
     * Decodes one complete header block (the fragments of a HEADERS or PUSH_PROMISE frame and
     * its CONTINUATION frames, put together) and gives its fields to {@code sink} in order.
     *
     * @param block the buffer holding the block
     * @param off where the block starts
     * @param len its length
     * @param sink receives the fields
     * @return true if the whole header list was delivered; false if it was larger than
     *     {@code maxHeaderListSize}, in which case the fields past the limit were dropped (the
     *     table is still in step and the connection can go on)
     * @throws HpackException if the block is malformed; the connection cannot go on
     */
    public boolean decode(byte[] block, int off, int len, HeaderSink sink) throws HpackException {
        Hpack.Reader r = new Hpack.Reader(block, off, len);
        boolean sawField = false;
        long listSize = 0;
        boolean fits = true;
        while (r.hasMore()) {
            int b = r.peek();
            String name;
            String value;
            if ((b & 0x80) != 0) { // indexed field
                int index = r.readInt(7);
                checkSizeUpdateDone();
                name = nameAt(index);
                value = valueAt(index);
            } else if ((b & 0xc0) == 0x40) { // literal with incremental indexing
                int index = r.readInt(6);
                checkSizeUpdateDone();
                name = index == 0 ? r.readString() : nameAt(index);
                value = r.readString();
                table.add(name, value);
            } else if ((b & 0xe0) == 0x20) { // dynamic table size update
                if (sawField) {
                    throw new HpackException("dynamic table size update after the first field of a header block");
                }
                int size = r.readInt(5);
                if (size > limit) {
                    throw new HpackException("dynamic table size update to " + size + " exceeds the limit of " + limit);
                }
                table.setMaxSize(size);
                sizeUpdateRequired = false;
                continue;
            } else { // literal without indexing (0000) or never indexed (0001)
                int index = r.readInt(4);
                checkSizeUpdateDone();
                name = index == 0 ? r.readString() : nameAt(index);
                value = r.readString();
            }
            sawField = true;
            listSize += Hpack.fieldSize(name, value);
            if (listSize > maxHeaderListSize) {
                fits = false;
            } else if (fits) {
                sink.field(name, value);
            }
        }
        return fits;
    }

    private void checkSizeUpdateDone() throws HpackException {
        if (sizeUpdateRequired) {
            throw new HpackException("header block does not start with the dynamic table size update required after"
                    + " the table size limit was lowered to " + limit);
        }
    }

    private String nameAt(int index) throws HpackException {
        if (index >= 1 && index <= StaticTable.LENGTH) {
            return StaticTable.name(index);
        }
        return table.name(dynamicIndex(index));
    }

    private String valueAt(int index) throws HpackException {
        if (index >= 1 && index <= StaticTable.LENGTH) {
            return StaticTable.value(index);
        }
        return table.value(dynamicIndex(index));
    }

    private int dynamicIndex(int index) throws HpackException {
        if (index == 0) {
            throw new HpackException("index 0 in header block");
        }
        int d = index - StaticTable.LENGTH;
        if (d > table.count()) {
            throw new HpackException("index " + index + " is past the end of the tables (" + table.count()
                    + " dynamic entries)");
        }
        return d;
    }

    @Override
    public String toString() {
        return "HpackDecoder[table " + table.size() + "/" + table.maxSize() + " octets, " + table.count() + " entries]";
    }
}
