package dev.weft.crawler.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Which file a path names (its inode on Linux), to find out that a store's file was deleted or
 * replaced under a running crawl: writes would go on into the deleted file and vanish with it,
 * and the crawl would say it stored them. Stateless.
 */
final class FileIdentity {

    private FileIdentity() {
    }

    /**
     * The identity of the file at {@code path}.
     *
     * @param path the file
     * @return its key (an object to compare with {@code equals}), {@code path} itself if the file
     *         system has no keys, or null if there is no file
     */
    static Object of(Path path) {
        try {
            Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            return key != null ? key : path;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Fails if the file at {@code path} is no longer the one opened.
     *
     * @param path        the file
     * @param opened      its identity when it was opened
     * @param description the store, for the message
     * @throws StoreException if it was deleted or replaced
     */
    static void check(Path path, Object opened, String description) {
        if (opened != null && !opened.equals(of(path))) {
            throw new StoreException("cannot write to " + description + ": " + path + " was deleted or replaced while "
                    + "the crawl ran, and what was stored in it went with it; start the crawl again");
        }
    }
}
