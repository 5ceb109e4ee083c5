package org.netstack4j.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** IcmpPacket/IcmpHeader (RFC 792) and UdpDatagram/UdpHeader (RFC 768) against hand-written bytes. */
class IcmpUdpTest {

    /**
     * Echo request, id 1234, seq 1, data "abcd". Checksum by hand: 0800 + 0000 + 1234 + 0001 + 6162 + 6364 = defb;
     * ~defb = 2104.
     */
    static final String ECHO = "08 00 21 04 | 12 34 00 01 | 61 62 63 64";

    static final int SRC = 0x0a000001;
    static final int DST = 0x0a000002;

    /**
     * 10.0.0.1:12345 -> 10.0.0.2:53, length 12, data "abcd". Checksum by hand:
     * pseudo-header 0a00 + 0001 + 0a00 + 0002 + 0011 + 000c = 1420; header 3039 + 0035 + 000c + 0000 = 307a;
     * data 6162 + 6364 = c4c6; 1420 + 307a + c4c6 = 10960 -> 0961; ~0961 = f69e.
     */
    static final String UDP = "30 39 00 35 | 00 0c f6 9e | 61 62 63 64";

    @Test
    void readsAnEchoRequest() {
        Hex.with(ECHO, buf -> {
            IcmpPacket icmp = new IcmpPacket().wrap(buf, 0, buf.capacity());
            assertNull(icmp.check());
            assertEquals(IcmpPacket.TYPE_ECHO_REQUEST, icmp.type());
            assertEquals(0, icmp.code());
            assertEquals(0x2104, icmp.checksum());
            assertEquals(0x12340001, icmp.restOfHeader());
            assertEquals(0x1234, icmp.identifier());
            assertEquals(1, icmp.sequence());
            assertEquals(8, icmp.payloadOffset());
            assertEquals(4, icmp.payloadLength());
            IcmpHeader h = IcmpHeader.parse(icmp);
            assertEquals(IcmpHeader.echoRequest(0x1234, 1), h);
            assertEquals(0x1234, h.identifier());
            assertEquals(1, h.sequence());
        });
    }

    @Test
    void turnsARequestIntoAReplyInPlace() {
        // Echo reply: type 0; 0000 + 0000 + 1234 + 0001 + 6162 + 6364 = d6fb; ~d6fb = 2904.
        Hex.with(ECHO, buf -> {
            IcmpPacket icmp = new IcmpPacket().wrap(buf, 0, buf.capacity());
            icmp.setType(IcmpPacket.TYPE_ECHO_REPLY);
            assertEquals(WireError.BAD_CHECKSUM, icmp.check());
            icmp.fillChecksum();
            assertNull(icmp.check());
            assertEquals(0x2904, icmp.checksum());
        });
        Hex.with(ECHO, buf -> {
            IcmpHeader.echoReply(0x1234, 1).emit(buf, 0, 4);
            assertEquals(Hex.norm("00 00 29 04 12 34 00 01 61 62 63 64"), Hex.dump(buf, 0, 12));
        });
    }

    @Test
    void fragmentationNeededCarriesTheMtu() {
        Hex.withZeroed(8, buf -> {
            IcmpHeader.fragmentationNeeded(1400).emit(buf, 0, 0);
            IcmpPacket icmp = new IcmpPacket().wrap(buf, 0, 8);
            assertNull(icmp.check());
            assertEquals(IcmpPacket.TYPE_DEST_UNREACHABLE, icmp.type());
            assertEquals(IcmpPacket.CODE_FRAGMENTATION_NEEDED, icmp.code());
            assertEquals(1400, icmp.nextHopMtu());
        });
    }

