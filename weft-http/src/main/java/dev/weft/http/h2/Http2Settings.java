package dev.weft.http.h2;

import java.util.StringJoiner;

/**
 * A set of HTTP/2 settings (RFC 9113 section 6.5.2): the six this version knows, each present or
 * absent. It is both what a SETTINGS frame carries (only the settings it names) and, after
 * {@link #defaults()} and {@link #merge}, what is in force for one side of a connection.
 * Settings with ids this version does not know are ignored, as the RFC requires.
 *
 * <pre>{@code
 * Http2Settings s = Http2Settings.empty().set(Http2Settings.MAX_CONCURRENT_STREAMS, 100)
 *         .set(Http2Settings.INITIAL_WINDOW_SIZE, 1 << 20);
 * }</pre>
 *
 * <p>Not thread-safe; values are checked against the RFC's bounds when set.
 */
public final class Http2Settings {

    /** {@code SETTINGS_HEADER_TABLE_SIZE}: the most the peer's HPACK encoder may size our decoder's table to. */
    public static final int HEADER_TABLE_SIZE = 0x1;
    /** {@code SETTINGS_ENABLE_PUSH}: 0 or 1; Weft never enables server push. */
    public static final int ENABLE_PUSH = 0x2;
    /** {@code SETTINGS_MAX_CONCURRENT_STREAMS}: how many streams the peer may open to us at once. */
    public static final int MAX_CONCURRENT_STREAMS = 0x3;
    /** {@code SETTINGS_INITIAL_WINDOW_SIZE}: the initial flow-control window of every stream, at most 2^31-1. */
    public static final int INITIAL_WINDOW_SIZE = 0x4;
    /** {@code SETTINGS_MAX_FRAME_SIZE}: the largest frame payload we accept, 2^14 to 2^24-1. */
    public static final int MAX_FRAME_SIZE = 0x5;
    /** {@code SETTINGS_MAX_HEADER_LIST_SIZE}: the largest header list we accept (advisory). */
    public static final int MAX_HEADER_LIST_SIZE = 0x6;

    /** The initial window of a stream and of the connection before any setting (RFC 9113 section 6.9.2). */
    public static final int DEFAULT_WINDOW_SIZE = 65_535;
    /** The largest frame payload before any setting. */
    public static final int DEFAULT_MAX_FRAME_SIZE = 16_384;
    /** The largest value of {@code SETTINGS_MAX_FRAME_SIZE}. */
    public static final int MAX_MAX_FRAME_SIZE = (1 << 24) - 1;
    /** The largest flow-control window. */
    public static final int MAX_WINDOW_SIZE = Integer.MAX_VALUE;
    /** The value of a setting without limit ({@code MAX_CONCURRENT_STREAMS}, {@code MAX_HEADER_LIST_SIZE}). */
    public static final long UNLIMITED = 0xffff_ffffL;

    private static final String[] NAMES = {null, "HEADER_TABLE_SIZE", "ENABLE_PUSH", "MAX_CONCURRENT_STREAMS",
        "INITIAL_WINDOW_SIZE", "MAX_FRAME_SIZE", "MAX_HEADER_LIST_SIZE"};

    /** By id (1 to 6); -1: absent. */
    private final long[] values = {-1, -1, -1, -1, -1, -1, -1};

    private Http2Settings() {
    }

    /**
     * No setting at all (what an empty SETTINGS frame carries).
     *
     * @return a new, empty set
     */
    public static Http2Settings empty() {
        return new Http2Settings();
    }

