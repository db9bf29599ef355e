package dev.weft.crawler.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.weft.crawler.frontier.FrontierEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Store} in an SQL database: SQLite through one connection (WAL journal), PostgreSQL
 * and MariaDB/MySQL through a HikariCP pool; each {@link #commit(Batch)} is one transaction of
 * JDBC batches (upserts keyed by the canonical URL, so that applying a page twice leaves one
 * row). The tables are in {@link SqlDialect} and docs/crawler.md.
 *
 * <p>Not thread-safe: the crawler uses it from its one store thread.
 */
public final class SqlStore implements Store {

    private static final Logger LOG = LoggerFactory.getLogger(SqlStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PAGE_COLUMNS = List.of("url", "final_url", "status", "content_type", "title",
            "depth", "referrer", "fetched_at", "elapsed_ms", "body_bytes", "fields", "error", "redirects", "truncated",
            "canonical");
    private static final List<String> FRONTIER_COLUMNS = List.of("url", "host", "depth", "referrer", "seq");
    private static final List<String> HOST_COLUMNS = List.of("host", "pages", "delay_ms", "crawl_delay_ms", "deferred",
            "concurrency", "refused_ms", "blocked_until");
    private static final List<String> ITEM_COLUMNS = List.of("url", "n", "item");
    private static final List<String> CRAWL_COLUMNS = List.of("id", "state", "seeds", "settings", "next_seq", "stats",
            "started_at", "updated_at", "finished_at");

    /** Extra work done inside a commit's transaction (the JSONL store records its file length). */
    @FunctionalInterface
    public interface InTransaction {
        /**
         * Runs inside the transaction.
         *
         * @param c the connection
         * @throws SQLException to roll the transaction back
         */
        void run(Connection c) throws SQLException;
    }

    private final SqlDialect dialect;
    private final String description;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final List<String> extraDdl;
    private final String pageUpsert;
    private final String frontierInsert;
    private final String hostUpsert;
    private final String itemUpsert;
    private final String crawlUpsert;
    private HikariDataSource pool;
    private Connection single;
    private CrawlLock lock;
    private Path sqliteFile;
    private Object sqliteFileId;

    /**
     * A store; nothing is opened until {@link #open()}.
     *
     * @param dialect     the database engine
     * @param description the URI shown in messages (no password)
     * @param jdbcUrl     the JDBC URL
     * @param user        the user, or null
     * @param password    the password, or null
     * @param extraDdl    more statements to run when opening (the JSONL store's own table)
     */
    public SqlStore(SqlDialect dialect, String description, String jdbcUrl, String user, String password,
            List<String> extraDdl) {
        this.dialect = dialect;
        this.description = description;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.extraDdl = List.copyOf(extraDdl);
        this.pageUpsert = dialect.upsert("pages", "url", PAGE_COLUMNS, List.of("fields"));
        this.frontierInsert = dialect.insertIgnoringUrl("frontier", FRONTIER_COLUMNS);
        this.hostUpsert = dialect.upsert("hosts", "host", HOST_COLUMNS, List.of());
        this.itemUpsert = dialect.upsert("items", "url, n", ITEM_COLUMNS, List.of("item"));
        this.crawlUpsert = dialect.upsert("crawl", "id", CRAWL_COLUMNS, List.of());
    }

    /**
     * An SQLite store in a file.
     *
     * @param path the database file (made if missing; its folder must exist)
     * @return the store
     */
    public static SqlStore sqlite(Path path) {
        return new SqlStore(SqlDialect.SQLITE, "sqlite:" + path, "jdbc:sqlite:" + path, null, null, List.of());
    }

    @Override
    public String describe() {
        return description;
    }

    /** {@return the engine} */
    public SqlDialect dialect() {
        return dialect;
    }

    // ------------------------------------------------------------------ connections

    private Connection connection() throws SQLException {
        if (dialect == SqlDialect.SQLITE) {
            if (single == null) {
                single = DriverManager.getConnection(jdbcUrl);
                try (Statement s = single.createStatement()) {
                    s.execute("PRAGMA busy_timeout = 10000");
                    s.execute("PRAGMA journal_mode = WAL");
                    s.execute("PRAGMA synchronous = NORMAL");
                }
                single.setAutoCommit(false);
            }
            return single;
        }
        if (pool == null) {
            HikariConfig cfg = new HikariConfig();
            cfg.setJdbcUrl(jdbcUrl);
            if (user != null) {
                cfg.setUsername(user);
            }
            if (password != null) {
                cfg.setPassword(password);
            }
            cfg.setPoolName("weft-crawler-store");
            cfg.setMaximumPoolSize(2);
            cfg.setMinimumIdle(1);
            cfg.setAutoCommit(false);
            cfg.setConnectionTimeout(10_000);
            cfg.setInitializationFailTimeout(1); // fail at once (a wrong password, a server that is down)
            try {
                pool = new HikariDataSource(cfg);
            } catch (RuntimeException e) {
                Throwable root = e;
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                throw new SQLException(root.getMessage() == null ? e.getMessage() : root.getMessage(), e);
            }
        }
        return pool.getConnection();
    }

    private void release(Connection c) {
        if (c != null && c != single) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing a pooled connection only fails if the pool is gone
            }
        }
    }

    // ------------------------------------------------------------------ open

    @Override
    public StoredCrawl open() {
        Connection c = null;
        try {
            if (dialect == SqlDialect.SQLITE) {
                Path file = Path.of(jdbcUrl.substring("jdbc:sqlite:".length()));
                Path dir = file.toAbsolutePath().getParent();
                if (dir != null && !Files.isDirectory(dir)) {
                    throw new StoreException("cannot open " + description + ": the folder " + dir + " does not exist");
                }
                if (lock == null) {
                    lock = CrawlLock.sqlite(file, description);
                }
            } else if (lock == null) {
                lock = CrawlLock.server(dialect, jdbcUrl, user, password, description);
            }
            try {
                c = connection();
            } catch (SQLException e) {
                throw new StoreException("cannot connect to " + description + ": " + e.getMessage(), e);
            }
            try (Statement s = c.createStatement()) {
                for (String ddl : dialect.ddl()) {
                    s.execute(ddl);
                }
                for (String ddl : extraDdl) {
                    s.execute(ddl);
                }
                addMissingHostColumns(s);
                if (dialect == SqlDialect.SQLITE) {
                    s.execute("PRAGMA user_version = 1"); // a write: fails now on a read-only file
                }
                c.commit();
                if (dialect == SqlDialect.SQLITE) {
                    sqliteFile = Path.of(jdbcUrl.substring("jdbc:sqlite:".length()));
                    sqliteFileId = FileIdentity.of(sqliteFile);
                }
            } catch (SQLException e) {
                rollback(c);
                throw new StoreException("cannot write to " + description + ": " + e.getMessage(), e);
            }
            return readCrawl(c);
        } catch (SQLException e) {
            throw new StoreException("cannot read " + description + ": " + e.getMessage(), e);
        } finally {
            release(c);
        }
    }

    /** A {@code hosts} table made by an earlier version gets the columns added since. */
    private void addMissingHostColumns(Statement s) throws SQLException {
        Set<String> have = new HashSet<>();
        try (ResultSet rs = s.executeQuery("SELECT * FROM hosts WHERE 1 = 0")) {
            java.sql.ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                have.add(md.getColumnName(i).toLowerCase(java.util.Locale.ROOT));
            }
        }
        for (var column : dialect.addedHostColumns().entrySet()) {
            if (!have.contains(column.getKey())) {
                LOG.info("{}: adding the column hosts.{} (a store made by an earlier version)", description,
                        column.getKey());
                s.execute(column.getValue());
            }
        }
    }

    private StoredCrawl readCrawl(Connection c) throws SQLException {
        long pages;
        long queued;
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM pages")) {
                rs.next();
                pages = rs.getLong(1);
            }
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM frontier")) {
                rs.next();
                queued = rs.getLong(1);
            }
            try (ResultSet rs = s.executeQuery(
                    "SELECT state, seeds, settings, next_seq, stats, started_at FROM crawl WHERE id = 1")) {
                StoredCrawl found;
                if (!rs.next()) {
                    found = new StoredCrawl(StoredCrawl.State.NONE, List.of(), null, 0, null, null, pages, queued);
                } else {
                    List<String> seeds;
                    try {
                        seeds = List.of(JSON.readValue(rs.getString(2), String[].class));
                    } catch (JsonProcessingException e) {
                        seeds = List.of();
                    }
                    String started = rs.getString(6);
                    found = new StoredCrawl(StoredCrawl.State.valueOf(rs.getString(1)), seeds, rs.getString(3),
                            rs.getLong(4), rs.getString(5), started, pages, queued);
                }
                c.commit();
                return found;
            }
        }
    }

    // ------------------------------------------------------------------ commit

    @Override
    public void commit(Batch batch) {
        commit(batch, null);
    }

    /**
     * Applies a batch in one transaction, with more work inside it.
     *
     * @param batch the batch
     * @param extra run inside the transaction after the batch, or null
     * @throws StoreException if it fails (then nothing of it is stored)
     */
    public void commit(Batch batch, InTransaction extra) {
        if (batch.isEmpty() && extra == null) {
            return;
        }
        if (sqliteFile != null) {
            FileIdentity.check(sqliteFile, sqliteFileId, description);
        }
        Connection c = null;
        try {
            c = connection();
            if (batch.crawl() != null && batch.crawl().starting()) {
                try (Statement s = c.createStatement()) {
                    // A new crawl: the state of a previous one goes (its pages stay, upserted over).
                    s.executeUpdate("DELETE FROM frontier");
                    s.executeUpdate("DELETE FROM hosts");
                }
            }
            if (!batch.frontier().isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(frontierInsert)) {
                    for (FrontierEntry e : batch.frontier()) {
                        ps.setString(1, e.url());
                        ps.setString(2, e.origin());
                        ps.setInt(3, e.depth());
                        ps.setString(4, e.referrer());
                        ps.setLong(5, e.seq());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            if (!batch.pages().isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(pageUpsert)) {
                    for (PageRecord p : batch.pages()) {
                        bindPage(ps, p);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                Set<String> withItems = new HashSet<>();
                for (ItemRow i : batch.items()) {
                    withItems.add(i.url());
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM items WHERE url = ?")) {
                    for (String url : withItems) {
                        ps.setString(1, url);
                        ps.addBatch();
                    }
                    if (!withItems.isEmpty()) {
                        ps.executeBatch();
                    }
                }
                if (!batch.items().isEmpty()) {
                    try (PreparedStatement ps = c.prepareStatement(itemUpsert)) {
                        for (ItemRow i : batch.items()) {
                            ps.setString(1, i.url());
                            ps.setInt(2, i.n());
                            ps.setString(3, i.json());
                            ps.addBatch();
                        }
                        ps.executeBatch();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM frontier WHERE url = ?")) {
                    for (PageRecord p : batch.pages()) {
                        ps.setString(1, p.url());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            if (!batch.hosts().isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(hostUpsert)) {
                    for (HostRow h : batch.hosts()) {
                        ps.setString(1, h.host());
                        ps.setLong(2, h.pages());
                        ps.setLong(3, h.delayMs());
                        ps.setLong(4, h.crawlDelayMs());
                        ps.setString(5, h.deferred());
                        ps.setInt(6, h.concurrency());
                        ps.setLong(7, h.refusedMs());
                        dialect.bindTime(ps, 8, h.blockedUntil());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            if (batch.crawl() != null) {
                writeCrawl(c, batch.crawl());
            }
            if (extra != null) {
                extra.run(c);
            }
            c.commit();
        } catch (SQLException e) {
            rollback(c);
            throw new StoreException(writeFailure(c, e), e);
        } catch (RuntimeException | AssertionError e) {
            // AssertionError: the driver's own checks (with -ea) on a connection that broke under it
            rollback(c);
            if (connectionLost(c, e)) {
                throw new StoreException(writeFailure(c, e), e);
            }
            throw e;
        } finally {
            release(c);
        }
    }

    /** What a failed write says: a lost connection in words, with what to do; else the driver's message. */
    private String writeFailure(Connection c, Throwable e) {
        String what = e.getMessage() != null ? e.getMessage() : e.toString();
        if (connectionLost(c, e)) {
            return "cannot write to " + description + ": the connection to the database was lost (" + what
                    + "). Everything committed before stays; run again with --resume once the database is back";
        }
        return "cannot write to " + description + ": " + what;
    }

    /** Whether a failure came from the connection to the database rather than from the SQL. */
    private static boolean connectionLost(Connection c, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.io.IOException
                    || (t instanceof SQLException se && se.getSQLState() != null && se.getSQLState().startsWith("08"))) {
                return true;
            }
        }
        try {
            return c != null && !c.isValid(2);
        } catch (SQLException | RuntimeException x) {
            return true;
        }
    }

    private void bindPage(PreparedStatement ps, PageRecord p) throws SQLException {
        ps.setString(1, p.url());
        ps.setString(2, p.finalUrl());
        if (p.status() == null) {
            ps.setNull(3, java.sql.Types.INTEGER);
        } else {
            ps.setInt(3, p.status());
        }
        ps.setString(4, p.contentType());
        ps.setString(5, p.title());
        ps.setInt(6, p.depth());
        ps.setString(7, p.referrer());
        dialect.bindTime(ps, 8, p.fetchedAt());
        ps.setLong(9, p.elapsedMs());
        ps.setLong(10, p.bodyBytes());
        ps.setString(11, p.fields() == null || p.fields().isEmpty() ? null : json(p.fields()));
        ps.setString(12, p.error());
        ps.setInt(13, p.redirects());
        ps.setBoolean(14, p.truncated());
        ps.setString(15, p.canonical());
    }

    private void writeCrawl(Connection c, Batch.CrawlRow row) throws SQLException {
        Instant now = Instant.now();
        if (row.starting()) {
            try (PreparedStatement ps = c.prepareStatement(crawlUpsert)) {
                ps.setInt(1, 1);
                ps.setString(2, row.state().name());
                ps.setString(3, json(row.seeds()));
                ps.setString(4, row.settings());
                ps.setLong(5, row.nextSeq());
                ps.setString(6, row.stats());
                dialect.bindTime(ps, 7, now);
                dialect.bindTime(ps, 8, now);
                dialect.bindTime(ps, 9, row.state() == StoredCrawl.State.FINISHED ? now : null);
                ps.executeUpdate();
            }
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE crawl SET state = ?, next_seq = ?, stats = ?, updated_at = ?, finished_at = ? WHERE id = 1")) {
            ps.setString(1, row.state().name());
            ps.setLong(2, row.nextSeq());
            ps.setString(3, row.stats());
            dialect.bindTime(ps, 4, now);
            dialect.bindTime(ps, 5, row.state() == StoredCrawl.State.FINISHED ? now : null);
            ps.executeUpdate();
        }
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write as JSON: " + e.getMessage(), e);
        }
    }

    private static void rollback(Connection c) {
        if (c != null) {
            try {
                c.rollback();
            } catch (SQLException e) {
                // the connection is broken: nothing was committed
            }
        }
    }

    // ------------------------------------------------------------------ reads

    @Override
    public List<FrontierEntry> frontier(String host, long afterSeq, int limit) {
        Connection c = null;
        try {
            c = connection();
            List<FrontierEntry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT url, depth, referrer, seq FROM frontier WHERE host = ? AND seq > ? ORDER BY seq LIMIT ?")) {
                ps.setString(1, host);
                ps.setLong(2, afterSeq);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new FrontierEntry(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getLong(4)));
                    }
                }
            }
            c.commit();
            return out;
        } catch (SQLException e) {
            rollback(c);
            throw new StoreException("cannot read the frontier from " + description + ": " + e.getMessage(), e);
        } finally {
            release(c);
        }
    }

    @Override
    public void forEachKnownUrl(Consumer<String> sink) {
        Connection c = null;
        try {
            c = connection();
            for (String table : List.of("pages", "frontier")) {
                try (Statement s = c.createStatement()) {
                    s.setFetchSize(10_000);
                    try (ResultSet rs = s.executeQuery("SELECT url FROM " + table)) {
                        while (rs.next()) {
                            sink.accept(rs.getString(1));
                        }
                    }
                }
            }
            c.commit();
        } catch (SQLException e) {
            rollback(c);
            throw new StoreException("cannot read " + description + ": " + e.getMessage(), e);
        } finally {
            release(c);
        }
    }

    @Override
    public Map<String, Long> queuedByHost() {
        Connection c = null;
        try {
            c = connection();
            Map<String, Long> out = new LinkedHashMap<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT host, COUNT(*) FROM frontier GROUP BY host")) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            c.commit();
            return out;
        } catch (SQLException e) {
            rollback(c);
            throw new StoreException("cannot read " + description + ": " + e.getMessage(), e);
        } finally {
            release(c);
        }
    }

    @Override
    public List<HostRow> hosts() {
        Connection c = null;
        try {
            c = connection();
            List<HostRow> out = new ArrayList<>();
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT host, pages, delay_ms, crawl_delay_ms, deferred, concurrency, refused_ms, blocked_until"
                         + " FROM hosts")) {
                while (rs.next()) {
                    out.add(new HostRow(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
                            rs.getInt(6), rs.getLong(7), dialect.readTime(rs, 8)));
                }
            }
            c.commit();
            return out;
        } catch (SQLException e) {
            rollback(c);
            throw new StoreException("cannot read " + description + ": " + e.getMessage(), e);
        } finally {
            release(c);
        }
    }

    /**
     * Runs a query on the store's connection (for the JSONL store's own table and for tests).
     *
     * @param sql    the query
     * @param reader reads the result
     * @param <T>    what it reads
     * @return what the reader returned
     * @throws StoreException if it fails
     */
    public <T> T query(String sql, ResultReader<T> reader) {
        Connection c = null;
        try {
            c = connection();
            T out;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                out = reader.read(rs);
            }
            c.commit();
            return out;
        } catch (SQLException e) {
            rollback(c);
            throw new StoreException("cannot read " + description + ": " + e.getMessage(), e);
        } finally {
            release(c);
        }
    }

    /**
     * Reads a result set.
     *
     * @param <T> what it reads
     */
    @FunctionalInterface
    public interface ResultReader<T> {
        /**
         * Reads.
         *
         * @param rs the result
         * @return the value
         * @throws SQLException from the driver
         */
        T read(ResultSet rs) throws SQLException;
    }

    @Override
    public void close() {
        if (single != null) {
            try {
                single.close();
            } catch (SQLException e) {
                // nothing uncommitted is left to lose
            }
            single = null;
        }
        if (pool != null) {
            pool.close();
            pool = null;
        }
        if (lock != null) {
            lock.close();
            lock = null;
        }
    }

    @Override
    public String toString() {
        return "SqlStore[" + description + "]";
    }
}
