package dev.weft.http.h2;

import dev.weft.http.h2.hpack.HpackDecoder;
import dev.weft.http.h2.hpack.HpackEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-driven HTTP/2 peer for tests: writes any frame, valid or not, and reads what the engine
 * under test answers, frame by frame. It plays a client against a server connection (or a server
 * against a client one) over one end of a {@link MemoryPipe}.
 */
final class RawPeer {

    /** A frame the engine sent, decoded enough for assertions. */
    record Frame(int type, int flags, int stream, String text, long code, List<String> fields) {
        boolean endStream() {
            return (flags & FrameReader.FLAG_END_STREAM) != 0;
        }

        @Override
        public String toString() {
            return switch (type) {
                case FrameReader.DATA -> "DATA " + stream + " len=" + text.length() + (endStream() ? " END_STREAM" : "");
                case FrameReader.HEADERS -> "HEADERS " + stream + " " + fields + (endStream() ? " END_STREAM" : "");
                case FrameReader.RST_STREAM -> "RST_STREAM " + stream + " " + Http2ErrorCode.of(code);
                case FrameReader.SETTINGS -> (flags & FrameReader.FLAG_ACK) != 0 ? "SETTINGS ACK" : "SETTINGS " + text;
                case FrameReader.PING -> "PING " + code + ((flags & FrameReader.FLAG_ACK) != 0 ? " ACK" : "");
                case FrameReader.GOAWAY -> "GOAWAY last=" + stream + " " + Http2ErrorCode.of(code) + " " + text;
                case FrameReader.WINDOW_UPDATE -> "WINDOW_UPDATE " + stream + " +" + code;
                default -> "frame type " + type;
            };
        }
    }

    final MemoryPipe.End io;
    final FrameWriter w = new FrameWriter();
    final HpackEncoder encoder = new HpackEncoder(4096);
    final HpackDecoder decoder = new HpackDecoder(4096, 1 << 20);
    private final FrameReader reader;
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();

    RawPeer(MemoryPipe.End io) {
        this.io = io;
        this.reader = new FrameReader(io, 1 << 20, 1000);
        this.reader.setMaxFrameSize(Http2Settings.MAX_MAX_FRAME_SIZE);
    }

    /** The frame reader (to read a client's preface when playing a server). */
    FrameReader reader() {
        return reader;
    }

    /** The client preface and a SETTINGS frame, sent. */
    RawPeer startAsClient(Http2Settings settings) throws IOException {
        w.preface();
        w.settings(settings);
        flush();
        return this;
    }

    RawPeer flush() throws IOException {
        w.writeTo(io);
        return this;
    }

    /** A header block of name/value pairs, HPACK-encoded with this peer's encoder. */
    byte[] block(String... namesAndValues) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encoder.beginBlock(out);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            encoder.encode(namesAndValues[i], namesAndValues[i + 1], out);
        }
        return out.toByteArray();
    }

    RawPeer headers(int stream, boolean endStream, String... namesAndValues) throws IOException {
        byte[] b = block(namesAndValues);
        w.headers(stream, b, b.length, endStream, 16_384);
        return flush();
    }

    RawPeer get(int stream, String path) throws IOException {
        return headers(stream, true, ":method", "GET", ":scheme", "http", ":authority", "localhost", ":path", path);
    }

    RawPeer data(int stream, String text, boolean endStream) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        w.data(stream, b, 0, b.length, endStream);
        return flush();
    }

    RawPeer raw(int type, int flags, int stream, byte[] payload) throws IOException {
        w.raw(type, flags, stream, payload);
        return flush();
    }

    /**
     * The next frame the engine sent, waiting for it (at most 5 minutes, which on a virtual clock
     * turns a hung test into a failure at once); null at end of stream.
     */
    Frame next() throws IOException {
        while (frames.isEmpty()) {
            boolean more;
            try {
                more = dev.weft.Weft.withTimeout(java.time.Duration.ofMinutes(5), () -> reader.readFrame(listener));
            } catch (dev.weft.TaskFailedException e) {
                throw e.rethrowIoCause();
            }
            if (!more) {
                return null;
            }
        }
        return frames.poll();
    }

    /** Frames until one of {@code type} (returned), skipping SETTINGS, acks, PINGs and WINDOW_UPDATEs. */
    Frame expect(int type) throws IOException {
        while (true) {
            Frame f = next();
            if (f == null) {
                throw new java.io.EOFException("the engine closed the connection before a frame of type " + type);
            }
            if (f.type == type) {
                return f;
            }
            if (f.type != FrameReader.SETTINGS && f.type != FrameReader.WINDOW_UPDATE && f.type != FrameReader.PING) {
                throw new AssertionError("expected a frame of type " + type + ", got " + f);
            }
        }
    }

    /** Reads until GOAWAY (returned) and the end of the stream after it. */
    Frame goAway() throws IOException {
        Frame g = null;
        Frame f;
        while ((f = next()) != null) {
            if (f.type == FrameReader.GOAWAY && g == null) {
                g = f;
            }
        }
        if (g == null) {
            throw new AssertionError("the connection ended without GOAWAY");
        }
        return g;
    }

    private final FrameListener listener = new FrameListener() {
        @Override
        public void onData(int streamId, byte[] buf, int off, int len, int flow, boolean endStream) {
            frames.add(new Frame(FrameReader.DATA, endStream ? 1 : 0, streamId,
                    new String(buf, off, len, StandardCharsets.ISO_8859_1), 0, List.of()));
        }

        @Override
        public void onHeaders(int streamId, byte[] block, int len, boolean endStream, int dependency) throws IOException {
            List<String> fields = new ArrayList<>();
            decoder.decode(block, 0, len, (n, v) -> fields.add(n + ": " + v));
            frames.add(new Frame(FrameReader.HEADERS, endStream ? 1 : 0, streamId, "", 0, fields));
        }

        @Override
        public void onPriority(int streamId, int dependency) {
        }

        @Override
        public void onRstStream(int streamId, long errorCode) {
            frames.add(new Frame(FrameReader.RST_STREAM, 0, streamId, "", errorCode, List.of()));
        }

        @Override
        public void onSettings(Http2Settings settings) {
            frames.add(new Frame(FrameReader.SETTINGS, 0, 0, settings.toString(), 0, List.of()));
        }

        @Override
        public void onSettingsAck() {
            frames.add(new Frame(FrameReader.SETTINGS, FrameReader.FLAG_ACK, 0, "", 0, List.of()));
        }

        @Override
        public void onPushPromise(int streamId, int promisedStreamId) {
        }

        @Override
        public void onPing(boolean ack, long data) {
            frames.add(new Frame(FrameReader.PING, ack ? FrameReader.FLAG_ACK : 0, 0, "", data, List.of()));
        }

        @Override
        public void onGoAway(int lastStreamId, long errorCode, byte[] debugData) {
            frames.add(new Frame(FrameReader.GOAWAY, 0, lastStreamId, new String(debugData, StandardCharsets.UTF_8),
                    errorCode, List.of()));
        }

        @Override
        public void onWindowUpdate(int streamId, int increment) {
            frames.add(new Frame(FrameReader.WINDOW_UPDATE, 0, streamId, "", increment, List.of()));
        }
    };
}
