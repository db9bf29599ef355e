package dev.weft.crawler.fetch;

import java.io.IOException;
import java.net.InetAddress;

/**
 * A connection the {@link AddressGuard} refused: the host resolves only to addresses of the
 * machine's own network (loopback, private, link-local, ...), and the crawl may not go there.
 * Nothing was sent. Stored as a {@link ErrorKind#BLOCKED} error, not retried.
 */
public final class BlockedAddressException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The host refused (a name, or an address literal). */
    private final String host;
    /** Its first address. */
    private final transient InetAddress address;

    /**
     * A refusal.
     *
     * @param host    the host of the URL (a name or an address literal)
     * @param address the (first) address it resolved to
     * @param kind    what kind of address that is ({@link AddressGuard#kind})
     */
    public BlockedAddressException(String host, InetAddress address, String kind) {
        super(describe(host, address) + (kind.matches("[aeiou].*") ? " is an " : " is a ") + kind + " address: a crawl of public sites does not connect into "
                + "the machine's own network (--allow-private-addresses allows it)");
        this.host = host;
        this.address = address;
    }

    private static String describe(String host, InetAddress address) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean literal = h.indexOf(':') >= 0 || h.chars().allMatch(c -> c == '.' || Character.isDigit(c));
        return literal ? h : host + " resolves to " + address.getHostAddress() + ", which";
    }

    /** {@return the host refused (a name, or an address literal)} */
    public String host() {
        return host;
    }

    /** {@return the (first) address it resolved to} */
    public InetAddress address() {
        return address;
    }
}
