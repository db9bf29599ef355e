package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.crawler.store.Batch;
import dev.weft.crawler.store.HostRow;
import dev.weft.crawler.store.Store;
import dev.weft.crawler.store.Stores;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host's pace outlives the run in every store: its delay, concurrency, the pace it refused
 * and its Retry-After come back as they were written; and a {@code hosts} table made by an
 * earlier version (without the last three columns) is brought up to date when it is opened,
 * its rows kept, with "not known" in the new columns.
 */
class HostRowsStoredTest {

    @TempDir
    Path dir;

    private static final Instant BLOCKED = Instant.parse("2026-12-02T10:15:30.123Z");
    private static final List<HostRow> ROWS = List.of(
            new HostRow("http://a.test", 12, 1_000, -1, null, 2, 500, BLOCKED),
            new HostRow("https://b.test:8443", 0, 0, 5_000, "its robots.txt never answered", 10, -1, null));

    /** The {@code hosts} table as the first release made it, in each engine. */
    private static final String OLD_SQLITE = "CREATE TABLE hosts (host TEXT PRIMARY KEY, pages INTEGER NOT NULL DEFAULT 0,"
            + " delay_ms INTEGER NOT NULL DEFAULT 0, crawl_delay_ms INTEGER NOT NULL DEFAULT -1, deferred TEXT)";
    private static final String OLD_POSTGRESQL = "CREATE TABLE hosts (host TEXT PRIMARY KEY, pages BIGINT NOT NULL DEFAULT 0,"
            + " delay_ms BIGINT NOT NULL DEFAULT 0, crawl_delay_ms BIGINT NOT NULL DEFAULT -1, deferred TEXT)";
    private static final String OLD_MARIADB = "CREATE TABLE hosts (host VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin"
            + " NOT NULL PRIMARY KEY, pages BIGINT NOT NULL DEFAULT 0, delay_ms BIGINT NOT NULL DEFAULT 0,"
            + " crawl_delay_ms BIGINT NOT NULL DEFAULT -1, deferred TEXT) ENGINE=InnoDB";
    private static final String OLD_ROW = "INSERT INTO hosts (host, pages, delay_ms, crawl_delay_ms, deferred)"
            + " VALUES ('http://old.test', 7, 2000, -1, NULL)";

    private static void roundTrip(String uri) {
        try (Store store = Stores.open(uri)) {
            store.open();
            Batch b = new Batch();
            ROWS.forEach(b::host);
            store.commit(b);
        }
        try (Store store = Stores.open(uri)) {
            store.open();
            assertEquals(ROWS, sorted(store.hosts()));
        }
    }

    private static void upgrade(String uri, String jdbc, String oldDdl) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
            s.execute(oldDdl);
            s.execute(OLD_ROW);
        }
        HostRow old = new HostRow("http://old.test", 7, 2_000, -1, null, 0, -1, null);
        try (Store store = Stores.open(uri)) {
            store.open();
            assertEquals(List.of(old), store.hosts());
            Batch b = new Batch();
            ROWS.forEach(b::host);
            store.commit(b);
        }
        try (Store store = Stores.open(uri)) {
            store.open(); // opened again: nothing to add, nothing lost
            assertEquals(List.of(ROWS.get(0), old, ROWS.get(1)), sorted(store.hosts()));
        }
    }

    private static List<HostRow> sorted(List<HostRow> rows) {
        return rows.stream().sorted(Comparator.comparing(HostRow::host)).toList();
    }

    @Test
    void sqliteKeepsAHostsPace() {
        roundTrip("sqlite:" + dir.resolve("h.db"));
    }

    @Test
    void jsonlKeepsAHostsPace() {
        roundTrip("jsonl:" + dir.resolve("h.jsonl"));
    }

    @Test
    void postgresqlKeepsAHostsPace() throws Exception {
        try (Databases.Db db = Databases.postgres()) {
            roundTrip(db.uri());
        }
    }

    @Test
    void mariadbKeepsAHostsPace() throws Exception {
        try (Databases.Db db = Databases.mariadb()) {
            roundTrip(db.uri());
        }
    }

    @Test
    void anEarlierSqliteHostsTableIsBroughtUpToDate() throws Exception {
        Path file = dir.resolve("old.db");
        upgrade("sqlite:" + file, "jdbc:sqlite:" + file, OLD_SQLITE);
    }

    @Test
    void anEarlierPostgresqlHostsTableIsBroughtUpToDate() throws Exception {
        try (Databases.Db db = Databases.postgres()) {
            upgrade(db.uri(), db.jdbc(), OLD_POSTGRESQL);
        }
    }

    @Test
    void anEarlierMariadbHostsTableIsBroughtUpToDate() throws Exception {
        try (Databases.Db db = Databases.mariadb()) {
            upgrade(db.uri(), db.jdbc(), OLD_MARIADB);
        }
    }
}
