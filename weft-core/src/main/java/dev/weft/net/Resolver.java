package dev.weft.net;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * Turns a host name into addresses for {@link Streams#openConnection}. Called in a task; an
 * implementation may park it but must never block the loop thread (the JDK's own resolver
 * does, which is why {@link #system()} runs it on another thread).
 */
@FunctionalInterface
public interface Resolver {

    /**
     * The addresses of {@code host}, in the order the name service gave them.
     *
     * @param host the host name or address
     * @return the addresses of {@code host}, in the order the name service gave them
     * @throws java.net.UnknownHostException if the name does not resolve
     */
    List<InetAddress> resolve(String host) throws IOException;

    /**
     * The default resolver: the JDK's name service run off the loop, with answers cached for
     * 10 seconds (aiohttp's {@code ttl_dns_cache}) and concurrent lookups of one name merged
     * into one. Address literals are never looked up.
     *
     * @return the default resolver: the JDK's name service run off the loop, with answers cached for 10 seconds (aiohttp's {@code ttl_dns_cache}) and concurrent lookups of one name merged into one
     */
    static Resolver system() {
        return CachingResolver.SYSTEM;
    }

    /**
     * A caching resolver over the JDK's name service with its own time-to-live.
     *
     * @param ttl how long an answer is kept
     * @return a caching resolver over the JDK's name service with its own time-to-live
     */
    static Resolver caching(Duration ttl) {
        return new CachingResolver(ttl, System::nanoTime, CachingResolver::lookUpWithJdk);
    }
}
