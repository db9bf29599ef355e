package dev.weft.crawler.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The SQL that differs between SQLite, PostgreSQL and MariaDB/MySQL: the tables (the exact DDL
 * that docs/crawler.md shows), the upserts, and how timestamps and JSON are bound. Immutable.
 */
public enum SqlDialect {

    /** SQLite 3.24+ (xerial sqlite-jdbc). */
    SQLITE(List.of("""
            CREATE TABLE IF NOT EXISTS pages (
              url          TEXT PRIMARY KEY,
              final_url    TEXT,
              status       INTEGER,
              content_type TEXT,
              title        TEXT,
              depth        INTEGER NOT NULL,
              referrer     TEXT,
              fetched_at   TEXT NOT NULL,
              elapsed_ms   INTEGER NOT NULL,
              body_bytes   INTEGER NOT NULL,
              fields       TEXT,
              error        TEXT,
              redirects    INTEGER NOT NULL DEFAULT 0,
              truncated    INTEGER NOT NULL DEFAULT 0,
              canonical    TEXT
            ) WITHOUT ROWID""", """
            CREATE TABLE IF NOT EXISTS frontier (
              url      TEXT PRIMARY KEY,
              host     TEXT NOT NULL,
              depth    INTEGER NOT NULL,
              referrer TEXT,
              seq      INTEGER NOT NULL
            ) WITHOUT ROWID""",
            "CREATE INDEX IF NOT EXISTS frontier_host_seq ON frontier (host, seq)", """
            CREATE TABLE IF NOT EXISTS hosts (
              host           TEXT PRIMARY KEY,
              pages          INTEGER NOT NULL DEFAULT 0,
              delay_ms       INTEGER NOT NULL DEFAULT 0,
              crawl_delay_ms INTEGER NOT NULL DEFAULT -1,
              deferred       TEXT,
              concurrency    INTEGER NOT NULL DEFAULT 0,
              refused_ms     INTEGER NOT NULL DEFAULT -1,
              blocked_until  TEXT
            )""", """
            CREATE TABLE IF NOT EXISTS items (
              url  TEXT NOT NULL,
              n    INTEGER NOT NULL,
              item TEXT NOT NULL,
              PRIMARY KEY (url, n)
            )""", """
            CREATE TABLE IF NOT EXISTS crawl (
              id          INTEGER PRIMARY KEY,
              state       TEXT NOT NULL,
              seeds       TEXT NOT NULL,
              settings    TEXT,
              next_seq    INTEGER NOT NULL,
              stats       TEXT,
              started_at  TEXT NOT NULL,
              updated_at  TEXT NOT NULL,
              finished_at TEXT
            )"""), "ON CONFLICT (%s) DO UPDATE SET ", "excluded.%s", "ON CONFLICT (url) DO NOTHING", "?"),

    /** PostgreSQL 12+ (pgjdbc through HikariCP). */
    POSTGRESQL(List.of("""
            CREATE TABLE IF NOT EXISTS pages (
              url          TEXT PRIMARY KEY,
              final_url    TEXT,
              status       INTEGER,
              content_type TEXT,
              title        TEXT,
              depth        INTEGER NOT NULL,
              referrer     TEXT,
              fetched_at   TIMESTAMPTZ NOT NULL,
              elapsed_ms   BIGINT NOT NULL,
              body_bytes   BIGINT NOT NULL,
              fields       JSONB,
              error        TEXT,
              redirects    INTEGER NOT NULL DEFAULT 0,
              truncated    BOOLEAN NOT NULL DEFAULT FALSE,
              canonical    TEXT
            )""", """
            CREATE TABLE IF NOT EXISTS frontier (
              url      TEXT PRIMARY KEY,
              host     TEXT NOT NULL,
              depth    INTEGER NOT NULL,
              referrer TEXT,
              seq      BIGINT NOT NULL
            )""",
            "CREATE INDEX IF NOT EXISTS frontier_host_seq ON frontier (host, seq)", """
            CREATE TABLE IF NOT EXISTS hosts (
              host           TEXT PRIMARY KEY,
              pages          BIGINT NOT NULL DEFAULT 0,
              delay_ms       BIGINT NOT NULL DEFAULT 0,
              crawl_delay_ms BIGINT NOT NULL DEFAULT -1,
              deferred       TEXT,
              concurrency    INTEGER NOT NULL DEFAULT 0,
              refused_ms     BIGINT NOT NULL DEFAULT -1,
              blocked_until  TIMESTAMPTZ
            )""", """
            CREATE TABLE IF NOT EXISTS items (
              url  TEXT NOT NULL,
              n    INTEGER NOT NULL,
              item JSONB NOT NULL,
              PRIMARY KEY (url, n)
            )""", """
            CREATE TABLE IF NOT EXISTS crawl (
              id          INTEGER PRIMARY KEY,
              state       TEXT NOT NULL,
              seeds       TEXT NOT NULL,
              settings    TEXT,
              next_seq    BIGINT NOT NULL,
              stats       TEXT,
              started_at  TIMESTAMPTZ NOT NULL,
              updated_at  TIMESTAMPTZ NOT NULL,
              finished_at TIMESTAMPTZ
            )"""), "ON CONFLICT (%s) DO UPDATE SET ", "excluded.%s", "ON CONFLICT (url) DO NOTHING", "CAST(? AS JSONB)"),

