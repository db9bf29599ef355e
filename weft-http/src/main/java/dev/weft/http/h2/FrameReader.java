package dev.weft.http.h2;

import static dev.weft.http.h2.Http2ErrorCode.ENHANCE_YOUR_CALM;
import static dev.weft.http.h2.Http2ErrorCode.FRAME_SIZE_ERROR;
import static dev.weft.http.h2.Http2ErrorCode.PROTOCOL_ERROR;

import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads HTTP/2 frames (RFC 9113 section 4 and 6) from an {@link Http2Io} and checks everything
 * that needs no stream state: the frame size against our {@code SETTINGS_MAX_FRAME_SIZE}, which
 * frames must and must not be on stream 0, the fixed lengths of PRIORITY, RST_STREAM, PING,
 * SETTINGS and WINDOW_UPDATE, padding, SETTINGS values, zero window increments, and that a header
 * block's CONTINUATION frames follow its HEADERS frame on the same stream with nothing in between.
 * Frames of unknown types are skipped, as the RFC requires.
 *
 * <p><b>CONTINUATION flood.</b> A header block is put together from its fragments in one buffer
 * bounded by {@code maxHeaderBlockBytes}, and may span at most {@code maxContinuations}
 * CONTINUATION frames (empty ones count too): past either, the connection fails with
 * {@code ENHANCE_YOUR_CALM} before anything else is buffered or decoded.
 *
 * <p>Owned by the connection's reader task.
 */
final class FrameReader {

    static final int HEADER_LENGTH = 9;

    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int PRIORITY = 0x2;
    static final int RST_STREAM = 0x3;
    static final int SETTINGS = 0x4;
    static final int PUSH_PROMISE = 0x5;
    static final int PING = 0x6;
    static final int GOAWAY = 0x7;
    static final int WINDOW_UPDATE = 0x8;
    static final int CONTINUATION = 0x9;

    static final int FLAG_END_STREAM = 0x1;
    static final int FLAG_ACK = 0x1;
    static final int FLAG_END_HEADERS = 0x4;
    static final int FLAG_PADDED = 0x8;
    static final int FLAG_PRIORITY = 0x20;

    /** The client connection preface (RFC 9113 section 3.4). */
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static final int INITIAL_BUFFER = 4096;

    private final Http2Io io;
    private final int maxHeaderBlockBytes;
    private final int maxContinuations;
    private int maxFrameSize = Http2Settings.DEFAULT_MAX_FRAME_SIZE;

    private byte[] buf = new byte[INITIAL_BUFFER];
    private int start;
    private int end;

    // The header block being put together; blockStream 0: none.
    private byte[] block = new byte[0];
    private int blockLength;
    private int blockStream;
    private boolean blockEndStream;
    private int blockDependency;
    private int continuations;

    FrameReader(Http2Io io, int maxHeaderBlockBytes, int maxContinuations) {
        this.io = io;
        this.maxHeaderBlockBytes = maxHeaderBlockBytes;
        this.maxContinuations = maxContinuations;
    }

    /** Sets the largest frame payload accepted (our {@code SETTINGS_MAX_FRAME_SIZE}). */
    void setMaxFrameSize(int max) {
        this.maxFrameSize = max;
    }

    /**
     * Reads and checks the client connection preface (server side).
     *
     * @return false if the stream ended before any byte
     * @throws Http2Exception ({@code PROTOCOL_ERROR}) if the bytes are not the preface
     */
    boolean readPreface() throws IOException {
        if (!fill(PREFACE.length)) {
            if (end == start) {
                return false;
            }
            throw new EOFException("the stream ended inside the HTTP/2 connection preface");
        }
        if (!Arrays.equals(buf, start, start + PREFACE.length, PREFACE, 0, PREFACE.length)) {
            throw Http2Exception.connectionError(PROTOCOL_ERROR, "not an HTTP/2 connection preface");
        }
        start += PREFACE.length;
        return true;
    }