    @Test
    void malformedIcmp() {
        Hex.with("08 00 21 04 12 34 00", buf -> {
            IcmpPacket icmp = new IcmpPacket().wrap(buf, 0, buf.capacity());
            assertEquals(WireError.TRUNCATED, icmp.check());
            assertEquals(WireError.TRUNCATED,
                    assertThrows(WireFormatException.class, () -> IcmpHeader.parse(icmp)).error());
        });
        Hex.with(ECHO.replace("64", "65"), buf ->
                assertEquals(WireError.BAD_CHECKSUM, new IcmpPacket().wrap(buf, 0, buf.capacity()).check()));
        // Odd length: the trailing byte is padded with zero: 0800 + ff00 = 10700 -> 0701; ~0701 = f8fe.
        Hex.with("08 00 00 00 00 00 00 00 ff", buf -> {
            IcmpPacket icmp = new IcmpPacket().wrap(buf, 0, buf.capacity());
            icmp.fillChecksum();
            assertEquals(0xf8fe, icmp.checksum());
            assertNull(icmp.check());
        });
        assertThrows(IllegalArgumentException.class, () -> new IcmpHeader(256, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> IcmpHeader.echoRequest(0x10000, 0));
    }

    @Test
    void readsAUdpDatagram() {
        Hex.with(UDP + "ee ee", buf -> {   // two bytes beyond the Length field are ignored
            UdpDatagram udp = new UdpDatagram().wrap(buf, 0, buf.capacity());
            assertNull(udp.check());
            assertEquals(12345, udp.sourcePort());
            assertEquals(53, udp.destinationPort());
            assertEquals(12, udp.lengthField());
            assertEquals(0xf69e, udp.checksum());
            assertEquals(8, udp.payloadOffset());
            assertEquals(4, udp.payloadLength());
            assertTrue(udp.checksumValid(SRC, DST));
            assertFalse(udp.checksumValid(SRC, DST + 1));
            assertEquals(new UdpHeader(12345, 53, 12), UdpHeader.parse(udp));
        });
    }

    @Test
    void emitsAUdpDatagram() {
        Hex.with("00 00 00 00 00 00 00 00 61 62 63 64", buf -> {
            new UdpHeader(12345, 53, 12).emit(buf, 0, SRC, DST);
            assertEquals(Hex.norm(UDP), Hex.dump(buf, 0, 12));
        });
    }

    @Test
    void zeroChecksumMeansNoneAndComputedZeroIsSentAsOnes() {
        Hex.with("30 39 00 35 00 0c 00 00 61 62 63 64", buf ->
                assertTrue(new UdpDatagram().wrap(buf, 0, 12).checksumValid(SRC, DST)));
        // Length 10, data word w: pseudo 0a00 + 0001 + 0a00 + 0002 + 0011 + 000a = 141e, header 3039 + 0035 + 000a
        // = 3078, so the sum is 4496 + w; w = bb69 makes it ffff and the computed checksum 0000.
        Hex.with("30 39 00 35 00 0a 00 00 bb 69", buf -> {
            UdpDatagram udp = new UdpDatagram().wrap(buf, 0, 10);
            udp.fillChecksum(SRC, DST);
            assertEquals(0xffff, udp.checksum());
            assertTrue(udp.checksumValid(SRC, DST));
        });
    }

    @Test
    void malformedUdp() {
        Hex.with("30 39 00 35 00 0c f6", buf -> assertEquals(WireError.TRUNCATED,
                new UdpDatagram().wrap(buf, 0, buf.capacity()).check()));
        for (String length : new String[] {"00 00", "00 07", "00 0d", "ff ff"}) {
            Hex.with("30 39 00 35" + length + "f6 9e 61 62 63 64", buf -> {
                UdpDatagram udp = new UdpDatagram().wrap(buf, 0, buf.capacity());
                assertEquals(WireError.BAD_LENGTH, udp.check());
                assertEquals(WireError.BAD_LENGTH,
                        assertThrows(WireFormatException.class, () -> UdpHeader.parse(udp)).error());
            });
        }
        assertThrows(IllegalArgumentException.class, () -> new UdpHeader(0, 65536, 8));
        assertThrows(IllegalArgumentException.class, () -> new UdpHeader(0, 0, 7));
    }
}
