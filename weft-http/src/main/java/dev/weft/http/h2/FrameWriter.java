package dev.weft.http.h2;

import static dev.weft.http.h2.FrameReader.CONTINUATION;
import static dev.weft.http.h2.FrameReader.FLAG_ACK;
import static dev.weft.http.h2.FrameReader.FLAG_END_HEADERS;
import static dev.weft.http.h2.FrameReader.FLAG_END_STREAM;
import static dev.weft.http.h2.FrameReader.HEADER_LENGTH;

import java.io.IOException;
import java.util.Arrays;

/**
 * Encodes HTTP/2 frames into one growing buffer that the connection hands to its
 * {@link Http2Io} in one write ({@link #writeTo}), so the frames that many streams produce in
 * one turn of the loop go out together. A header block larger than the peer's maximum frame size
 * is split into HEADERS and CONTINUATION frames, written back to back.
 *
 * <p>Owned by the connection; used only on its loop thread.
 */
final class FrameWriter {

    private byte[] buf = new byte[1024];
    private int size;

    /** Bytes encoded and not yet written out. */
    int size() {
        return size;
    }

    /** Hands everything encoded so far to {@code io} and empties the buffer. */
    void writeTo(Http2Io io) throws IOException {
        if (size == 0) {
            return;
        }
        int n = size;
        size = 0;
        io.write(buf, 0, n);
        if (buf.length > 64 * 1024) {
            buf = new byte[1024]; // a burst passed: do not hold its buffer while idle
        }
    }

    /** Drops everything encoded and not written (the connection is being aborted). */
    void discard() {
        size = 0;
    }

    void preface() {
        ensure(FrameReader.PREFACE.length);
        System.arraycopy(FrameReader.PREFACE, 0, buf, size, FrameReader.PREFACE.length);
        size += FrameReader.PREFACE.length;
    }

    void data(int stream, byte[] b, int off, int len, boolean endStream) {
        header(len, FrameReader.DATA, endStream ? FLAG_END_STREAM : 0, stream);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    /** A header block as HEADERS plus as many CONTINUATION frames as {@code maxFrameSize} needs. */
    void headers(int stream, byte[] block, int len, boolean endStream, int maxFrameSize) {
        int first = Math.min(len, maxFrameSize);
        int flags = (endStream ? FLAG_END_STREAM : 0) | (first == len ? FLAG_END_HEADERS : 0);
        header(first, FrameReader.HEADERS, flags, stream);
        bytes(block, 0, first);
        for (int at = first; at < len; ) {
            int n = Math.min(len - at, maxFrameSize);
            header(n, CONTINUATION, at + n == len ? FLAG_END_HEADERS : 0, stream);
            bytes(block, at, n);
            at += n;
        }
    }

    void rstStream(int stream, Http2ErrorCode code) {
        header(4, FrameReader.RST_STREAM, 0, stream);
        int32(code.code());
    }

    void settings(Http2Settings s) {
        header(6 * s.count(), FrameReader.SETTINGS, 0, 0);
        for (int id = 1; id <= 6; id++) {
            if (s.has(id)) {
                ensure(6);
                buf[size++] = (byte) (id >>> 8);
                buf[size++] = (byte) id;
                int32((int) s.get(id));
            }
        }
    }

    void settingsAck() {
        header(0, FrameReader.SETTINGS, FLAG_ACK, 0);
    }

    void ping(boolean ack, long data) {
        header(8, FrameReader.PING, ack ? FLAG_ACK : 0, 0);
        int32((int) (data >>> 32));
        int32((int) data);
    }

    void goAway(int lastStreamId, Http2ErrorCode code, byte[] debug) {
        header(8 + debug.length, FrameReader.GOAWAY, 0, 0);
        int32(lastStreamId);
        int32(code.code());
        bytes(debug, 0, debug.length);
    }

    void windowUpdate(int stream, int increment) {
        header(4, FrameReader.WINDOW_UPDATE, 0, stream);
        int32(increment);
    }

    /** Any frame, as given: for tests that play a misbehaving peer. */
    void raw(int type, int flags, int stream, byte[] payload) {
        header(payload.length, type, flags, stream);
        bytes(payload, 0, payload.length);
    }

    private void header(int length, int type, int flags, int stream) {
        ensure(HEADER_LENGTH + length);
        buf[size] = (byte) (length >>> 16);
        buf[size + 1] = (byte) (length >>> 8);
        buf[size + 2] = (byte) length;
        buf[size + 3] = (byte) type;
        buf[size + 4] = (byte) flags;
        buf[size + 5] = (byte) (stream >>> 24);
        buf[size + 6] = (byte) (stream >>> 16);
        buf[size + 7] = (byte) (stream >>> 8);
        buf[size + 8] = (byte) stream;
        size += HEADER_LENGTH;
    }

    private void bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    private void int32(int v) {
        ensure(4);
        buf[size++] = (byte) (v >>> 24);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
    }

    private void ensure(int n) {
        if (buf.length - size < n) {
            buf = Arrays.copyOf(buf, Math.max(size + n, 2 * buf.length));
        }
    }
}
