package dev.weft.net;

import java.io.IOException;

/**
 * A read needed more bytes than the reader's limit allows, for example a line longer than the
 * limit without a newline (asyncio's {@code LimitOverrunError}). The bytes read so far stay in
 * the reader's buffer; the usual reaction is to close the connection.
 */
public class LimitOverrunException extends IOException {

    /** How many bytes were read without finding the separator. */
    private final long consumed;

    /**
     * A failure after {@code consumed} bytes were looked at.
     *
     * @param message the detail message
     * @param consumed how many bytes were looked at
     */
    public LimitOverrunException(String message, long consumed) {
        super(message);
        this.consumed = consumed;
    }

    /** {@return how many bytes were buffered when the limit was hit} */
    public long consumed() {
        return consumed;
    }
}
