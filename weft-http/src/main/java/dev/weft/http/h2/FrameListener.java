package dev.weft.http.h2;

import java.io.IOException;

/**
 * What a {@link FrameReader} delivers, one call per frame (one call per complete header block).
 * Every frame reaching a listener has passed the checks that need no connection state; the
 * listener checks the rest (stream states, flow control) and throws {@link Http2Exception} for
 * what is wrong there. Buffers passed in are only valid during the call.
 */
interface FrameListener {

    /**
     * A DATA frame.
     *
     * @param flowControlled the whole payload length, padding included, which flow control counts
     */
    void onData(int streamId, byte[] buf, int off, int len, int flowControlled, boolean endStream) throws IOException;

    /**
     * A complete header block: a HEADERS frame and its CONTINUATION frames put together.
     *
     * @param dependency the stream dependency of the PRIORITY flag, or 0 without it
     */
    void onHeaders(int streamId, byte[] block, int len, boolean endStream, int dependency) throws IOException;

    /** A PRIORITY frame (deprecated by RFC 9113: checked, then ignored). */
    void onPriority(int streamId, int dependency) throws IOException;

    /** A RST_STREAM frame. */
    void onRstStream(int streamId, long errorCode) throws IOException;

    /** A SETTINGS frame that is not an acknowledgement, its values checked. */
    void onSettings(Http2Settings settings) throws IOException;

    /** A SETTINGS frame with the ACK flag. */
    void onSettingsAck() throws IOException;

    /** A PUSH_PROMISE frame, before its header block; Weft never enables push, so this is always an error. */
    void onPushPromise(int streamId, int promisedStreamId) throws IOException;

    /** A PING frame. */
    void onPing(boolean ack, long data) throws IOException;

    /** A GOAWAY frame. */
    void onGoAway(int lastStreamId, long errorCode, byte[] debugData) throws IOException;

    /** A WINDOW_UPDATE frame with a positive increment. */
    void onWindowUpdate(int streamId, int increment) throws IOException;
}
