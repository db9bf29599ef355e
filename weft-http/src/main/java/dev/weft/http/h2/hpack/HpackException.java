package dev.weft.http.h2.hpack;

import java.io.IOException;

/**
 * A header block that cannot be decoded (RFC 7541): a bad index, an integer overflow, a string
 * that runs past the block, invalid Huffman coding, or a dynamic table size update that is too
 * large or misplaced. HTTP/2 treats it as a connection error of type {@code COMPRESSION_ERROR}:
 * the decoder's table may no longer match the peer's.
 */
public final class HpackException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * An error with a message that says what was wrong.
     *
     * @param message what was wrong
     */
    public HpackException(String message) {
        super(message);
    }
}
