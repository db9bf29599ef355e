package dev.weft.net;

import java.io.EOFException;

/**
 * The stream ended before the requested number of bytes or the separator arrived (asyncio's
 * {@code IncompleteReadError}); {@link #partial()} holds what was read.
 */
public class IncompleteReadException extends EOFException {

    /** The bytes read before the stream ended. */
    private final byte[] partial;
    /** How many bytes were asked for. */
    private final long expected;

    /**
     * {@code partial} bytes arrived out of {@code expected} (-1: until a separator).
     *
     * @param partial the partial
     * @param expected the expected
     */
    public IncompleteReadException(byte[] partial, long expected) {
        super(partial.length + " bytes read before end of stream"
                + (expected >= 0 ? " (expected " + expected + ")" : " (no separator found)"));
        this.partial = partial;
        this.expected = expected;
    }

    /** {@return the bytes read before the end of the stream} */
    public byte[] partial() {
        return partial.clone();
    }

    /** {@return the number of bytes expected, or -1 when reading up to a separator} */
    public long expected() {
        return expected;
    }
}
