package dev.weft.http.h2;

/**
 * The last {@code capacity} stream ids added, in a ring: adding costs nothing, looking up scans
 * the ring, which only happens when a frame arrives for a stream that is no longer open (a rare
 * path). Loop thread only.
 */
final class RecentIds {

    private final int[] ids;
    private int next;
    private int size;

    RecentIds(int capacity) {
        this.ids = new int[capacity];
    }

    void add(int id) {
        ids[next] = id;
        next = (next + 1) % ids.length;
        size = Math.min(size + 1, ids.length);
    }

    boolean contains(int id) {
        for (int i = 0; i < size; i++) {
            if (ids[i] == id) {
                return true;
            }
        }
        return false;
    }
}