    /**
     * Reads one frame and hands it to {@code listener} (a HEADERS frame without END_HEADERS is
     * only handed over with its last CONTINUATION frame).
     *
     * @return false at a clean end of stream (between frames)
     * @throws Http2Exception for a frame that breaks the rules; a stream error leaves the reader
     *     ready for the next frame
     * @throws EOFException if the stream ends inside a frame
     */
    boolean readFrame(FrameListener listener) throws IOException {
        if (!fill(HEADER_LENGTH)) {
            if (end == start && blockStream == 0) {
                return false;
            }
            throw new EOFException("the stream ended inside a frame");
        }
        int length = u24(buf, start);
        int type = buf[start + 3] & 0xff;
        int flags = buf[start + 4] & 0xff;
        int stream = s31(buf, start + 5);
        if (length > maxFrameSize) {
            throw Http2Exception.connectionError(FRAME_SIZE_ERROR, "frame of " + length
                    + " octets exceeds SETTINGS_MAX_FRAME_SIZE " + maxFrameSize);
        }
        if (blockStream != 0 && (type != CONTINUATION || stream != blockStream)) {
            throw Http2Exception.connectionError(PROTOCOL_ERROR, "expected CONTINUATION of the header block of stream "
                    + blockStream + ", got frame type " + type + " on stream " + stream);
        }
        if (!fill(HEADER_LENGTH + length)) {
            throw new EOFException("the stream ended inside a frame");
        }
        int p = start + HEADER_LENGTH;
        start = p + length; // consumed: the listener reads the payload before the next fill
        switch (type) {
            case DATA -> data(listener, stream, flags, p, length);
            case HEADERS -> headers(listener, stream, flags, p, length);
            case PRIORITY -> priority(listener, stream, p, length);
            case RST_STREAM -> {
                requireStream(stream, "RST_STREAM");
                requireLength(length, 4, "RST_STREAM");
                listener.onRstStream(stream, u32(buf, p));
            }
            case SETTINGS -> settings(listener, stream, flags, p, length);
            case PUSH_PROMISE -> {
                requireStream(stream, "PUSH_PROMISE");
                int pad = (flags & FLAG_PADDED) != 0 ? 1 : 0;
                if (length < pad + 4) {
                    throw Http2Exception.connectionError(FRAME_SIZE_ERROR, "PUSH_PROMISE too short");
                }
                listener.onPushPromise(stream, s31(buf, p + pad));
                throw Http2Exception.connectionError(PROTOCOL_ERROR, "PUSH_PROMISE is not accepted: push is disabled");
            }
            case PING -> {
                requireConnection(stream, "PING");
                requireLength(length, 8, "PING");
                listener.onPing((flags & FLAG_ACK) != 0, s64(buf, p));
            }
            case GOAWAY -> {
                requireConnection(stream, "GOAWAY");
                if (length < 8) {
                    throw Http2Exception.connectionError(FRAME_SIZE_ERROR, "GOAWAY of " + length + " octets");
                }
                listener.onGoAway(s31(buf, p), u32(buf, p + 4), Arrays.copyOfRange(buf, p + 8, p + length));
            }
            case WINDOW_UPDATE -> {
                requireLength(length, 4, "WINDOW_UPDATE");
                int increment = s31(buf, p);
                if (increment == 0) {
                    String msg = "WINDOW_UPDATE with an increment of 0";
                    throw stream == 0 ? Http2Exception.connectionError(PROTOCOL_ERROR, msg)
                            : Http2Exception.streamError(stream, PROTOCOL_ERROR, msg);
                }
                listener.onWindowUpdate(stream, increment);
            }
            case CONTINUATION -> continuation(listener, stream, flags, p, length);
            default -> {
                // an unknown frame type: ignored (RFC 9113 section 4.1)
            }
        }
        return true;
    }

    private void data(FrameListener listener, int stream, int flags, int p, int length) throws IOException {
        requireStream(stream, "DATA");
        int pad = 0;
        int off = p;
        int rem = length;
        if ((flags & FLAG_PADDED) != 0) {
            if (rem < 1) {
                throw Http2Exception.connectionError(FRAME_SIZE_ERROR, "padded DATA frame without a pad length");
            }
            pad = buf[off++] & 0xff;
            rem--;
            checkPadding(pad, off, rem, "DATA");
        }
        listener.onData(stream, buf, off, rem - pad, length, (flags & FLAG_END_STREAM) != 0);
    }

    private void headers(FrameListener listener, int stream, int flags, int p, int length) throws IOException {
        requireStream(stream, "HEADERS");
        int pad = 0;
        int off = p;
        int rem = length;
        if ((flags & FLAG_PADDED) != 0) {
            if (rem < 1) {
                throw Http2Exception.connectionError(FRAME_SIZE_ERROR, "padded HEADERS frame without a pad length");
            }
            pad = buf[off++] & 0xff;
            rem--;
        }
        int dependency = 0;
        if ((flags & FLAG_PRIORITY) != 0) {
            if (rem < 5) {
                throw Http2Exception.connectionError(FRAME_SIZE_ERROR, "HEADERS frame too short for its priority");
            }
            dependency = s31(buf, off);
            if (dependency == 0) {
                dependency = -1; // "depends on the root": present, harmless
            }
            off += 5;
            rem -= 5;
        }
        if (pad > 0) {
            checkPadding(pad, off, rem, "HEADERS");
        }
        blockStream = stream;
        blockEndStream = (flags & FLAG_END_STREAM) != 0;
        blockDependency = dependency;
        blockLength = 0;
        continuations = 0;
        append(off, rem - pad);
        if ((flags & FLAG_END_HEADERS) != 0) {
            deliver(listener);
        }
    }

    private void continuation(FrameListener listener, int stream, int flags, int p, int length) throws IOException {
        if (blockStream == 0) {
            throw Http2Exception.connectionError(PROTOCOL_ERROR, "CONTINUATION on stream " + stream
                    + " without a header block in progress");
        }
        if (++continuations > maxContinuations) {
            throw Http2Exception.connectionError(ENHANCE_YOUR_CALM, "header block of stream " + stream + " spans more than "
                    + maxContinuations + " CONTINUATION frames");
        }
        append(p, length);
        if ((flags & FLAG_END_HEADERS) != 0) {
            deliver(listener);
        }
    }

