package dev.weft.http.h2;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.net.SocketAddress;

/**
 * An {@link Http2Io} that reads from a fixed array, at most {@code chunk} bytes per read (1:
 * one byte at a time, the fixture most likely to find a parser's bugs), and records writes.
 * Never parks: for the frame reader and writer, which need no loop.
 */
final class BytesIo implements Http2Io {

    private final byte[] in;
    private final int chunk;
    private int pos;
    final ByteArrayOutputStream written = new ByteArrayOutputStream();

    BytesIo(byte[] in, int chunk) {
        this.in = in;
        this.chunk = chunk;
    }

    /** How many input bytes were read so far. */
    int consumed() {
        return pos;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (pos == in.length) {
            return -1;
        }
        int n = Math.min(Math.min(len, chunk), in.length - pos);
        System.arraycopy(in, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        written.write(b, off, len);
    }

    @Override
    public long bufferedAmount() {
        return 0;
    }

    @Override
    public void drain() throws IOException {
    }

    @Override
    public void close() {
    }

    @Override
    public void abort() {
    }

    @Override
    public SocketAddress remoteAddress() {
        return null;
    }

    @Override
    public SocketAddress localAddress() {
        return null;
    }
}
