package dev.weft.net;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * One received UDP datagram (asyncio's {@code datagram_received(data, addr)} arguments).
 *
 * @param data the payload; at most {@link DatagramEndpoint#maxDatagramSize()} bytes
 * @param from the sender's address
 * @param truncated true if the datagram was longer than the endpoint's maximum size and its
 *        tail was dropped
 */
public record Datagram(byte[] data, SocketAddress from, boolean truncated) {

    /**
     * A datagram that was received whole.
     *
     * @param data the bytes
     * @param from the sender's address
     */
    public Datagram(byte[] data, SocketAddress from) {
        this(data, from, false);
    }

    /** {@return the payload decoded as UTF-8} */
    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Datagram[" + data.length + " bytes from " + from + (truncated ? ", truncated" : "") + "]";
    }
}
