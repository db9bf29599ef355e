package dev.weft.http.h2;

import java.io.IOException;

/**
 * An HTTP/2 error: a <em>connection error</em> ({@link #streamId()} 0), after which the
 * connection sends GOAWAY and closes, or a <em>stream error</em>, after which only that stream
 * is reset (RFC 9113 section 5.4). It carries the error code, and says where it came from:
 * detected here ({@link #isRemote()} false, this side sent the code) or sent by the peer in a
 * RST_STREAM or GOAWAY frame.
 *
 * <p>{@link #isRetryable()} is true when the peer is known not to have processed the request:
 * the stream was refused ({@code REFUSED_STREAM}) or it was above the last stream id of the
 * peer's GOAWAY. Such a request can be sent again, on another connection, even if it is not
 * idempotent.
 */
public final class Http2Exception extends IOException {

    private static final long serialVersionUID = 1L;

    /** The error code. */
    private final Http2ErrorCode errorCode;
    /** The code as on the wire. */
    private final long rawErrorCode;
    /** The stream, 0 for the connection. */
    private final int streamId;
    /** Sent by the peer. */
    private final boolean remote;
    /** Known not to have been processed by the peer. */
    private final boolean retryable;

    private Http2Exception(Http2ErrorCode code, long raw, int streamId, boolean remote, boolean retryable,
            String message) {
        super(message);
        this.errorCode = code;
        this.rawErrorCode = raw;
        this.streamId = streamId;
        this.remote = remote;
        this.retryable = retryable;
    }

    /**
     * A connection error detected here.
     *
     * @param code the code to send in GOAWAY
     * @param message what went wrong
     * @return the exception
     */
    public static Http2Exception connectionError(Http2ErrorCode code, String message) {
        return new Http2Exception(code, code.code(), 0, false, false, message);
    }

    /**
     * A stream error detected here.
     *
     * @param streamId the stream to reset (not 0)
     * @param code the code to send in RST_STREAM
     * @param message what went wrong
     * @return the exception
     */
    public static Http2Exception streamError(int streamId, Http2ErrorCode code, String message) {
        if (streamId == 0) {
            throw new IllegalArgumentException("a stream error needs a stream");
        }
        return new Http2Exception(code, code.code(), streamId, false, false, message);
    }

    /**
     * The peer reset a stream (RST_STREAM).
     *
     * @param streamId the stream
     * @param rawCode the code the peer sent
     * @return the exception; retryable if the code is {@code REFUSED_STREAM}
     */
    public static Http2Exception resetByPeer(int streamId, long rawCode) {
        Http2ErrorCode code = Http2ErrorCode.of(rawCode);
        return new Http2Exception(code, rawCode, streamId, true, code == Http2ErrorCode.REFUSED_STREAM,
                "stream " + streamId + " reset by the peer: " + describe(code, rawCode));
    }

    /**
     * The peer's GOAWAY ended a stream it never processed (its id is above the GOAWAY's last
     * stream id): retryable.
     *
     * @param streamId the stream
     * @param lastStreamId the GOAWAY's last stream id
     * @param rawCode the GOAWAY's code
     * @return the exception
     */
    public static Http2Exception refusedByGoAway(int streamId, int lastStreamId, long rawCode) {
        Http2ErrorCode code = Http2ErrorCode.of(rawCode);
        return new Http2Exception(code, rawCode, streamId, true, true, "stream " + streamId
                + " was not processed: the peer sent GOAWAY with last stream " + lastStreamId + " ("
                + describe(code, rawCode) + ")");
    }

    /**
     * The peer ended the connection with a GOAWAY while a stream it had accepted was still open.
     *
     * @param streamId the stream that was cut off
     * @param rawCode the GOAWAY's code
     * @param debug the GOAWAY's debug data as text (may be empty)
     * @return the exception
     */
    public static Http2Exception goAwayByPeer(int streamId, long rawCode, String debug) {
        Http2ErrorCode code = Http2ErrorCode.of(rawCode);
        return new Http2Exception(code, rawCode, streamId, true, false, "the peer closed the connection with GOAWAY ("
                + describe(code, rawCode) + (debug.isEmpty() ? "" : ": " + debug) + ")");
    }

    private static String describe(Http2ErrorCode code, long raw) {
        return code.code() == raw ? code.name() : "unknown error code 0x" + Long.toHexString(raw);
    }

    /**
     * The error code.
     *
     * @return the code, {@link Http2ErrorCode#INTERNAL_ERROR} for one this version does not know
     */
    public Http2ErrorCode errorCode() {
        return errorCode;
    }

    /**
     * The error code as it was on the wire.
     *
     * @return the 32-bit code
     */
    public long rawErrorCode() {
        return rawErrorCode;
    }

    /**
     * The stream in error.
     *
     * @return the stream id, or 0 for a connection error
     */
    public int streamId() {
        return streamId;
    }

    /**
     * Whether the whole connection failed.
     *
     * @return true for a connection error (stream 0)
     */
    public boolean isConnectionError() {
        return streamId == 0;
    }

    /**
     * Whether the peer sent the code (RST_STREAM or GOAWAY) rather than this side.
     *
     * @return true if the peer sent it
     */
    public boolean isRemote() {
        return remote;
    }

    /**
     * Whether the peer is known not to have processed the request.
     *
     * @return true if the request may be sent again on another connection
     */
    public boolean isRetryable() {
        return retryable;
    }
}
