package dev.weft.http.h2;

import dev.weft.net.StreamReader;
import dev.weft.net.StreamWriter;
import java.io.IOException;
import java.net.SocketAddress;

/** {@link Http2Io} over a Weft {@link StreamReader} and {@link StreamWriter}. Loop-confined, like them. */
final class StreamIo implements Http2Io {

    private final StreamReader reader;
    private final StreamWriter writer;
    private byte[] replay;   // bytes read before the connection was handed over; null once given back
    private int replayed;

    StreamIo(StreamReader reader, StreamWriter writer, byte[] replay) {
        this.reader = reader;
        this.writer = writer;
        this.replay = replay == null || replay.length == 0 ? null : replay;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (replay != null) {
            int n = Math.min(len, replay.length - replayed);
            System.arraycopy(replay, replayed, b, off, n);
            replayed += n;
            if (replayed == replay.length) {
                replay = null;
            }
            return n;
        }
        return reader.read(b, off, len);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        writer.write(b, off, len);
    }

    @Override
    public long bufferedAmount() {
        return writer.bufferedAmount();
    }

    @Override
    public void drain() throws IOException {
        writer.drain();
    }

    @Override
    public void close() {
        writer.close();
    }

    @Override
    public void abort() {
        writer.abort();
    }

    @Override
    public SocketAddress remoteAddress() {
        return writer.remoteAddress();
    }

    @Override
    public SocketAddress localAddress() {
        return writer.localAddress();
    }

    @Override
    public String toString() {
        return "StreamIo[" + writer.remoteAddress() + "]";
    }
}
