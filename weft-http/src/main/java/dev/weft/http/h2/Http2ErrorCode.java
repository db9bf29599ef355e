package dev.weft.http.h2;

/**
 * The error codes of RST_STREAM and GOAWAY frames (RFC 9113 section 7). A code this enum does
 * not know arrives as {@link #INTERNAL_ERROR}, which the RFC allows ("unknown or unsupported
 * error codes ... MAY be treated as equivalent to INTERNAL_ERROR"); the raw value is kept in
 * {@link Http2Exception#rawErrorCode()}.
 */
public enum Http2ErrorCode {
    /** Graceful shutdown, or a stream no longer needed after a complete response. */
    NO_ERROR(0x0),
    /** A protocol error with no more specific code. */
    PROTOCOL_ERROR(0x1),
    /** An unexpected internal error. */
    INTERNAL_ERROR(0x2),
    /** The peer broke the flow-control protocol. */
    FLOW_CONTROL_ERROR(0x3),
    /** A SETTINGS frame was not acknowledged in time. */
    SETTINGS_TIMEOUT(0x4),
    /** A frame arrived on a half-closed or closed stream. */
    STREAM_CLOSED(0x5),
    /** A frame had an invalid size. */
    FRAME_SIZE_ERROR(0x6),
    /** The stream was refused before any application processing: safe to retry. */
    REFUSED_STREAM(0x7),
    /** The stream is no longer needed. */
    CANCEL(0x8),
    /** The header compression context cannot be kept. */
    COMPRESSION_ERROR(0x9),
    /** A CONNECT tunnel was reset or closed abnormally. */
    CONNECT_ERROR(0xa),
    /** The peer behaves in a way that may generate excessive load. */
    ENHANCE_YOUR_CALM(0xb),
    /** The transport does not meet the minimum security requirements. */
    INADEQUATE_SECURITY(0xc),
    /** HTTP/1.1 must be used instead for this request. */
    HTTP_1_1_REQUIRED(0xd);

    private static final Http2ErrorCode[] BY_CODE = values();

    private final int code;

    Http2ErrorCode(int code) {
        this.code = code;
    }

    /**
     * The code on the wire.
     *
     * @return the 32-bit code
     */
    public int code() {
        return code;
    }

    /**
     * The enum constant for a code from the wire.
     *
     * @param code the 32-bit code, unsigned
     * @return its constant, or {@link #INTERNAL_ERROR} for a code this version does not know
     */
    public static Http2ErrorCode of(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : INTERNAL_ERROR;
    }
}
