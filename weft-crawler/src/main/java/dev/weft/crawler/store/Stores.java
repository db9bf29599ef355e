package dev.weft.crawler.store;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Makes a {@link Store} from a URI:
 *
 * <ul>
 *   <li>{@code sqlite:PATH} — an SQLite file (made if missing);</li>
 *   <li>{@code postgresql://user[:password]@host[:port]/db} (also {@code postgres://}) —
 *       PostgreSQL; without a password in the URI, {@code PGPASSWORD} is used if set;</li>
 *   <li>{@code mysql://user[:password]@host[:port]/db} (also {@code mariadb://}) — MariaDB or
 *       MySQL; without a password, {@code MYSQL_PWD} is used if set;</li>
 *   <li>{@code jsonl:PATH} — one JSON object per page in a file, with the crawl's state beside it
 *       in {@code PATH.state} (SQLite).</li>
 * </ul>
 *
 * Query parameters of the database URIs are passed to the JDBC driver. Stateless.
 */
public final class Stores {

    private Stores() {
    }

    /**
     * A store for a URI; nothing is opened yet.
     *
     * @param uri the store's URI
     * @return the store
     * @throws IllegalArgumentException if the URI is not one of the forms above
     */
    public static Store open(String uri) {
        String u = uri.trim();
        String lower = u.toLowerCase(Locale.ROOT);
        if (lower.startsWith("sqlite:")) {
            String path = sqlitePath(u);
            if (path.isBlank()) {
                throw new IllegalArgumentException("sqlite: needs a file path, e.g. sqlite:crawl.db");
            }
            return SqlStore.sqlite(Path.of(path));
        }
        if (lower.startsWith("jsonl:")) {
            String path = u.substring("jsonl:".length());
            if (path.isBlank()) {
                throw new IllegalArgumentException("jsonl: needs a file path, e.g. jsonl:pages.jsonl");
            }
            return new JsonlStore(Path.of(path));
        }
        if (lower.startsWith("postgresql://") || lower.startsWith("postgres://")) {
            return server(u, SqlDialect.POSTGRESQL, "jdbc:postgresql://", 5432, "PGPASSWORD",
                    "reWriteBatchedInserts=true");
        }
        if (lower.startsWith("mysql://") || lower.startsWith("mariadb://")) {
            return server(u, SqlDialect.MARIADB, "jdbc:mariadb://", 3306, "MYSQL_PWD", "useBulkStmts=true");
        }
        throw new IllegalArgumentException("unknown store '" + uri + "': use sqlite:PATH, jsonl:PATH, "
                + "postgresql://user@host:port/db or mysql://user@host:port/db");
    }

    /**
     * The file a {@code sqlite:} or {@code jsonl:} URI names, without opening or making it (so that a
     * caller can tell a missing file from an empty store).
     *
     * @param uri the store's URI
     * @return the file, or empty for a database server's URI or one without a path
     */
    public static Optional<Path> file(String uri) {
        String u = uri.trim();
        String lower = u.toLowerCase(Locale.ROOT);
        String path = lower.startsWith("sqlite:") ? sqlitePath(u)
                : lower.startsWith("jsonl:") ? u.substring("jsonl:".length()) : "";
        return path.isBlank() ? Optional.empty() : Optional.of(Path.of(path));
    }

    private static String sqlitePath(String u) {
        String path = u.substring("sqlite:".length());
        return path.startsWith("//") ? path.substring(2) : path;
    }

    private static Store server(String uri, SqlDialect dialect, String jdbcPrefix, int defaultPort, String passwordEnv,
            String defaultParams) {
        URI parsed;
        try {
            parsed = URI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid store URI: " + uri + " (" + e.getMessage() + ")", e);
        }
        String host = parsed.getHost();
        String db = parsed.getPath() == null ? "" : parsed.getPath().replaceFirst("^/", "");
        if (host == null || db.isEmpty()) {
            throw new IllegalArgumentException("a database URI needs a host and a database: " + uri
                    + " (e.g. " + parsed.getScheme() + "://user@127.0.0.1:" + defaultPort + "/crawl)");
        }
        int port = parsed.getPort() > 0 ? parsed.getPort() : defaultPort;
        String user = null;
        String password = null;
        if (parsed.getRawUserInfo() != null) {
            String[] ui = parsed.getRawUserInfo().split(":", 2);
            user = URLDecoder.decode(ui[0], StandardCharsets.UTF_8);
            if (ui.length > 1) {
                password = URLDecoder.decode(ui[1], StandardCharsets.UTF_8);
            }
        }
        if (password == null && System.getenv(passwordEnv) != null) {
            password = System.getenv(passwordEnv);
        }
        String params = parsed.getRawQuery() == null ? defaultParams : defaultParams + "&" + parsed.getRawQuery();
        String jdbc = jdbcPrefix + host + ":" + port + "/" + db + "?" + params;
        String shown = parsed.getScheme() + "://" + (user != null ? user + "@" : "") + host + ":" + port + "/" + db;
        return new SqlStore(dialect, shown, jdbc, user, password, List.of());
    }
}
