package org.netstack4j.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** MacAddress, Ipv4Address and Bytes. */
class AddressTest {

    @Test
    void macParseFormatAndBits() {
        MacAddress mac = MacAddress.parse("02:00:5E:10:aB:ff");
        assertEquals(0x02005e10abffL, mac.bits());
        assertEquals("02:00:5e:10:ab:ff", mac.toString());
        assertFalse(mac.isMulticast());
        assertTrue(MacAddress.parse("01:00:5e:00:00:01").isMulticast());
        assertTrue(MacAddress.BROADCAST.isBroadcast());
        assertTrue(MacAddress.BROADCAST.isMulticast());
        assertEquals("00:00:00:00:00:00", MacAddress.ZERO.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "02:00:00:00:00", "02:00:00:00:00:001", "02-00-00-00-00-01", "0g:00:00:00:00:01",
        " 02:00:00:00:00:01", "02:00:00:00:00:01 ", "02:00:00:00:0:001"})
    void macRejectsBadText(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(text));
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void macRejectsBitsAbove48() {
        assertThrows(IllegalArgumentException.class, () -> new MacAddress(1L << 48));
    }

    @Test
    void macReadAndWriteAtAnIndex() {
        Hex.with("aa 02 00 00 00 00 01 bb", buf -> {
            assertEquals(new MacAddress(0x020000000001L), MacAddress.read(buf, 1));
            MacAddress.parse("fe:dc:ba:98:76:54").write(buf, 1);
            assertEquals("aafedcba987654bb", Hex.dump(buf, 0, 8));
            MacAddress.writeBits(buf, 1, MacAddress.BROADCAST.bits());
            assertEquals(MacAddress.MASK, MacAddress.readBits(buf, 1));
        });
    }

    @Property(tries = 300)
    void macTextRoundTrip(@ForAll @LongRange(min = 0, max = 0xFFFF_FFFF_FFFFL) long bits) {
        MacAddress mac = new MacAddress(bits);
        assertEquals(mac, MacAddress.parse(mac.toString()));
    }

    @Test
    void ipv4ParseAndFormat() {
        assertEquals(Ipv4Address.of(192, 168, 1, 10), Ipv4Address.parse("192.168.1.10"));
        assertEquals(0xc0a8010a, Ipv4Address.parse("192.168.1.10").bits());
        assertEquals("255.255.255.255", Ipv4Address.BROADCAST.toString());
        assertEquals("0.0.0.0", Ipv4Address.ANY.toString());
        assertEquals("10.0.0.1", Ipv4Address.toString(0x0a000001));
        assertTrue(Ipv4Address.parse("0.0.0.0").isAny());
        assertTrue(Ipv4Address.parse("255.255.255.255").isBroadcast());
        assertTrue(Ipv4Address.parse("224.0.0.1").isMulticast());
        assertTrue(Ipv4Address.parse("239.255.255.255").isMulticast());
        assertFalse(Ipv4Address.parse("240.0.0.1").isMulticast());
        assertFalse(Ipv4Address.parse("223.255.255.255").isMulticast());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "a.b.c.d", " 1.2.3.4", "1.2.3.4 ",
        "1.2.3.4x", "x1.2.3.4", "1..2.3", "1.2.3.", ".1.2.3", "-1.2.3.4", "+1.2.3.4", "01.2.3.4", "1.2.3.0004",
        "1234.1.1.1", "1,2,3,4"})
    void ipv4RejectsBadText(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(text));
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void ipv4RejectsNull() {
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(null));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.of(1, 2, 3, 256));
    }

    @Test
    void masksAndSubnets() {
        assertEquals(0, Ipv4Address.mask(0));
        assertEquals(0x80000000, Ipv4Address.mask(1));
        assertEquals(0xffffff00, Ipv4Address.mask(24));
        assertEquals(0xffffffff, Ipv4Address.mask(32));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.mask(33));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.mask(-1));
        Ipv4Address a = Ipv4Address.parse("10.0.1.5");
        assertTrue(a.sameSubnet(Ipv4Address.parse("10.0.1.200"), 24));
        assertFalse(a.sameSubnet(Ipv4Address.parse("10.0.2.5"), 24));
        assertTrue(a.sameSubnet(Ipv4Address.parse("10.0.2.5"), 16));
        assertTrue(a.sameSubnet(Ipv4Address.parse("200.1.1.1"), 0));
    }

    @Test
    void jdkConversion() throws Exception {
        Ipv4Address a = Ipv4Address.parse("172.16.0.9");
        assertArrayEquals(new byte[] {(byte) 172, 16, 0, 9}, a.toInetAddress().getAddress());
        assertEquals(a, Ipv4Address.of(InetAddress.getByAddress(new byte[] {(byte) 172, 16, 0, 9})));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.of(InetAddress.getByName("::1")));
    }

    @Property(tries = 300)
    void ipv4TextRoundTrip(@ForAll int bits) {
        Ipv4Address a = new Ipv4Address(bits);
        assertEquals(a, Ipv4Address.parse(a.toString()));
        assertEquals(a, Ipv4Address.of(a.toInetAddress()));
    }

    @Test
    void bytesHaveContentEquality() {
        Bytes a = Bytes.of((byte) 1, (byte) 0xab);
        byte[] raw = {1, (byte) 0xab};
        Bytes b = Bytes.of(raw);
        raw[0] = 9;
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals("01ab", a.toString());
        assertEquals(2, a.length());
        assertEquals((byte) 0xab, a.get(1));
        assertNotEquals(a, Bytes.EMPTY);
        assertEquals(Bytes.EMPTY, Bytes.of());
        assertEquals(a, Bytes.ofHex("01AB"));
        byte[] copy = a.toArray();
        copy[0] = 7;
        assertEquals(1, a.get(0));
        Hex.with("00 11 22 33", buf -> {
            assertEquals(Bytes.ofHex("1122"), Bytes.copyOf(buf, 1, 2));
            assertEquals(Bytes.EMPTY, Bytes.copyOf(buf, 4, 0));
            a.write(buf, 2);
            assertEquals("001101ab", Hex.dump(buf, 0, 4));
        });
    }
}
