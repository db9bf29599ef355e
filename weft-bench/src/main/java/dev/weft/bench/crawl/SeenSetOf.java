package dev.weft.bench.crawl;

import dev.weft.crawler.frontier.Sieve;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * What the seen set of a crawl stored in SQLite costs: rebuilds the crawl's {@link Sieve} from
 * its admitted URLs ({@code pages ∪ frontier}), as {@code --resume} does, and prints one JSON line
 * with the URLs, the bytes of the sieve's tables (and how many of them are on the heap) and the
 * bytes per URL. The sieve grows by segment as its segments fill, so the same URLs give the same
 * tables as in the crawl itself.
 *
 * <pre>java -cp … dev.weft.bench.crawl.SeenSetOf DB_FILE</pre>
 */
public final class SeenSetOf {

    private SeenSetOf() {
    }

    /**
     * Runs it.
     *
     * @param args the SQLite file of a crawl
     * @throws SQLException if it cannot be read
     */
    public static void main(String[] args) throws SQLException {
        Sieve sieve = Sieve.mapped(null, 0); // as the crawler keeps it
        long rows = 0;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT url FROM pages UNION ALL SELECT url FROM frontier")) {
            while (rs.next()) {
                sieve.add(rs.getString(1));
                rows++;
            }
        }
        System.out.printf(Locale.ROOT, "{\"urls\": %d, \"rows\": %d, \"bytes\": %d, \"heap_bytes\": %d,"
                + " \"bytes_per_url\": %.2f, \"where\": \"%s\"}%n", sieve.size(), rows, sieve.memoryBytes(),
                sieve.heapBytes(), (double) sieve.memoryBytes() / Math.max(1, sieve.size()), sieve.where());
        sieve.close();
    }
}