    /**
     * Every setting at its initial value (RFC 9113 section 6.5.2): table 4096, push enabled, no
     * limit on concurrent streams, window 65,535, frames of 16,384, no limit on header lists.
     *
     * @return a new set with the six settings present
     */
    public static Http2Settings defaults() {
        Http2Settings s = new Http2Settings();
        s.values[HEADER_TABLE_SIZE] = 4096;
        s.values[ENABLE_PUSH] = 1;
        s.values[MAX_CONCURRENT_STREAMS] = UNLIMITED;
        s.values[INITIAL_WINDOW_SIZE] = DEFAULT_WINDOW_SIZE;
        s.values[MAX_FRAME_SIZE] = DEFAULT_MAX_FRAME_SIZE;
        s.values[MAX_HEADER_LIST_SIZE] = UNLIMITED;
        return s;
    }

    /**
     * A copy that can be changed independently.
     *
     * @return the copy
     */
    public Http2Settings copy() {
        Http2Settings s = new Http2Settings();
        System.arraycopy(values, 0, s.values, 0, values.length);
        return s;
    }

    /**
     * Sets a setting.
     *
     * @param id the setting's id (1 to 6)
     * @param value its value, within the RFC's bounds
     * @return this
     * @throws IllegalArgumentException for an unknown id or a value out of bounds
     */
    public Http2Settings set(int id, long value) {
        if (id < 1 || id > 6) {
            throw new IllegalArgumentException("unknown setting id " + id);
        }
        Http2Exception bad = check(id, value);
        if (bad != null) {
            throw new IllegalArgumentException(bad.getMessage());
        }
        values[id] = value;
        return this;
    }

    /**
     * Whether a setting is present.
     *
     * @param id the setting's id
     * @return true if present
     */
    public boolean has(int id) {
        return id >= 1 && id <= 6 && values[id] >= 0;
    }

    /**
     * A setting's value.
     *
     * @param id the setting's id
     * @return its value
     * @throws IllegalStateException if it is absent
     */
    public long get(int id) {
        if (!has(id)) {
            throw new IllegalStateException("setting " + id + " is not present");
        }
        return values[id];
    }

    /**
     * Sets every setting that {@code update} has (a SETTINGS frame received, applied in order).
     *
     * @param update the settings to apply
     * @return this
     */
    public Http2Settings merge(Http2Settings update) {
        for (int id = 1; id <= 6; id++) {
            if (update.values[id] >= 0) {
                values[id] = update.values[id];
            }
        }
        return this;
    }

    /** The number of settings present. */
    int count() {
        int n = 0;
        for (int id = 1; id <= 6; id++) {
            if (values[id] >= 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * Checks a value from the wire against the RFC's bounds.
     *
     * @return null if valid, else the connection error to raise
     */
    static Http2Exception check(int id, long value) {
        if (value < 0 || value > UNLIMITED) {
            return Http2Exception.connectionError(Http2ErrorCode.PROTOCOL_ERROR, "setting " + id + " out of range: "
                    + value);
        }
        return switch (id) {
            case ENABLE_PUSH -> value > 1 ? Http2Exception.connectionError(Http2ErrorCode.PROTOCOL_ERROR,
                    "SETTINGS_ENABLE_PUSH must be 0 or 1, got " + value) : null;
            case INITIAL_WINDOW_SIZE -> value > MAX_WINDOW_SIZE ? Http2Exception.connectionError(
                    Http2ErrorCode.FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1: " + value) : null;
            case MAX_FRAME_SIZE -> value < DEFAULT_MAX_FRAME_SIZE || value > MAX_MAX_FRAME_SIZE
                    ? Http2Exception.connectionError(Http2ErrorCode.PROTOCOL_ERROR,
                            "SETTINGS_MAX_FRAME_SIZE outside 16384..16777215: " + value) : null;
            default -> null;
        };
    }

    /** Sets a value from the wire without checks beyond {@link #check} (done by the frame reader). */
    void setChecked(int id, long value) {
        values[id] = value;
    }

    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ", "Http2Settings[", "]");
        for (int id = 1; id <= 6; id++) {
            if (values[id] >= 0) {
                j.add(NAMES[id] + "=" + values[id]);
            }
        }
        return j.toString();
    }
}
