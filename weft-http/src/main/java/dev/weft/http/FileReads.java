package dev.weft.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads from a file stream without holding the loop: a file read blocks its thread (the JDK
 * cannot park a virtual thread on disk I/O), and a task's thread is its loop. Each chunk is read
 * on the loop's executor; the task parks meanwhile. Used for file bodies by the client and the
 * server. From a task (outside one the read runs directly).
 */
public final class FileReads {

    private FileReads() {
    }

    /**
     * {@link InputStream#read(byte[], int, int)} run off the loop.
     *
     * @param in the input stream
     * @param buf the buffer
     * @param off where the bytes start
     * @param len how many bytes
     * @return how many bytes were read, or -1 at the end
     * @throws IOException if an I/O error occurs
     */
    public static int read(InputStream in, byte[] buf, int off, int len) throws IOException {
        return OffLoop.call(() -> in.read(buf, off, len));
    }
}
