package dev.weft.crawler.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

/**
 * A file error says why, not only where: "cannot make its lock file /data/x.db.lock:
 * /data/x.db.lock" was all a crawl into a folder it may not write said.
 */
class IoErrorsTest {

    @Test
    void theJdksFileExceptionsSayWhy() {
        assertEquals("permission denied", IoErrors.why(new AccessDeniedException("/data/x.db.lock")));
        assertEquals("no such file or folder", IoErrors.why(new NoSuchFileException("/none.pem")));
        assertEquals("Read-only file system", IoErrors.why(new FileSystemException("/x", null, "Read-only file system")));
        assertEquals("disk full", IoErrors.why(new IOException("disk full")));
    }
}
