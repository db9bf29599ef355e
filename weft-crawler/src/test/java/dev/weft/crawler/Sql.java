package dev.weft.crawler;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads stores in tests through plain JDBC (from a plain thread or a task: the driver blocks briefly). */
final class Sql {

    private Sql() {
    }

    static List<Map<String, Object>> rows(String jdbcUrl, String user, String password, String sql) {
        try (Connection c = user == null ? DriverManager.getConnection(jdbcUrl)
                : DriverManager.getConnection(jdbcUrl, user, password);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<Map<String, Object>> out = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= n; i++) {
                    row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rs.getObject(i));
                }
                out.add(row);
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Map<String, Object>> sqlite(java.nio.file.Path db, String sql) {
        return rows("jdbc:sqlite:" + db, null, null, sql);
    }

    static long count(java.nio.file.Path db, String sql) {
        return ((Number) sqlite(db, sql).getFirst().values().iterator().next()).longValue();
    }
}
