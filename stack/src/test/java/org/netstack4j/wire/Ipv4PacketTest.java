package org.netstack4j.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Ipv4Packet and Ipv4Header against hand-written bytes (RFC 791 section 3.1). */
class Ipv4PacketTest {

    /**
     * 10.0.0.1 -> 10.0.0.2, TCP, total length 40, id 1c46, DF, TTL 64, followed by 20 payload bytes.
     * Checksum by hand: 4500 + 0028 + 1c46 + 4000 + 4006 + 0000 + 0a00 + 0001 + 0a00 + 0002 = f577 (no carry);
     * ~f577 = 0a88.
     */
    static final String HEADER = "45 00 00 28 | 1c 46 40 00 | 40 06 0a 88 | 0a 00 00 01 | 0a 00 00 02";
    static final String PAYLOAD_20 = "00".repeat(20);

    private static Ipv4Packet view(io.netty.buffer.ByteBuf buf) {
        return new Ipv4Packet().wrap(buf, 0, buf.capacity());
    }

    @Test
    void readsEveryField() {
        Hex.with(HEADER + PAYLOAD_20 + "ee ee", buf -> {   // two bytes of Ethernet padding beyond Total Length
            Ipv4Packet ip = view(buf);
            assertNull(ip.check());
            assertEquals(4, ip.version());
            assertEquals(20, ip.headerLength());
            assertEquals(0, ip.tos());
            assertEquals(40, ip.totalLength());
            assertEquals(0x1c46, ip.identification());
            assertTrue(ip.dontFragment());
            assertFalse(ip.moreFragments());
            assertEquals(0, ip.fragmentOffset());
            assertFalse(ip.isFragment());
            assertEquals(64, ip.ttl());
            assertEquals(Ipv4Packet.PROTO_TCP, ip.protocol());
            assertEquals(0x0a88, ip.headerChecksum());
            assertEquals(0x0a000001, ip.source());
            assertEquals(0x0a000002, ip.destination());
            assertEquals(20, ip.payloadOffset());
            assertEquals(20, ip.payloadLength());
            assertEquals(0, ip.optionsLength());
            assertEquals(new Ipv4Header(0, 40, 0x1c46, true, false, 0, 64, 6, Ipv4Address.parse("10.0.0.1"),
                    Ipv4Address.parse("10.0.0.2"), Bytes.EMPTY), Ipv4Header.parse(ip));
        });
    }

    @Test
    void emitWritesTheSameBytes() {
        Ipv4Header header = new Ipv4Header(0, 40, 0x1c46, true, false, 0, 64, 6, Ipv4Address.parse("10.0.0.1"),
                Ipv4Address.parse("10.0.0.2"), Bytes.EMPTY);
        Hex.withZeroed(20, buf -> {
            header.emit(buf, 0);
            assertEquals(Hex.norm(HEADER), Hex.dump(buf, 0, 20));
        });
    }

    @Test
    void optionsAndFragmentFields() {
        // IHL 6 with one option word (NOP NOP NOP EOL), total 28, id 0001, MF, offset 0x00b9 units = 1480 bytes,
        // TTL 1, UDP, 192.168.0.1 -> 192.168.0.255.
        // Sum: 4600 + 001c + 0001 + 20b9 + 0111 + c0a8 + 0001 + c0a8 + 00ff + 0101 + 0100 = 1ec38 -> ec39;
        // ~ec39 = 13c6.
        String hex = "46 00 00 1c 00 01 20 b9 01 11 13 c6 c0 a8 00 01 c0 a8 00 ff 01 01 01 00" + "ab cd ef 01";
        Hex.with(hex, buf -> {
            Ipv4Packet ip = view(buf);
            assertNull(ip.check());
            assertEquals(24, ip.headerLength());
            assertTrue(ip.moreFragments());
            assertEquals(1480, ip.fragmentOffset());
            assertTrue(ip.isFragment());
            assertEquals(4, ip.payloadLength());
            assertEquals(24, ip.payloadOffset());
            Ipv4Header h = Ipv4Header.parse(ip);
            assertEquals(Bytes.ofHex("01010100"), h.options());
            assertEquals(1480, h.fragmentOffset());
            Hex.withZeroed(24, out -> {
                h.emit(out, 0);
                assertEquals(Hex.dump(buf, 0, 24), Hex.dump(out, 0, 24));
            });
        });
    }