    /**
     * MariaDB 10.5+ and MySQL 8 (MariaDB Connector/J through HikariCP). URLs are ASCII (the
     * canonical form guarantees it) in a binary collation, so that keys are case-sensitive and
     * fit InnoDB's 3,072-byte index limit.
     */
    MARIADB(List.of("""
            CREATE TABLE IF NOT EXISTS pages (
              url          VARCHAR(2048) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
              final_url    TEXT CHARACTER SET ascii COLLATE ascii_bin,
              status       INT,
              content_type VARCHAR(255),
              title        TEXT,
              depth        INT NOT NULL,
              referrer     TEXT CHARACTER SET ascii COLLATE ascii_bin,
              fetched_at   DATETIME(3) NOT NULL,
              elapsed_ms   BIGINT NOT NULL,
              body_bytes   BIGINT NOT NULL,
              fields       JSON,
              error        TEXT,
              redirects    INT NOT NULL DEFAULT 0,
              truncated    BOOLEAN NOT NULL DEFAULT FALSE,
              canonical    TEXT CHARACTER SET ascii COLLATE ascii_bin
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin""", """
            CREATE TABLE IF NOT EXISTS frontier (
              url      VARCHAR(2048) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
              host     VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
              depth    INT NOT NULL,
              referrer TEXT CHARACTER SET ascii COLLATE ascii_bin,
              seq      BIGINT NOT NULL,
              INDEX frontier_host_seq (host, seq)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin""", """
            CREATE TABLE IF NOT EXISTS hosts (
              host           VARCHAR(300) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
              pages          BIGINT NOT NULL DEFAULT 0,
              delay_ms       BIGINT NOT NULL DEFAULT 0,
              crawl_delay_ms BIGINT NOT NULL DEFAULT -1,
              deferred       TEXT,
              concurrency    INT NOT NULL DEFAULT 0,
              refused_ms     BIGINT NOT NULL DEFAULT -1,
              blocked_until  DATETIME(3)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin""", """
            CREATE TABLE IF NOT EXISTS items (
              url  VARCHAR(2048) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
              n    INT NOT NULL,
              item JSON NOT NULL,
              PRIMARY KEY (url, n)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin""", """
            CREATE TABLE IF NOT EXISTS crawl (
              id          INT NOT NULL PRIMARY KEY,
              state       VARCHAR(16) NOT NULL,
              seeds       MEDIUMTEXT NOT NULL,
              settings    MEDIUMTEXT,
              next_seq    BIGINT NOT NULL,
              stats       MEDIUMTEXT,
              started_at  DATETIME(3) NOT NULL,
              updated_at  DATETIME(3) NOT NULL,
              finished_at DATETIME(3)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"""),
            "ON DUPLICATE KEY UPDATE ", "VALUES(%s)", "ON DUPLICATE KEY UPDATE url = url", "?");

    private final List<String> ddl;
    private final String upsertHead;
    private final String newValue;
    private final String insertIgnore;
    private final String jsonParam;

    SqlDialect(List<String> ddl, String upsertHead, String newValue, String insertIgnore, String jsonParam) {
        this.ddl = ddl;
        this.upsertHead = upsertHead;
        this.newValue = newValue;
        this.insertIgnore = insertIgnore;
        this.jsonParam = jsonParam;
    }

    /** {@return the statements that create the tables (each {@code IF NOT EXISTS})} */
    public List<String> ddl() {
        return ddl;
    }

