package dev.weft.crawler.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * One crawl at a time per store: an exclusive lock taken when a store opens and held until it
 * closes. Two crawls writing into one store would overwrite each other (two JSONL writers append
 * at the same committed offset) or fetch everything twice; the second is refused instead.
 *
 * <ul>
 *   <li>SQLite (and JSONL, through its state file): an OS lock on {@code FILE.lock} beside the
 *       database (not on the database itself: POSIX locks are dropped when any descriptor of the
 *       file closes in the process, and SQLite opens and closes its own);</li>
 *   <li>PostgreSQL: a session advisory lock ({@code pg_try_advisory_lock}, per database);</li>
 *   <li>MariaDB/MySQL: a named lock ({@code GET_LOCK}) named after the database.</li>
 * </ul>
 *
 * The operating system or the database server releases it when the process dies ({@code kill -9}),
 * so a crashed crawl never leaves a stale lock behind: a {@code FILE.lock} left in the folder by a
 * killed crawl is a file nobody holds, and the next crawl takes it over. A crawl that ends (finished,
 * stopped, Ctrl-C, failed) deletes its {@code FILE.lock}.
 *
 * <p><b>Deleting a lock file is a race</b> that this class settles: crawl B may open the file just
 * before A deletes it and unlocks, and then lock the deleted file while crawl C makes and locks a new
 * one — two holders. So a lock counts only if the path names the same file (its inode) before the
 * open and after the lock; otherwise it is dropped and taken again (also when the open made the
 * file: then there was nothing to compare with). A holder deletes the file before it unlocks it.
 *
 * <p>Not thread-safe.
 */
final class CrawlLock implements AutoCloseable {

    /** The advisory lock's key in PostgreSQL (any constant: the lock is per database). */
    private static final long PG_KEY = 0x5765667443726177L; // "WeftCraw"

    /** Tries to take a lock file whose path keeps naming another file than the one locked. */
    private static final int TAKE_ATTEMPTS = 100;

    private final FileChannel channel;
    private final Path file;
    private final Connection connection;
    private final String unlock;

    private CrawlLock(FileChannel channel, Path file, Connection connection, String unlock) {
        this.channel = channel;
        this.file = file;
        this.connection = connection;
        this.unlock = unlock;
    }

    /**
     * Takes the lock of an SQLite database file.
     *
     * @param database    the database file
     * @param description the store, for messages
     * @return the lock, held until closed
     * @throws StoreException if another crawl holds it, or it cannot be taken
     */
    static CrawlLock sqlite(Path database, String description) {
        Path file = Path.of(database + ".lock");
        for (int attempt = 0; attempt < TAKE_ATTEMPTS; attempt++) {
            CrawlLock held = trySqlite(file, description);
            if (held != null) {
                return held;
            }
        }
        throw new StoreException("cannot open " + description + ": its lock file " + file + " was deleted under us "
                + TAKE_ATTEMPTS + " times in a row: is something removing it?");
    }

    /** Locks {@code file}; null if the path stopped naming the file locked (take it again). */
    private static CrawlLock trySqlite(Path file, String description) {
        Object before = FileIdentity.of(file); // stat, not open: a descriptor closed would drop a POSIX lock
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StoreException("cannot open " + description + ": cannot make its lock file " + file + ": "
                    + IoErrors.why(e), e);
        }
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // another crawl of this JVM holds it
        } catch (IOException e) {
            close(ch);
            throw new StoreException("cannot open " + description + ": cannot lock " + file + ": " + IoErrors.why(e), e);
        }
        if (lock == null) {
            close(ch);
            throw inUse(description);
        }
        if (before == null || !before.equals(FileIdentity.of(file))) {
            // Made by this open (no identity to compare with: take it again, now that it exists), or
            // the path names another file than the one opened: the lock may be on a deleted file.
            close(ch);
            return null;
        }
        return new CrawlLock(ch, file, null, null);
    }

    /**
     * Takes the lock of a database on a server, on a connection of its own held until closed.
     *
     * @param dialect     PostgreSQL or MariaDB
     * @param jdbcUrl     the database
     * @param user        the user, or null
     * @param password    the password, or null
     * @param description the store, for messages
     * @return the lock
     * @throws StoreException if another crawl holds it, or it cannot be taken
     */
    static CrawlLock server(SqlDialect dialect, String jdbcUrl, String user, String password, String description) {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        Connection c;
        try {
            c = DriverManager.getConnection(jdbcUrl, p);
        } catch (SQLException e) {
            throw new StoreException("cannot connect to " + description + ": " + e.getMessage(), e);
        }
        boolean pg = dialect == SqlDialect.POSTGRESQL;
        String name = "CONCAT('weft-crawl:', SHA1(DATABASE()))"; // MariaDB's lock names: at most 64 characters
        String sql = pg ? "SELECT pg_try_advisory_lock(" + PG_KEY + ")" : "SELECT GET_LOCK(" + name + ", 0)";
        String unlock = pg ? "SELECT pg_advisory_unlock(" + PG_KEY + ")" : "SELECT RELEASE_LOCK(" + name + ")";
        boolean got;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            got = rs.next() && rs.getBoolean(1);
        } catch (SQLException e) {
            close(c);
            throw new StoreException("cannot lock " + description + ": " + e.getMessage(), e);
        }
        if (!got) {
            close(c);
            throw inUse(description);
        }
        return new CrawlLock(null, null, c, unlock);
    }

    private static StoreException inUse(String description) {
        return new StoreException(description + " is in use by another crawl (of this or another process): two "
                + "crawls into one store would overwrite each other; wait for it to end or stop it, then --resume");
    }

    /** Releases the lock. */
    @Override
    public void close() {
        if (channel != null) {
            try {
                Files.deleteIfExists(file); // while still held: see the class comment for the race
            } catch (IOException e) {
                // left in the folder: a file nobody holds, taken over by the next crawl
            }
            close(channel); // closing the channel releases its lock
        }
        if (connection != null) {
            // Released now: the server ends the session (and its locks) only a moment after the
            // connection closes, and a crawl started right after this one would find it held.
            try (Statement s = connection.createStatement()) {
                s.execute(unlock);
            } catch (SQLException e) {
                // the session is gone (the database went away): its lock went with it
            }
            close(connection);
        }
    }

    private static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // released anyway: by the OS with the descriptor, by the server with the session
        }
    }
}
