package dev.weft.crawler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.crawler.fetch.AddressGuard;
import dev.weft.http.server.Response;
import dev.weft.net.Resolver;
import dev.weft.Weft;
import dev.weft.testing.WeftTest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server-side request forgery: a crawl of public sites steered by a page into the machine's own
 * network. The crawl connected anywhere a link or a redirect led: {@code http://127.0.0.1:PORT/secret},
 * the cloud metadata service at {@code 169.254.169.254}, a public name that resolves to
 * {@code 127.0.0.1}. Now they are refused at connect time, on the resolved address, and stored
 * with a {@code blocked} error; the secret server's own request log is the witness that nothing
 * reached it.
 *
 * <p>The seam: the "public" site is served on {@code 127.0.0.2}, under the name
 * {@code public.test} that the test's resolver maps there, and the test's address policy counts
 * {@code 127.0.0.2} as public (every other address as {@link AddressGuard#isPublic} says). So
 * the seed is, for the crawl, a public site — and {@code 127.0.0.1} is not.
 */
@WeftTest
class AddressGuardCrawlTest {

    @TempDir
    Path dir;

    private static final InetAddress PUBLIC = address("127.0.0.2");

    private static InetAddress address(String literal) {
        return InetAddress.ofLiteral(literal);
    }

    /** {@code public.test} is 127.0.0.2, {@code rebind.test} 127.0.0.1; the rest as the system says. */
    private static final Resolver NAMES = host -> switch (host) {
        case "public.test" -> List.of(PUBLIC);
        case "rebind.test" -> List.of(address("127.0.0.1"));
        case "nowhere.test" -> throw new UnknownHostException(host);
        default -> Resolver.system().resolve(host);
    };

    private static final Predicate<InetAddress> POLICY = a -> a.equals(PUBLIC) || AddressGuard.isPublic(a);

    /** The secret server on 127.0.0.1, and the public site (127.0.0.2) whose page leads there. */
    private record Sites(TestSite secret, TestSite site) implements AutoCloseable {
        String seed() {
            return "http://public.test:" + site.port() + "/";
        }

        @Override
        public void close() {
            site.close();
            secret.close();
        }
    }

    private static Sites sites() throws Exception {
        TestSite secret = TestSite.start();
        secret.html("/secret", "<title>secret</title>").html("/secret2", "<title>secret</title>");
        TestSite site = TestSite.start("127.0.0.2");
        String s = "http://127.0.0.1:" + secret.port();
        site.html("/", "<title>home</title><a href=" + s + "/secret>a</a><a href=http://rebind.test:"
                        + secret.port() + "/secret2>b</a><a href=/r>c</a><a href=/ok>d</a>")
                .page("/r", r -> Response.of(302).header("Location", "http://169.254.169.254/latest/meta-data/"))
                .html("/ok", "<title>ok</title>");
        return new Sites(secret, site);
    }

    private Crawler.Builder crawl(Sites s) {
        return Crawler.builder().seeds(s.seed()).scope(Scope.ANY).store("sqlite:" + dir.resolve("c.db"))
                .delay(Duration.ZERO).addresses(NAMES, POLICY);
    }

    private Map<String, String> errors() {
        Map<String, String> m = new TreeMap<>();
        for (Map<String, Object> r : Sql.sqlite(dir.resolve("c.db"), "SELECT url, error FROM pages")) {
            m.put(r.get("url").toString(), r.get("error") == null ? "" : r.get("error").toString());
        }
        return m;
    }

    @Test
    void aPublicCrawlNeverConnectsToLoopbackLinkLocalOrANameThatResolvesThere() throws Exception {
        try (Sites s = sites()) {
            CrawlStats stats = crawl(s).build().run();
            assertEquals(CrawlStats.State.FINISHED, stats.state());
            assertEquals(0, s.secret().hitCount(), "nothing reached the secret server: " + s.secret().counts());
            Map<String, String> errors = errors();
            String p = ":" + s.secret().port();
            assertEquals("", errors.get(s.seed()));
            assertEquals("", errors.get("http://public.test:" + s.site().port() + "/ok"));
            assertTrue(errors.get("http://127.0.0.1" + p + "/secret").startsWith(
                    "blocked: 127.0.0.1 is a loopback address: a crawl of public sites does not connect into the "
                    + "machine's own network (--allow-private-addresses allows it)"), errors.toString());
            assertTrue(errors.get("http://rebind.test" + p + "/secret2").startsWith(
                    "blocked: rebind.test resolves to 127.0.0.1, which is a loopback address"), errors.toString());
            assertTrue(errors.get("http://public.test:" + s.site().port() + "/r").startsWith(
                    "blocked: 169.254.169.254 is a link-local address"), errors.toString());
            assertEquals(3L, stats.errorsByKind().get("blocked"), stats.errorsByKind().toString());
            assertEquals(0, stats.retries(), "a refusal is not retried");
        }
    }

    /**
     * DNS rebinding: {@code flip.test} resolves to the public address while its first page is
     * read, then to {@code 127.0.0.1} — where a secret server listens on the same port. The
     * next connection (the page asked to close the first) is refused: the check is made on each
     * connection's own answer, not once per name.
     */
    @Test
    void aNameThatFlipsToLoopbackAfterItsFirstPageIsRefusedOnTheNextConnection() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean flipped = new java.util.concurrent.atomic.AtomicBoolean();
        try (TestSite site = TestSite.start("127.0.0.2"); TestSite secret = TestSite.start("127.0.0.1", site.port())) {
            site.page("/", r -> {
                flipped.set(true);
                return Response.html("<title>home</title><a href=/next>next</a>").header("Connection", "close");
            });
            secret.html("/next", "<title>secret</title>");
            Resolver flipping = host -> host.equals("flip.test")
                    ? List.of(flipped.get() ? address("127.0.0.1") : PUBLIC) : NAMES.resolve(host);
            String seed = "http://flip.test:" + site.port() + "/";
            CrawlStats stats = Crawler.builder().seeds(seed).store("sqlite:" + dir.resolve("c.db"))
                    .delay(Duration.ZERO).ignoreRobots(true).addresses(flipping, POLICY).build().run();
            assertEquals(1, site.requests("/"));
            assertEquals(0, secret.hitCount(), "nothing reached the secret server: " + secret.counts());
            assertTrue(errors().get("http://flip.test:" + site.port() + "/next").startsWith(
                    "blocked: flip.test resolves to 127.0.0.1, which is a loopback address"), errors().toString());
            assertEquals(1L, stats.errorsByKind().get("blocked"));
        }
    }

    @Test
    void allowPrivateAddressesLetsTheSameCrawlIn() throws Exception {
        try (Sites s = sites()) {
            crawl(s).allowPrivateAddresses(true).build().run();
            assertEquals(1, s.secret().requests("/secret"));
            assertEquals(1, s.secret().requests("/secret2"));
            assertEquals("", errors().get("http://127.0.0.1:" + s.secret().port() + "/secret"));
        }
    }

    /**
     * Seeds on the machine's own network (the demo, an intranet, every other test) allow it for
     * the crawl: a seed on 127.0.0.1 still reaches a link to 127.0.0.2.
     */
    @Test
    void aSeedOnANonPublicAddressAllowsNonPublicAddresses() throws Exception {
        try (TestSite other = TestSite.start("127.0.0.2"); TestSite site = TestSite.start()) {
            other.html("/there", "<title>there</title>");
            site.html("/", "<title>home</title><a href=" + other.url("/there") + ">there</a>");
            CrawlStats stats = Crawler.builder().seeds(site.url("/")).scope(Scope.ANY)
                    .store("sqlite:" + dir.resolve("c.db")).delay(Duration.ZERO).build().run();
            assertEquals(2, stats.pagesDone());
            assertEquals(Map.of(), stats.errorsByKind());
            assertEquals(1, other.requests("/there"));
        }
    }

    /**
     * The seeds' hosts are looked up at the start to choose the guard; 64 of them, each lookup
     * taking a (virtual) second, went one at a time: the crawl's first request waited 64 s.
     */
    @Test
    void seedHostsAreLookedUpSeveralAtATimeAtTheStart() throws Exception {
        // The first lookup of each host is the start's; the later ones are its connections'.
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger firstLookups = new AtomicInteger();
        AtomicInteger mostFirstLookups = new AtomicInteger();
        try (TestSite site = TestSite.start("127.0.0.2")) {
            Resolver slow = host -> {
                if (!host.endsWith(".seed.test")) {
                    return NAMES.resolve(host);
                }
                boolean first = seen.add(host);
                if (first) {
                    mostFirstLookups.accumulateAndGet(firstLookups.incrementAndGet(), Math::max);
                }
                try {
                    Weft.sleep(Duration.ofSeconds(1));
                } finally {
                    if (first) {
                        firstLookups.decrementAndGet();
                    }
                }
                return List.of(PUBLIC);
            };
            List<String> seeds = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                seeds.add("http://h" + i + ".seed.test:" + site.port() + "/");
            }
            site.html("/", "<title>home</title>");
            CrawlStats stats = Crawler.builder().seeds(seeds).store("sqlite:" + dir.resolve("c.db"))
                    .delay(Duration.ZERO).maxDepth(0).addresses(slow, POLICY).build().run();
            assertEquals(64L, stats.pagesByStatus().get(200), stats.toString());
            assertTrue(mostFirstLookups.get() >= 16, "looked up several at a time, at most: " + mostFirstLookups);
            assertTrue(stats.elapsed().compareTo(Duration.ofSeconds(64)) < 0,
                    "the start did not take a second per seed host: " + stats.elapsed());
        }
    }
}
