package dev.weft.http.h2;

import static dev.weft.http.h2.Http2ErrorCode.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every frame type written by {@link FrameWriter} and read back by {@link FrameReader}, whole and
 * one byte at a time, and every framing rule of RFC 9113 that needs no stream state, each with
 * the error code and scope (connection or stream) the RFC gives it.
 */
class FrameReaderTest {

    /** Records what the reader delivers as readable lines. */
    static final class Recorder implements FrameListener {
        final List<String> events = new ArrayList<>();

        @Override
        public void onData(int streamId, byte[] buf, int off, int len, int flow, boolean endStream) {
            events.add("DATA " + streamId + " " + new String(buf, off, len, StandardCharsets.ISO_8859_1) + " flow=" + flow
                    + (endStream ? " END_STREAM" : ""));
        }

        @Override
        public void onHeaders(int streamId, byte[] block, int len, boolean endStream, int dependency) {
            events.add("HEADERS " + streamId + " " + new String(block, 0, len, StandardCharsets.ISO_8859_1)
                    + (endStream ? " END_STREAM" : "") + (dependency != 0 ? " dep=" + dependency : ""));
        }

        @Override
        public void onPriority(int streamId, int dependency) {
            events.add("PRIORITY " + streamId + " dep=" + dependency);
        }

        @Override
        public void onRstStream(int streamId, long errorCode) {
            events.add("RST_STREAM " + streamId + " " + errorCode);
        }

        @Override
        public void onSettings(Http2Settings settings) {
            events.add("SETTINGS " + settings);
        }

        @Override
        public void onSettingsAck() {
            events.add("SETTINGS ACK");
        }

        @Override
        public void onPushPromise(int streamId, int promisedStreamId) {
            events.add("PUSH_PROMISE " + streamId + " " + promisedStreamId);
        }

        @Override
        public void onPing(boolean ack, long data) {
            events.add("PING " + Long.toHexString(data) + (ack ? " ACK" : ""));
        }

        @Override
        public void onGoAway(int lastStreamId, long errorCode, byte[] debugData) {
            events.add("GOAWAY " + lastStreamId + " " + errorCode + " " + new String(debugData, StandardCharsets.UTF_8));
        }

        @Override
        public void onWindowUpdate(int streamId, int increment) {
            events.add("WINDOW_UPDATE " + streamId + " " + increment);
        }
    }

    static byte[] bytes(FrameWriter w) throws IOException {
        BytesIo io = new BytesIo(new byte[0], 1);
        w.writeTo(io);
        return io.written.toByteArray();
    }

