package dev.weft.crawler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Throwaway databases on the machine's real PostgreSQL (127.0.0.1:5432, user postgres, trust)
 * and MariaDB (127.0.0.1:3306, root, no password): each test gets a database of its own, named
 * uniquely, dropped afterwards, so that tests running at the same time never meet. If a server
 * does not answer, {@code scripts/services start} is run once (as {@code ./weft test} does).
 */
final class Databases {

    static final String PG_ADMIN = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    static final String MARIA_ADMIN = "jdbc:mariadb://127.0.0.1:3306/test?user=root";
    private static volatile boolean servicesStarted;

    private Databases() {
    }

    /** A database of its own on one server; close drops it. */
    record Db(String kind, String name, String uri, String jdbc, String user) implements AutoCloseable {
        @Override
        public void close() {
            String admin = kind.equals("postgresql") ? PG_ADMIN : MARIA_ADMIN;
            String sql = kind.equals("postgresql") ? "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"
                    : "DROP DATABASE IF EXISTS " + name;
            try {
                execute(admin, sql);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot drop " + name + ": " + e.getMessage(), e);
            }
        }
    }

    static Db postgres() throws SQLException {
        String name = uniqueName();
        execute(PG_ADMIN, "CREATE DATABASE " + name);
        return new Db("postgresql", name, "postgresql://postgres@127.0.0.1:5432/" + name,
                "jdbc:postgresql://127.0.0.1:5432/" + name + "?user=postgres", "postgres");
    }

    static Db mariadb() throws SQLException {
        String name = uniqueName();
        execute(MARIA_ADMIN, "CREATE DATABASE " + name);
        return new Db("mysql", name, "mysql://root@127.0.0.1:3306/" + name,
                "jdbc:mariadb://127.0.0.1:3306/" + name + "?user=root", "root");
    }

    private static String uniqueName() {
        return ("weft_crawl_" + ProcessHandle.current().pid() + "_"
                + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)).toLowerCase(Locale.ROOT);
    }

    static void execute(String jdbc, String sql) throws SQLException {
        try {
            run(jdbc, sql);
        } catch (SQLException first) {
            if (servicesStarted || !startServices()) {
                throw first;
            }
            run(jdbc, sql);
        }
    }

    private static void run(String jdbc, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbc); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Runs scripts/services start, found above the working directory. */
    private static synchronized boolean startServices() {
        servicesStarted = true;
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isExecutable(dir.resolve("scripts/services"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(dir.resolve("scripts/services").toString(), "start").inheritIO().start();
            return p.waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
