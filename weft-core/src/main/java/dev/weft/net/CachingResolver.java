package dev.weft.net;

import dev.weft.Future;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongSupplier;

/**
 * A {@link Resolver} that runs a blocking lookup on a small pool of virtual threads (on the
 * JDK's own scheduler, never a loop) and caches answers for a time-to-live. Thread-safe: one
 * instance serves every loop.
 */
final class CachingResolver implements Resolver {

    /** A blocking name lookup, such as {@link InetAddress#getAllByName}. */
    @FunctionalInterface
    interface Lookup {
        List<InetAddress> lookUp(String host) throws Exception;
    }

    static final Resolver SYSTEM = new CachingResolver(Duration.ofSeconds(10), System::nanoTime,
            CachingResolver::lookUpWithJdk);

    private static final ExecutorService LOOKUPS = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("weft-dns-", 0).factory());

    private record Entry(List<InetAddress> addresses, long expiresAtNanos) {
    }

    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final Lookup lookup;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CompletableFuture<List<InetAddress>>> inFlight = new ConcurrentHashMap<>();

    CachingResolver(Duration ttl, LongSupplier nanoTime, Lookup lookup) {
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
        this.lookup = lookup;
    }

    static List<InetAddress> lookUpWithJdk(String host) throws UnknownHostException {
        return Arrays.asList(InetAddress.getAllByName(host));
    }

    @Override
    public List<InetAddress> resolve(String host) throws IOException {
        InetAddress literal = literal(host);
        if (literal != null) {
            return List.of(literal);
        }
        String key = host.toLowerCase(java.util.Locale.ROOT);
        Entry e = cache.get(key);
        if (e != null && nanoTime.getAsLong() - e.expiresAtNanos < 0) {
            return e.addresses;
        }
        CompletableFuture<List<InetAddress>> mine = new CompletableFuture<>();
        CompletableFuture<List<InetAddress>> running = inFlight.putIfAbsent(key, mine);
        if (running == null) {
            running = mine;
            LOOKUPS.execute(() -> {
                try {
                    List<InetAddress> found = List.copyOf(lookup.lookUp(host));
                    if (found.isEmpty()) {
                        throw new UnknownHostException(host + ": no addresses");
                    }
                    if (ttlNanos > 0) {
                        cache.put(key, new Entry(found, nanoTime.getAsLong() + ttlNanos));
                    }
                    inFlight.remove(key, mine);
                    mine.complete(found);
                } catch (Throwable t) {
                    inFlight.remove(key, mine); // before completing: a retry must look up again
                    mine.completeExceptionally(t);
                }
            });
        }
        try {
            return Future.of(running).await();
        } catch (dev.weft.TaskFailedException wrapped) {
            throw wrapped.rethrowIoCause();
        }
    }

    /** The address if {@code host} is an IPv4 or IPv6 literal, else null (no lookup). */
    static InetAddress literal(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.isEmpty() || !(Character.digit(h.charAt(0), 16) >= 0 || h.charAt(0) == ':')) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(h);
        } catch (IllegalArgumentException notLiteral) {
            return null;
        }
    }
}
