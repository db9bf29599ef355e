package dev.weft.examples;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The table the jobbole crawler inserts into, behind a HikariCP pool (seed 000's
 * {@code aiomysql.create_pool}): SQLite ({@code sqlite:PATH}) or MySQL/MariaDB
 * ({@code mysql://user[:password]@host[:port]/database}, {@code mariadb://} alike). JDBC
 * blocks, and SQLite's driver is native code that would hold a loop thread, so the crawler
 * calls {@link #insert} through {@code Weft.toThread} (asyncio's {@code run_in_executor}).
 * Thread-safe.
 */
final class ArticleStore implements AutoCloseable {

    static final String TABLE = "jobbole_articles";
    private static final String DDL = "CREATE TABLE IF NOT EXISTS " + TABLE + " (url VARCHAR(500) NOT NULL PRIMARY KEY,"
            + " title VARCHAR(500), price VARCHAR(20), rating VARCHAR(10), image_url VARCHAR(500))";
    // REPLACE INTO is MySQL's upsert, and SQLite understands it too.
    private static final String INSERT = "REPLACE INTO " + TABLE + " (url, title, price, rating, image_url)"
            + " VALUES (?, ?, ?, ?, ?)";

    private final HikariDataSource pool;
    private final String description;

    private ArticleStore(HikariDataSource pool, String description) {
        this.pool = pool;
        this.description = description;
    }

    /**
     * Opens the pool and creates the table if missing.
     *
     * @throws IllegalArgumentException if {@code out} is neither {@code sqlite:} nor {@code mysql://}
     * @throws SQLException if the database cannot be reached or written
     */
    static ArticleStore open(String out, int poolSize) throws SQLException {
        HikariConfig config = new HikariConfig();
        config.setPoolName("jobbole");
        config.setConnectionTimeout(5_000);
        String description;
        if (out.startsWith("sqlite:")) {
            String path = out.substring("sqlite:".length());
            if (path.isEmpty()) {
                throw new IllegalArgumentException("--out sqlite:PATH needs a file, e.g. sqlite:jobbole.db");
            }
            config.setJdbcUrl("jdbc:sqlite:" + path);
            config.setMaximumPoolSize(1); // one writer at a time is all SQLite allows
            description = "SQLite " + path;
        } else if (out.startsWith("mysql://") || out.startsWith("mariadb://")) {
            URI u = URI.create(out);
            if (u.getHost() == null || u.getPath() == null || u.getPath().length() < 2) {
                throw new IllegalArgumentException("--out mysql://user@host:port/database: " + out);
            }
            String userInfo = u.getRawUserInfo() == null ? "root" : u.getRawUserInfo();
            String[] up = userInfo.split(":", 2);
            config.setJdbcUrl("jdbc:mariadb://" + u.getHost() + ":" + (u.getPort() < 0 ? 3306 : u.getPort())
                    + u.getPath());
            config.setUsername(URLDecoder.decode(up[0], StandardCharsets.UTF_8));
            config.setPassword(up.length > 1 ? URLDecoder.decode(up[1], StandardCharsets.UTF_8) : "");
            config.setMaximumPoolSize(poolSize);
            description = "MySQL " + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()) + u.getPath();
        } else {
            throw new IllegalArgumentException("--out is sqlite:PATH or mysql://user@host:port/database, not " + out);
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) { // HikariCP wraps the driver's SQLException
            throw new SQLException("cannot open " + description + ": " + rootMessage(e), e);
        }
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(DDL);
        } catch (SQLException e) {
            pool.close();
            throw e;
        }
        return new ArticleStore(pool, description);
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }

    /** Inserts (or replaces) one article; blocks: call it off the loop. */
    void insert(String url, String title, String price, String rating, String imageUrl) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, url);
            ps.setString(2, title);
            ps.setString(3, price);
            ps.setString(4, rating);
            ps.setString(5, imageUrl);
            ps.executeUpdate();
        }
    }

    /** Every stored title, sorted by URL. */
    List<String> titles() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT title FROM " + TABLE + " ORDER BY url")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return description;
    }

    @Override
    public void close() {
        pool.close();
    }
}
