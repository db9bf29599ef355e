package dev.weft.crawler.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressGuardTest {

    private static String kind(String literal) {
        return AddressGuard.kind(InetAddress.ofLiteral(literal));
    }

    @Test
    void theMachinesOwnNetworksAreNotPublic() {
        for (String a : List.of("127.0.0.1", "127.255.255.254", "::1")) {
            assertEquals("loopback", kind(a), a);
        }
        for (String a : List.of("10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1", "fc00::1",
                "fd12:3456::1", "fec0::1")) {
            assertEquals("private", kind(a), a);
        }
        for (String a : List.of("169.254.169.254", "169.254.0.1", "fe80::1", "febf::1")) {
            assertEquals("link-local", kind(a), a);
        }
        for (String a : List.of("0.0.0.0", "0.1.2.3", "::")) {
            assertEquals("unspecified", kind(a), a);
        }
        for (String a : List.of("224.0.0.1", "239.255.255.250", "ff02::1")) {
            assertEquals("multicast", kind(a), a);
        }
        assertEquals("reserved", kind("240.0.0.1"));
        assertEquals("reserved", kind("255.255.255.255"));
    }

    @Test
    void anIpv6AddressCarryingAnIpv4OneIsWhatThatIs() {
        assertEquals("loopback", kind("::ffff:127.0.0.1"));
        assertEquals("link-local", kind("::ffff:169.254.169.254"));
        assertEquals("private", kind("::10.0.0.1"));
        assertEquals("loopback", kind("64:ff9b::7f00:1"));
        assertEquals("link-local", kind("2002:a9fe:a9fe::1"));
        assertNull(kind("::ffff:93.184.216.34"));
    }

    @Test
    void publicAddressesAndTheEdgesOfTheRangesArePublic() {
        for (String a : List.of("93.184.216.34", "8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.0", "100.63.255.255",
                "100.128.0.0", "169.253.255.255", "192.167.255.255", "223.255.255.255", "11.0.0.0",
                "2606:4700:4700::1111", "2001:db8::1", "64:ff9b:1::1")) {
            assertNull(kind(a), a);
            assertTrue(AddressGuard.isPublic(InetAddress.ofLiteral(a)), a);
        }
    }

    @Test
    void aHostWithOnlyNonPublicAddressesIsRefusedAndAMixedOneKeepsItsPublicOnes() throws Exception {
        InetAddress loop = InetAddress.ofLiteral("127.0.0.1");
        InetAddress pub = InetAddress.ofLiteral("93.184.216.34");
        AddressGuard guard = new AddressGuard(host -> switch (host) {
            case "inside.test" -> List.of(loop);
            case "mixed.test" -> List.of(loop, pub);
            default -> List.of(InetAddress.ofLiteral(host));
        }, AddressGuard::isPublic);
        BlockedAddressException e = assertThrows(BlockedAddressException.class, () -> guard.resolve("inside.test"));
        assertEquals("inside.test resolves to 127.0.0.1, which is a loopback address: a crawl of public sites does "
                + "not connect into the machine's own network (--allow-private-addresses allows it)", e.getMessage());
        assertEquals(List.of(pub), guard.resolve("mixed.test"));
        e = assertThrows(BlockedAddressException.class, () -> guard.resolve("169.254.169.254"));
        assertTrue(e.getMessage().startsWith("169.254.169.254 is a link-local address:"), e.getMessage());
        e = assertThrows(BlockedAddressException.class, () -> guard.resolve("::"));
        assertTrue(e.getMessage().startsWith(":: is an unspecified address:"), e.getMessage());
        assertEquals(List.of(pub), guard.resolve("93.184.216.34"));
    }
}