    static List<String> readAll(byte[] in, int chunk, int maxFrameSize) throws IOException {
        FrameReader r = new FrameReader(new BytesIo(in, chunk), 64 * 1024, 16);
        r.setMaxFrameSize(maxFrameSize);
        Recorder rec = new Recorder();
        while (r.readFrame(rec)) {
            // next
        }
        return rec.events;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void everyFrameTypeRoundTripsWholeAndOneByteAtATime() throws IOException {
        FrameWriter w = new FrameWriter();
        w.data(1, ascii("xhellox"), 1, 5, false);
        w.data(1, new byte[0], 0, 0, true);
        w.headers(3, ascii("0123456789abcdefghij"), 20, true, 16_384);
        w.headers(5, ascii("0123456789abcdefghij"), 20, false, 8); // HEADERS + 2 CONTINUATION
        w.raw(FrameReader.PRIORITY, 0, 7, hex("80000003 10"));
        w.rstStream(3, CANCEL);
        w.settings(Http2Settings.empty().set(Http2Settings.MAX_CONCURRENT_STREAMS, 100)
                .set(Http2Settings.INITIAL_WINDOW_SIZE, 1 << 20));
        w.settingsAck();
        w.ping(false, 0x0102030405060708L);
        w.ping(true, -1L);
        w.goAway(5, ENHANCE_YOUR_CALM, ascii("calm down"));
        w.windowUpdate(0, Integer.MAX_VALUE);
        w.windowUpdate(5, 1);
        w.raw(0xfa, 0xff, 9, ascii("an extension frame")); // unknown type: skipped
        byte[] all = bytes(w);
        List<String> expected = List.of(
                "DATA 1 hello flow=5",
                "DATA 1  flow=0 END_STREAM",
                "HEADERS 3 0123456789abcdefghij END_STREAM",
                "HEADERS 5 0123456789abcdefghij",
                "PRIORITY 7 dep=3",
                "RST_STREAM 3 8",
                "SETTINGS Http2Settings[MAX_CONCURRENT_STREAMS=100, INITIAL_WINDOW_SIZE=1048576]",
                "SETTINGS ACK",
                "PING 102030405060708",
                "PING ffffffffffffffff ACK",
                "GOAWAY 5 11 calm down",
                "WINDOW_UPDATE 0 2147483647",
                "WINDOW_UPDATE 5 1");
        assertEquals(expected, readAll(all, Integer.MAX_VALUE, 16_384));
        assertEquals(expected, readAll(all, 1, 16_384));
    }

    @Test
    void paddingAndPriorityFieldsAreTakenOff() throws IOException {
        FrameWriter w = new FrameWriter();
        // DATA, PADDED: pad length 3, "abc", 3 zero octets
        w.raw(FrameReader.DATA, FrameReader.FLAG_PADDED | FrameReader.FLAG_END_STREAM, 1, hex("03 616263 000000"));
        // HEADERS, PADDED | PRIORITY | END_HEADERS: pad 2, exclusive dependency on 0 weight 16, "hb", 2 zeros
        w.raw(FrameReader.HEADERS, FrameReader.FLAG_PADDED | FrameReader.FLAG_PRIORITY | FrameReader.FLAG_END_HEADERS, 3,
                hex("02 80000001 0f 6862 0000"));
        assertEquals(List.of("DATA 1 abc flow=7 END_STREAM", "HEADERS 3 hb dep=1"), readAll(bytes(w), 1, 16_384));
    }

    @Test
    void aCleanEndBetweenFramesIsNotAnErrorButOneInsideAFrameIs() throws IOException {
        assertEquals(List.of(), readAll(new byte[0], 1, 16_384));
        FrameWriter w = new FrameWriter();
        w.ping(false, 1);
        byte[] ping = bytes(w);
        assertThrows(EOFException.class, () -> readAll(java.util.Arrays.copyOf(ping, 12), 1, 16_384));
        assertThrows(EOFException.class, () -> readAll(java.util.Arrays.copyOf(ping, 5), 1, 16_384));
    }

    @Test
    void thePrefaceIsCheckedExactly() throws IOException {
        FrameReader ok = new FrameReader(new BytesIo(FrameReader.PREFACE, 1), 1024, 4);
        assertTrue(ok.readPreface());
        FrameReader none = new FrameReader(new BytesIo(new byte[0], 1), 1024, 4);
        assertFalse(none.readPreface());
        FrameReader http1 = new FrameReader(new BytesIo(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 1), 1024, 4);
        Http2Exception e = assertThrows(Http2Exception.class, http1::readPreface);
        assertEquals(PROTOCOL_ERROR, e.errorCode());
    }

    // ------------------------------------------------------------------ errors

    /** Reads {@code frames} and returns the error the reader raised. */
    static Http2Exception errorOf(byte[] frames) {
        return assertThrows(Http2Exception.class, () -> readAll(frames, Integer.MAX_VALUE, 16_384));
    }

    static byte[] frame(int type, int flags, int stream, String payloadHex) throws IOException {
        FrameWriter w = new FrameWriter();
        w.raw(type, flags, stream, hex(payloadHex));
        return bytes(w);
    }

    static void assertConnectionError(Http2ErrorCode code, byte[] frames) {
        Http2Exception e = errorOf(frames);
        assertEquals(code, e.errorCode(), e.getMessage());
        assertTrue(e.isConnectionError(), "a connection error: " + e.getMessage());
    }

    static void assertStreamError(Http2ErrorCode code, int stream, byte[] frames) {
        Http2Exception e = errorOf(frames);
        assertEquals(code, e.errorCode(), e.getMessage());
        assertEquals(stream, e.streamId(), e.getMessage());
    }

    @Test
    void aFrameLargerThanOurMaxFrameSizeIsAFrameSizeError() throws IOException {
        FrameWriter w = new FrameWriter();
        w.data(1, new byte[16_385], 0, 16_385, false);
        assertConnectionError(FRAME_SIZE_ERROR, bytes(w));
        w.data(1, new byte[16_384], 0, 16_384, false);
        assertEquals(1, readAll(bytes(w), 1000, 16_384).size(), "16,384 is allowed");
    }

    @Test
    void framesThatNeedAStreamRefuseStreamZero() throws IOException {
        assertConnectionError(PROTOCOL_ERROR, frame(FrameReader.DATA, 0, 0, "00"));
        assertConnectionError(PROTOCOL_ERROR, frame(FrameReader.HEADERS, FrameReader.FLAG_END_HEADERS, 0, "82"));
        assertConnectionError(PROTOCOL_ERROR, frame(FrameReader.PRIORITY, 0, 0, "00000001 10"));
        assertConnectionError(PROTOCOL_ERROR, frame(FrameReader.RST_STREAM, 0, 0, "00000008"));
        assertConnectionError(PROTOCOL_ERROR, frame(FrameReader.PUSH_PROMISE, FrameReader.FLAG_END_HEADERS, 0,
                "00000002"));
    }

    @Test
    void connectionFramesRefuseAStream() throws IOException {
        assertConnectionError(PROTOCOL_ERROR, frame(FrameReader.SETTINGS, 0, 1, ""));
        assertConnectionError(PROTOCOL_ERROR, frame(FrameReader.PING, 0, 1, "0000000000000000"));
        assertConnectionError(PROTOCOL_ERROR, frame(FrameReader.GOAWAY, 0, 1, "0000000000000000"));
    }

    @Test
    void fixedLengthsAreChecked() throws IOException {
        assertConnectionError(FRAME_SIZE_ERROR, frame(FrameReader.RST_STREAM, 0, 1, "000008"));
        assertConnectionError(FRAME_SIZE_ERROR, frame(FrameReader.PING, 0, 0, "00000000000000"));
        assertConnectionError(FRAME_SIZE_ERROR, frame(FrameReader.GOAWAY, 0, 0, "00000000000000"));
        assertConnectionError(FRAME_SIZE_ERROR, frame(FrameReader.WINDOW_UPDATE, 0, 1, "000001"));
        assertConnectionError(FRAME_SIZE_ERROR, frame(FrameReader.SETTINGS, FrameReader.FLAG_ACK, 0, "000000000000"));
        assertConnectionError(FRAME_SIZE_ERROR, frame(FrameReader.SETTINGS, 0, 0, "0003000000"));
        assertConnectionError(FRAME_SIZE_ERROR, frame(FrameReader.DATA, FrameReader.FLAG_PADDED, 1, ""));
        assertConnectionError(FRAME_SIZE_ERROR, frame(FrameReader.HEADERS,
                FrameReader.FLAG_PRIORITY | FrameReader.FLAG_END_HEADERS, 1, "00000000"));
    }

    @Test
    void aPriorityFrameOfTheWrongSizeIsAStreamErrorAndReadingGoesOn() throws IOException {
        byte[] bad = frame(FrameReader.PRIORITY, 0, 3, "0000000110");
        byte[] bad4 = frame(FrameReader.PRIORITY, 0, 3, "00000001");
        assertStreamError(FRAME_SIZE_ERROR, 3, bad4);
        FrameWriter w = new FrameWriter();
        w.raw(FrameReader.PRIORITY, 0, 3, hex("00000001"));
        w.ping(false, 7);
        FrameReader r = new FrameReader(new BytesIo(bytes(w), 1), 1024, 4);
        Recorder rec = new Recorder();
        assertThrows(Http2Exception.class, () -> r.readFrame(rec));
        assertTrue(r.readFrame(rec), "the next frame reads fine");
        assertEquals(List.of("PING 7"), rec.events);
        assertEquals(1, readAll(bad, 1, 16_384).size());
    }

    @Test
    void aStreamThatDependsOnItselfIsAStreamError() throws IOException {
        assertStreamError(PROTOCOL_ERROR, 3, frame(FrameReader.PRIORITY, 0, 3, "00000003 10"));
    }

    @Test
    void paddingMustFitAndBeZero() throws IOException {
        assertConnectionError(PROTOCOL_ERROR, frame(FrameReader.DATA, FrameReader.FLAG_PADDED, 1, "04 616263"));
        assertConnectionError(PROTOCOL_ERROR, frame(FrameReader.DATA, FrameReader.FLAG_PADDED, 1, "02 61 0001"));
        assertConnectionError(PROTOCOL_ERROR, frame(FrameReader.HEADERS,
                FrameReader.FLAG_PADDED | FrameReader.FLAG_END_HEADERS, 1, "05 6162"));
        assertEquals(List.of("DATA 1  flow=4"), readAll(frame(FrameReader.DATA, FrameReader.FLAG_PADDED, 1,
                "03 000000"), 1, 16_384), "a frame of padding only is fine");
    }

    @Test
    void settingsValuesAreCheckedAndUnknownOnesIgnored() throws IOException {
        assertConnectionError(PROTOCOL_ERROR, frame(FrameReader.SETTINGS, 0, 0, "0002 00000002"));
        assertConnectionError(FLOW_CONTROL_ERROR, frame(FrameReader.SETTINGS, 0, 0, "0004 80000000"));
        assertConnectionError(PROTOCOL_ERROR, frame(FrameReader.SETTINGS, 0, 0, "0005 00003fff"));
        assertConnectionError(PROTOCOL_ERROR, frame(FrameReader.SETTINGS, 0, 0, "0005 01000000"));
        assertEquals(List.of("SETTINGS Http2Settings[INITIAL_WINDOW_SIZE=2147483647, MAX_FRAME_SIZE=16777215]"),
                readAll(frame(FrameReader.SETTINGS, 0, 0, "0004 7fffffff 0005 00ffffff 00ff 12345678 0004 7fffffff"),
                        1, 16_384));
        assertEquals(List.of("SETTINGS Http2Settings[INITIAL_WINDOW_SIZE=1]"),
                readAll(frame(FrameReader.SETTINGS, 0, 0, "0004 00000005 0004 00000001"), 1, 16_384),
                "the last value of a setting wins");
    }

    @Test
    void aZeroWindowIncrementIsAStreamOrConnectionErrorByItsStream() throws IOException {
        assertConnectionError(PROTOCOL_ERROR, frame(FrameReader.WINDOW_UPDATE, 0, 0, "00000000"));
        assertStreamError(PROTOCOL_ERROR, 5, frame(FrameReader.WINDOW_UPDATE, 0, 5, "80000000"));
    }

    @Test
    void pushPromiseIsRefusedBecausePushIsNeverEnabled() throws IOException {
        assertConnectionError(PROTOCOL_ERROR, frame(FrameReader.PUSH_PROMISE, FrameReader.FLAG_END_HEADERS, 1,
                "00000002 82"));
    }

    @Test
    void continuationMustFollowItsHeadersOnTheSameStreamWithNothingBetween() throws IOException {
        byte[] open = frame(FrameReader.HEADERS, 0, 1, "8284");
        assertConnectionError(PROTOCOL_ERROR, frame(FrameReader.CONTINUATION, FrameReader.FLAG_END_HEADERS, 1, "82"));
        assertConnectionError(PROTOCOL_ERROR, concat(open, frame(FrameReader.PING, 0, 0, "0000000000000000")));
        assertConnectionError(PROTOCOL_ERROR, concat(open, frame(FrameReader.CONTINUATION, FrameReader.FLAG_END_HEADERS,
                3, "86")));
        assertConnectionError(PROTOCOL_ERROR, concat(open, frame(FrameReader.HEADERS, FrameReader.FLAG_END_HEADERS,
                1, "86")));
        assertEquals(List.of("HEADERS 1 \u0082\u0084\u0086"), readAll(concat(open,
                frame(FrameReader.CONTINUATION, 0, 1, ""),
                frame(FrameReader.CONTINUATION, FrameReader.FLAG_END_HEADERS, 1, "86")), 1, 16_384));
        assertThrows(EOFException.class, () -> readAll(open, 1, 16_384), "the stream ends inside a header block");
    }

    @Test
    void aContinuationFloodIsCutOffAfterBoundedWork() throws IOException {
        // HEADERS without END_HEADERS, then a million empty CONTINUATION frames (9 MB)
        byte[] open = frame(FrameReader.HEADERS, 0, 1, "82");
        byte[] empty = frame(FrameReader.CONTINUATION, 0, 1, "");
        byte[] flood = new byte[open.length + 1_000_000 * empty.length];
        System.arraycopy(open, 0, flood, 0, open.length);
        for (int i = 0; i < 1_000_000; i++) {
            System.arraycopy(empty, 0, flood, open.length + i * empty.length, empty.length);
        }
        BytesIo io = new BytesIo(flood, 4096);
        FrameReader r = new FrameReader(io, 64 * 1024, 16);
        Http2Exception e = assertThrows(Http2Exception.class, () -> {
            while (r.readFrame(new Recorder())) {
                // next
            }
        });
        assertEquals(ENHANCE_YOUR_CALM, e.errorCode());
        assertTrue(e.isConnectionError());
        assertTrue(io.consumed() <= 2 * 4096, "stopped after the 17th CONTINUATION, having read " + io.consumed());
    }

    @Test
    void aHeaderBlockLargerThanTheLimitIsCutOffBeforeItIsBuffered() throws IOException {
        FrameWriter w = new FrameWriter();
        byte[] big = new byte[100_000];
        w.headers(1, big, big.length, true, 16_384); // 7 frames of up to 16 KB
        BytesIo io = new BytesIo(bytes(w), 100_000);
        FrameReader r = new FrameReader(io, 64 * 1024, 16);
        Http2Exception e = assertThrows(Http2Exception.class, () -> {
            while (r.readFrame(new Recorder())) {
                // next
            }
        });
        assertEquals(ENHANCE_YOUR_CALM, e.errorCode());
        assertTrue(e.getMessage().contains("exceeds 65536 octets"), e.getMessage());
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