    /**
     * The columns of {@code hosts} added after its first release, each with the statement that
     * adds it to a table made before: a store made by an earlier version is brought up to date
     * when it is opened (a column added this way has its default, as the DDL above gives it).
     *
     * @return column name to {@code ALTER TABLE} statement, in the order of the DDL
     */
    java.util.SequencedMap<String, String> addedHostColumns() {
        String bigint = this == SQLITE ? "INTEGER" : "BIGINT";
        String time = switch (this) {
            case SQLITE -> "TEXT";
            case POSTGRESQL -> "TIMESTAMPTZ";
            case MARIADB -> "DATETIME(3)";
        };
        java.util.SequencedMap<String, String> added = new java.util.LinkedHashMap<>();
        added.put("concurrency", "ALTER TABLE hosts ADD COLUMN concurrency "
                + (this == MARIADB ? "INT" : "INTEGER") + " NOT NULL DEFAULT 0");
        added.put("refused_ms", "ALTER TABLE hosts ADD COLUMN refused_ms " + bigint + " NOT NULL DEFAULT -1");
        added.put("blocked_until", "ALTER TABLE hosts ADD COLUMN blocked_until " + time);
        return added;
    }

    /**
     * An upsert: insert a row, or update every non-key column of the existing one.
     *
     * @param table   the table
     * @param key     the key columns, comma-separated
     * @param columns every column, in the order of the parameters
     * @param json    the columns holding JSON
     * @return the SQL
     */
    String upsert(String table, String key, List<String> columns, List<String> json) {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" (")
                .append(String.join(", ", columns)).append(") VALUES (");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i > 0 ? ", " : "").append(json.contains(columns.get(i)) ? jsonParam : "?");
        }
        sql.append(") ").append(this == MARIADB ? upsertHead : String.format(upsertHead, key));
        List<String> keys = List.of(key.split(",\\s*"));
        boolean first = true;
        for (String c : columns) {
            if (!keys.contains(c)) {
                sql.append(first ? "" : ", ").append(c).append(" = ").append(String.format(newValue, c));
                first = false;
            }
        }
        return sql.toString();
    }

    /**
     * An insert that leaves an existing row with the same {@code url} alone.
     *
     * @param table   the table
     * @param columns every column, in the order of the parameters
     * @return the SQL
     */
    String insertIgnoringUrl(String table, List<String> columns) {
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + "?, ".repeat(columns.size() - 1) + "?) " + insertIgnore;
    }

    /**
     * Binds a timestamp: ISO-8601 text in SQLite, {@code TIMESTAMPTZ} in PostgreSQL,
     * {@code DATETIME(3)} in UTC in MariaDB.
     *
     * @param ps the statement
     * @param i  the parameter index
     * @param t  the instant, or null
     * @throws SQLException from the driver
     */
    void bindTime(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(i, this == SQLITE ? java.sql.Types.VARCHAR : java.sql.Types.TIMESTAMP);
            return;
        }
        Instant ms = t.truncatedTo(ChronoUnit.MILLIS);
        switch (this) {
            case SQLITE -> ps.setString(i, isoMillis(ms));
            case POSTGRESQL -> ps.setObject(i, OffsetDateTime.ofInstant(ms, ZoneOffset.UTC));
            case MARIADB -> ps.setObject(i, LocalDateTime.ofInstant(ms, ZoneOffset.UTC));
            default -> throw new AssertionError(this);
        }
    }

    /**
     * Reads a timestamp bound by {@link #bindTime}.
     *
     * @param rs the result set
     * @param i  the column index
     * @return the instant, or null
     * @throws SQLException from the driver, or if SQLite's text is not a timestamp
     */
    Instant readTime(java.sql.ResultSet rs, int i) throws SQLException {
        switch (this) {
            case SQLITE -> {
                String text = rs.getString(i);
                try {
                    return text == null ? null : Instant.parse(text);
                } catch (java.time.format.DateTimeParseException e) {
                    throw new SQLException("not a timestamp: " + text, e);
                }
            }
            case POSTGRESQL -> {
                OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
                return t == null ? null : t.toInstant();
            }
            case MARIADB -> {
                LocalDateTime t = rs.getObject(i, LocalDateTime.class);
                return t == null ? null : t.toInstant(ZoneOffset.UTC);
            }
            default -> throw new AssertionError(this);
        }
    }

    /** Always three digits of milliseconds, so that the text sorts as the instants do. */
    private static final java.time.format.DateTimeFormatter ISO_MILLIS =
            java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * An instant as stored in SQLite and JSONL: ISO-8601 UTC with exactly three digits of
     * milliseconds ({@code 2026-01-31T12:00:00.000Z}, never {@code …12:00:00Z} as
     * {@link Instant#toString()} writes a whole second), so that text order is time order.
     *
     * @param t the instant
     * @return its text
     */
    static String isoMillis(Instant t) {
        return ISO_MILLIS.format(t.truncatedTo(ChronoUnit.MILLIS));
    }
}
