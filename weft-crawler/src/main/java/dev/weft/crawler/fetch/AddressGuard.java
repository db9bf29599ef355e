package dev.weft.crawler.fetch;

import dev.weft.net.Resolver;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Keeps a crawl of public sites out of the machine's own network (server-side request forgery):
 * a {@link Resolver} that gives the connection only the public addresses of a host, so a link,
 * a redirect, or a public name that resolves to a loopback, private, link-local (among them the
 * cloud metadata service, {@code 169.254.169.254}), unspecified, multicast or reserved address
 * is refused before a packet is sent. It sits where the HTTP client turns a host into the
 * addresses it then connects to ({@code ClientSession.Builder.resolver}), so the check is on
 * the addresses actually used — a name that resolves to a public address when a page is read
 * and to {@code 127.0.0.1} when a link to it is fetched (DNS rebinding) is refused too — and
 * an address literal in a URL ({@code http://127.0.0.1/}, {@code http://[::1]/}) is resolved,
 * and so checked, like a name. A refusal is a {@link BlockedAddressException}.
 *
 * <p>Of a name with public and non-public addresses, only the public ones are connected to.
 * Stateless apart from its two parts; thread-safe if they are.
 */
public final class AddressGuard implements Resolver {

    private final Resolver names;
    private final Predicate<InetAddress> isPublic;

    /**
     * A guard over a resolver.
     *
     * @param names    resolves host names (and address literals)
     * @param isPublic which addresses may be connected to: {@link #isPublic(InetAddress)}, or in
     *                 a test one that also lets a chosen loopback address pass for a public one
     */
    public AddressGuard(Resolver names, Predicate<InetAddress> isPublic) {
        this.names = Objects.requireNonNull(names, "names");
        this.isPublic = Objects.requireNonNull(isPublic, "isPublic");
    }

    @Override
    public List<InetAddress> resolve(String host) throws IOException {
        List<InetAddress> all = names.resolve(host);
        List<InetAddress> kept = new ArrayList<>(all.size());
        for (InetAddress a : all) {
            if (isPublic.test(a)) {
                kept.add(a);
            }
        }
        if (kept.isEmpty()) {
            if (all.isEmpty()) {
                throw new UnknownHostException(host);
            }
            throw new BlockedAddressException(host, all.getFirst(), kind(all.getFirst()));
        }
        return kept;
    }

    /**
     * Whether an address is on the public internet: none of those {@link #kind} names.
     *
     * @param a the address
     * @return true if a crawl of public sites may connect to it
     */
    public static boolean isPublic(InetAddress a) {
        return kind(a) == null;
    }

    /**
     * What kind of non-public address this is, for messages; null for a public one.
     *
     * <ul>
     *   <li>unspecified: {@code 0.0.0.0/8}, {@code ::};</li>
     *   <li>loopback: {@code 127.0.0.0/8}, {@code ::1};</li>
     *   <li>private: {@code 10.0.0.0/8}, {@code 172.16.0.0/12}, {@code 192.168.0.0/16} (RFC 1918),
     *       {@code 100.64.0.0/10} (shared, carrier-grade NAT), {@code fc00::/7} (unique local),
     *       {@code fec0::/10} (the old site-local);</li>
     *   <li>link-local: {@code 169.254.0.0/16} (the cloud metadata service among them),
     *       {@code fe80::/10};</li>
     *   <li>multicast: {@code 224.0.0.0/4}, {@code ff00::/8};</li>
     *   <li>reserved: {@code 240.0.0.0/4} and the broadcast address.</li>
     * </ul>
     * An IPv6 address that carries an IPv4 one (IPv4-mapped {@code ::ffff:a.b.c.d}, IPv4-compatible
     * {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::a.b.c.d}, 6to4 {@code 2002:AABB:CCDD::}) is what its
     * IPv4 address is.
     *
     * @param a the address
     * @return {@code "loopback"}, {@code "private"}, {@code "link-local"}, {@code "unspecified"},
     *         {@code "multicast"} or {@code "reserved"}; null if public
     */
    public static String kind(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return kind4(b);
        }
        if (!(a instanceof Inet6Address)) {
            return "reserved";
        }
        boolean zeros80 = true;
        for (int i = 0; i < 10; i++) {
            zeros80 &= b[i] == 0;
        }
        if (zeros80 && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0))) {
            if (b[10] == 0) { // ::a.b.c.d, or :: and ::1
                boolean upper = b[12] == 0 && b[13] == 0 && b[14] == 0;
                if (upper && b[15] == 0) {
                    return "unspecified";
                }
                if (upper && b[15] == 1) {
                    return "loopback";
                }
            }
            return kind4(new byte[] {b[12], b[13], b[14], b[15]});
        }
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b) {
            boolean zeros = true;
            for (int i = 4; i < 12; i++) {
                zeros &= b[i] == 0;
            }
            if (zeros) { // 64:ff9b::/96, NAT64
                return kind4(new byte[] {b[12], b[13], b[14], b[15]});
            }
        }
        if (b[0] == 0x20 && b[1] == 0x02) { // 2002::/16, 6to4
            return kind4(new byte[] {b[2], b[3], b[4], b[5]});
        }
        int first = b[0] & 0xff;
        if (first == 0xff) {
            return "multicast";
        }
        if ((first & 0xfe) == 0xfc || (first == 0xfe && (b[1] & 0xc0) == 0xc0)) {
            return "private"; // fc00::/7; fec0::/10
        }
        if (first == 0xfe && (b[1] & 0xc0) == 0x80) {
            return "link-local"; // fe80::/10
        }
        return null;
    }

    private static String kind4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        if (a0 == 0) {
            return "unspecified";
        }
        if (a0 == 127) {
            return "loopback";
        }
        if (a0 == 10 || (a0 == 172 && a1 >= 16 && a1 <= 31) || (a0 == 192 && a1 == 168)
                || (a0 == 100 && a1 >= 64 && a1 <= 127)) {
            return "private";
        }
        if (a0 == 169 && a1 == 254) {
            return "link-local";
        }
        if (a0 >= 224 && a0 <= 239) {
            return "multicast";
        }
        if (a0 >= 240) {
            return "reserved"; // 240.0.0.0/4, 255.255.255.255
        }
        return null;
    }
}
