package dev.weft.crawler.store;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Says what went wrong with a file in words: the JDK's file exceptions carry only the path as
 * their message ({@code AccessDeniedException: /data/crawl.db.lock}), so a message built from
 * it alone said where, not why. Stateless.
 */
public final class IoErrors {

    private IoErrors() {
    }

    /**
     * Why a file operation failed, without the path.
     *
     * @param e the failure
     * @return for example {@code permission denied} or {@code no such file or folder}
     */
    public static String why(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof NotDirectoryException) {
            return "not a folder";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "it exists already";
        }
        if (e instanceof FileSystemException fs) {
            return fs.getReason() != null ? fs.getReason() : e.getClass().getSimpleName();
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