    @Test
    void malformedPackets() {
        byte[] good = Hex.bytes(HEADER + PAYLOAD_20);
        assertError(WireError.TRUNCATED, java.util.Arrays.copyOf(good, 19));
        assertError(WireError.BAD_VERSION, patch(good, 0, 0x65));
        // IHL 4, below the minimum of 5.
        assertError(WireError.BAD_HEADER_LENGTH, patch(good, 0, 0x44));
        // IHL 15 = 60 bytes, but only 40 are available.
        assertError(WireError.BAD_HEADER_LENGTH, patch(good, 0, 0x4f));
        // IHL 15 with only 20 bytes available (no payload at all).
        assertError(WireError.BAD_HEADER_LENGTH, patch(java.util.Arrays.copyOf(good, 20), 0, 0x4f));
        // Total length 19 < header length 20.
        assertError(WireError.BAD_TOTAL_LENGTH, patch(good, 3, 19));
        // Total length 41 > 40 bytes available.
        assertError(WireError.BAD_TOTAL_LENGTH, patch(good, 3, 41));
        // Total length 0x0128 = 296 > 40 bytes available.
        assertError(WireError.BAD_TOTAL_LENGTH, patch(good, 2, 1));
        // Fragment offset 0x1fff units = 65528 bytes plus 20 payload bytes runs past 65535.
        assertError(WireError.BAD_LENGTH, patch(patch(good, 6, 0x1f), 7, 0xff));
        // Checksum off by one.
        assertError(WireError.BAD_CHECKSUM, patch(good, 11, 0x89));
    }

    private static byte[] patch(byte[] bytes, int index, int value) {
        byte[] copy = bytes.clone();
        copy[index] = (byte) value;
        return copy;
    }

    @Test
    void fragmentEndingExactlyAt65535IsFine() {
        // offset 0x1ffe units = 65520 bytes + 15 payload bytes = 65535.
        Ipv4Header h = new Ipv4Header(0, 35, 7, false, false, 65520, 9, 17, Ipv4Address.ANY, Ipv4Address.BROADCAST,
                Bytes.EMPTY);
        Hex.withZeroed(35, buf -> {
            h.emit(buf, 0);
            assertNull(view(buf).check());
            assertEquals(h, Ipv4Header.parse(view(buf)));
        });
        assertThrows(IllegalArgumentException.class, () -> new Ipv4Header(0, 36, 7, false, false, 65520, 9, 17,
                Ipv4Address.ANY, Ipv4Address.BROADCAST, Bytes.EMPTY));
    }

    @Test
    void settersAndFillChecksum() {
        Hex.with(HEADER + PAYLOAD_20, buf -> {
            Ipv4Packet ip = view(buf);
            ip.setTtl(63);
            assertEquals(WireError.BAD_CHECKSUM, ip.check());
            // RFC 1624 incremental update of the TTL/protocol word, 4006 -> 3f06 (see InternetChecksumTest).
            ip.setHeaderChecksum(InternetChecksum.adjust(ip.headerChecksum(), 0x4006, 0x3f06));
            assertNull(ip.check());
            assertEquals(0x0b88, ip.headerChecksum());
            ip.setSource(0xc0a80001);
            ip.setDestination(0xc0a80002);
            ip.fillChecksum();
            assertNull(ip.check());
            assertEquals(0xc0a80001, ip.source());
            assertEquals(0xc0a80002, ip.destination());
        });
    }

    @Test
    void recordValidation() {
        Ipv4Address a = Ipv4Address.ANY;
        assertThrows(IllegalArgumentException.class,
                () -> new Ipv4Header(256, 20, 0, false, false, 0, 1, 6, a, a, Bytes.EMPTY));
        assertThrows(IllegalArgumentException.class,
                () -> new Ipv4Header(0, 19, 0, false, false, 0, 1, 6, a, a, Bytes.EMPTY));
        assertThrows(IllegalArgumentException.class,
                () -> new Ipv4Header(0, 20, 0, false, false, 4, 1, 6, a, a, Bytes.EMPTY));
        assertThrows(IllegalArgumentException.class,
                () -> new Ipv4Header(0, 23, 0, false, false, 0, 1, 6, a, a, Bytes.ofHex("010101")));
        assertThrows(IllegalArgumentException.class,
                () -> new Ipv4Header(0, 70, 0, false, false, 0, 1, 6, a, a, Bytes.of(new byte[44])));
        assertThrows(IllegalArgumentException.class,
                () -> new Ipv4Header(0, 65536, 0, false, false, 0, 1, 6, a, a, Bytes.EMPTY));
    }

    private static void assertError(WireError expected, byte[] bytes) {
        Hex.with(bytes, buf -> {
            Ipv4Packet ip = view(buf);
            assertEquals(expected, ip.check());
            if (expected != WireError.BAD_CHECKSUM) {
                assertEquals(expected, assertThrows(WireFormatException.class, () -> Ipv4Header.parse(ip)).error());
            }
        });
    }
}
