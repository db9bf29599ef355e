package dev.weft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.testing.WeftTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 §3: a JDBC driver's blocking call (PostgreSQL's, over a java.net socket) under a
 * Weft timeout: the interrupt ends it, the driver's exception for it is the timeout, and the
 * connection is left usable or closed, never stuck. Uses the local PostgreSQL (database
 * {@code test}); creates nothing in it.
 */
@WeftTest(virtualClock = false)
class JdbcTimeoutTest {

    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";

    @BeforeAll
    static void postgresIsUp() throws Exception {
        if (reachable() == null) {
            return;
        }
        // Down: start it as the working notes say, then ask again.
        Process start = new ProcessBuilder("bash", "-c",
                "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start").redirectErrorStream(true).start();
        String out = new String(start.getInputStream().readAllBytes());
        start.waitFor();
        SQLException still = reachable();
        Assumptions.assumeTrue(still == null, "PostgreSQL at 127.0.0.1:5432 is unreachable (" + still
                + ") and could not be started (" + out.strip() + "): JdbcTimeoutTest skipped");
    }

    private static SQLException reachable() {
        try (Connection c = DriverManager.getConnection(URL, "postgres", "")) {
            return null;
        } catch (SQLException e) {
            return e;
        }
    }

    @Test
    void aPgSleepUnderA100MillisecondTimeoutEndsInTimeoutExceptionAndTheConnectionIsUsableOrClosed() throws Exception {
        try (Connection c = DriverManager.getConnection(URL, "postgres", "")) {
            TimeoutException e = assertThrows(TimeoutException.class, () -> Weft.withTimeout(Duration.ofMillis(100), () -> {
                try (Statement st = c.createStatement()) {
                    st.execute("select pg_sleep(10)");
                }
            }));
            assertTrue(Task.causedByInterrupt(e.getCause()), "the driver's failure came from the interrupt: " + e.getCause());
            assertEquals(0, Task.current().cancelling());
            // Never stuck: closed, or answering at once (bounded, so a stuck connection fails here).
            if (!c.isClosed()) {
                int one = Weft.withTimeout(Duration.ofSeconds(10), () -> {
                    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select 1")) {
                        rs.next();
                        return rs.getInt(1);
                    }
                });
                assertEquals(1, one);
            }
        }
        // And the task goes on using JDBC: a new connection works.
        try (Connection c = DriverManager.getConnection(URL, "postgres", "");
                Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select 2")) {
            assertTrue(rs.next());
            assertEquals(2, rs.getInt(1));
        }
    }
}
