package org.netstack4j.cli;

import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.MacAddress;

/**
 * The default MAC of a stack: {@code 02:00} followed by the four bytes of its IPv4 address, e.g.
 * {@code 02:00:0a:4d:00:02} for 10.77.0.2. The 02 marks it locally administered and unicast (IEEE 802), so it
 * cannot clash with a vendor-assigned MAC, and the same address always gets the same MAC, which keeps
 * recorded captures replayable.
 */
public final class LocalMac {
    private LocalMac() {
    }

    /** The MAC derived from {@code address}. */
    public static MacAddress forAddress(Ipv4Address address) {
        return new MacAddress(0x0200_0000_0000L | (address.bits() & 0xFFFF_FFFFL));
    }
}