    private void append(int off, int len) throws Http2Exception {
        if (blockLength + len > maxHeaderBlockBytes) {
            throw Http2Exception.connectionError(ENHANCE_YOUR_CALM, "header block of stream " + blockStream
                    + " exceeds " + maxHeaderBlockBytes + " octets");
        }
        if (blockLength + len > block.length) {
            block = Arrays.copyOf(block, Math.min(maxHeaderBlockBytes, Math.max(blockLength + len, 2 * block.length)));
        }
        System.arraycopy(buf, off, block, blockLength, len);
        blockLength += len;
    }

    private void deliver(FrameListener listener) throws IOException {
        int stream = blockStream;
        blockStream = 0;
        byte[] b = block;
        if (block.length > 64 * 1024) {
            block = new byte[0];
        }
        listener.onHeaders(stream, b, blockLength, blockEndStream, blockDependency);
    }

    private void priority(FrameListener listener, int stream, int p, int length) throws IOException {
        requireStream(stream, "PRIORITY");
        if (length != 5) {
            throw Http2Exception.streamError(stream, FRAME_SIZE_ERROR, "PRIORITY frame of " + length + " octets");
        }
        int dependency = s31(buf, p);
        if (dependency == stream) {
            throw Http2Exception.streamError(stream, PROTOCOL_ERROR, "stream " + stream + " depends on itself");
        }
        listener.onPriority(stream, dependency);
    }

    private void settings(FrameListener listener, int stream, int flags, int p, int length) throws IOException {
        requireConnection(stream, "SETTINGS");
        if ((flags & FLAG_ACK) != 0) {
            if (length != 0) {
                throw Http2Exception.connectionError(FRAME_SIZE_ERROR, "SETTINGS acknowledgement with a payload");
            }
            listener.onSettingsAck();
            return;
        }
        if (length % 6 != 0) {
            throw Http2Exception.connectionError(FRAME_SIZE_ERROR, "SETTINGS payload of " + length
                    + " octets is not a multiple of 6");
        }
        Http2Settings s = Http2Settings.empty();
        for (int i = p; i < p + length; i += 6) {
            int id = ((buf[i] & 0xff) << 8) | (buf[i + 1] & 0xff);
            long value = u32(buf, i + 2);
            if (id >= 1 && id <= 6) {
                Http2Exception bad = Http2Settings.check(id, value);
                if (bad != null) {
                    throw bad;
                }
                s.setChecked(id, value);
            }
        }
        listener.onSettings(s);
    }

    private void checkPadding(int pad, int off, int rem, String frame) throws Http2Exception {
        if (pad > rem) {
            throw Http2Exception.connectionError(PROTOCOL_ERROR, frame + " padding of " + pad
                    + " octets is longer than the frame");
        }
        for (int i = off + rem - pad; i < off + rem; i++) {
            if (buf[i] != 0) {
                throw Http2Exception.connectionError(PROTOCOL_ERROR, frame + " padding is not zero");
            }
        }
    }

    private static void requireStream(int stream, String frame) throws Http2Exception {
        if (stream == 0) {
            throw Http2Exception.connectionError(PROTOCOL_ERROR, frame + " frame on stream 0");
        }
    }

    private static void requireConnection(int stream, String frame) throws Http2Exception {
        if (stream != 0) {
            throw Http2Exception.connectionError(PROTOCOL_ERROR, frame + " frame on stream " + stream);
        }
    }

    private static void requireLength(int length, int expected, String frame) throws Http2Exception {
        if (length != expected) {
            throw Http2Exception.connectionError(FRAME_SIZE_ERROR, frame + " frame of " + length + " octets, not "
                    + expected);
        }
    }

    /** Makes at least {@code n} bytes available from {@code start}; false at end of stream. */
    private boolean fill(int n) throws IOException {
        while (end - start < n) {
            if (buf.length - start < n) {
                byte[] target = buf.length < n ? new byte[Math.max(n, Math.min(2 * buf.length, maxFrameSize + HEADER_LENGTH))]
                        : buf;
                System.arraycopy(buf, start, target, 0, end - start);
                end -= start;
                start = 0;
                buf = target;
            }
            int r = io.read(buf, end, buf.length - end);
            if (r < 0) {
                return false;
            }
            end += r;
        }
        return true;
    }

    static int u24(byte[] b, int i) {
        return ((b[i] & 0xff) << 16) | ((b[i + 1] & 0xff) << 8) | (b[i + 2] & 0xff);
    }

    /** A 31-bit value, the reserved high bit dropped. */
    static int s31(byte[] b, int i) {
        return (((b[i] & 0x7f) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff));
    }

    static long u32(byte[] b, int i) {
        return s31(b, i) | ((long) (b[i] & 0x80) << 24);
    }

    static long s64(byte[] b, int i) {
        return u32(b, i) << 32 | u32(b, i + 4);
    }
}
