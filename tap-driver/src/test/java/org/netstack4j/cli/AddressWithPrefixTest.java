package org.netstack4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.netstack4j.wire.Ipv4Address;

/** Parsing of {@code a.b.c.d/p} and the default MAC. */
class AddressWithPrefixTest {

    @Test
    void parsesAddressAndPrefix() {
        AddressWithPrefix a = AddressWithPrefix.parse("10.77.0.2/24");
        assertEquals(Ipv4Address.parse("10.77.0.2"), a.address());
        assertEquals(24, a.prefixLength());
        assertEquals("10.77.0.0", a.network().toString());
        assertEquals("10.77.0.255", a.broadcast().toString());
        assertTrue(a.contains(Ipv4Address.parse("10.77.0.200")));
        assertFalse(a.contains(Ipv4Address.parse("10.77.1.1")));
        assertEquals("10.77.0.2/24", a.toString());
        assertEquals(32, AddressWithPrefix.parse("1.2.3.4/32").prefixLength());
        assertEquals(0, AddressWithPrefix.parse("1.2.3.4/0").prefixLength());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.300/24", "10.0.0.1/33", "10.0.0.1", "10.0.0.1/", "10.0.0.1/-1", "10.0.0.1/2 4",
            "/24", "10.0.0/24", "10.0.0.1/24/1", "10.0.0.1/0024"})
    void rejectsBadInput(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AddressWithPrefix.parse(text));
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void defaultMacIsLocallyAdministeredAndFollowsTheAddress() {
        assertEquals("02:00:0a:4d:00:02", LocalMac.forAddress(Ipv4Address.parse("10.77.0.2")).toString());
        assertEquals("02:00:c0:a8:01:fe", LocalMac.forAddress(Ipv4Address.parse("192.168.1.254")).toString());
    }
}
