package org.netstack4j.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** EthernetFrame/EthernetHeader and ArpPacket/ArpMessage against hand-written bytes. */
class EthernetArpTest {

    /** A broadcast ARP request "who has 10.0.0.2? tell 10.0.0.1" from 02:00:00:00:00:01 (RFC 826 layout). */
    static final String ARP_REQUEST_FRAME = ""
            + "ff ff ff ff ff ff | 02 00 00 00 00 01 | 08 06"   // Ethernet: dst, src, EtherType ARP
            + "00 01 | 08 00 | 06 | 04 | 00 01"                 // htype 1, ptype IPv4, hlen 6, plen 4, request
            + "02 00 00 00 00 01 | 0a 00 00 01"                 // sender MAC, 10.0.0.1
            + "00 00 00 00 00 00 | 0a 00 00 02"                 // target MAC unknown, 10.0.0.2
            + "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"; // padding to 60 bytes

    @Test
    void readsAnEthernetHeader() {
        Hex.with(ARP_REQUEST_FRAME, buf -> {
            EthernetFrame frame = new EthernetFrame().wrap(buf, 0, buf.capacity());
            assertNull(frame.check());
            assertEquals(MacAddress.BROADCAST.bits(), frame.destination());
            assertEquals(0x020000000001L, frame.source());
            assertEquals(EthernetFrame.TYPE_ARP, frame.etherType());
            assertEquals(14, frame.payloadOffset());
            assertEquals(46, frame.payloadLength());
            assertEquals(new EthernetHeader(MacAddress.BROADCAST, MacAddress.parse("02:00:00:00:00:01"), 0x0806),
                    EthernetHeader.parse(frame));
        });
    }

    @Test
    void ethernetTruncated() {
        Hex.with("ff ff ff ff ff ff 02 00 00 00 00 01 08", buf -> {
            EthernetFrame frame = new EthernetFrame().wrap(buf, 0, buf.capacity());
            assertEquals(WireError.TRUNCATED, frame.check());
            WireFormatException e = assertThrows(WireFormatException.class, () -> EthernetHeader.parse(frame));
            assertEquals(WireError.TRUNCATED, e.error());
        });
    }

    @Test
    void wrapRejectsARangeOutsideTheBuffer() {
        Hex.with("00 00 00", buf -> {
            assertThrows(IndexOutOfBoundsException.class, () -> new EthernetFrame().wrap(buf, 1, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> new EthernetFrame().wrap(buf, -1, 1));
        });
    }

    @Test
    void ethernetSettersAndEmitAtAnOffset() {
        Hex.withZeroed(16, buf -> {
            EthernetFrame frame = new EthernetFrame().wrap(buf, 2, 14);
            frame.setDestination(0x0a0b0c0d0e0fL);
            frame.setSource(0x010203040506L);
            frame.setEtherType(EthernetFrame.TYPE_IPV6);
            assertEquals("00000a0b0c0d0e0f01020304050686dd", Hex.dump(buf, 0, 16));
            new EthernetHeader(MacAddress.parse("0a:0b:0c:0d:0e:0f"), MacAddress.parse("01:02:03:04:05:06"),
                    0x0800).emit(buf, 2);
            assertEquals("00000a0b0c0d0e0f0102030405060800", Hex.dump(buf, 0, 16));
        });
    }

    @Test
    void readsAnArpRequest() {
        Hex.with(ARP_REQUEST_FRAME, buf -> {
            ArpPacket arp = new ArpPacket().wrap(buf, 14, buf.capacity() - 14);
            assertNull(arp.check());
            assertEquals(ArpPacket.OP_REQUEST, arp.operation());
            assertEquals(0x020000000001L, arp.senderHardware());
            assertEquals(0x0a000001, arp.senderProtocol());
            assertEquals(0L, arp.targetHardware());
            assertEquals(0x0a000002, arp.targetProtocol());
            ArpMessage message = ArpMessage.parse(arp);
            assertEquals(ArpMessage.request(MacAddress.parse("02:00:00:00:00:01"), Ipv4Address.parse("10.0.0.1"),
                    Ipv4Address.parse("10.0.0.2")), message);
        });
    }

    @Test
    void emitsAnArpReply() {
        ArpMessage request = ArpMessage.request(MacAddress.parse("02:00:00:00:00:01"),
                Ipv4Address.parse("10.0.0.1"), Ipv4Address.parse("10.0.0.2"));
        ArpMessage reply = request.replyFrom(MacAddress.parse("02:00:00:00:00:02"));
        Hex.withZeroed(28, buf -> {
            reply.emit(buf, 0);
            assertEquals(Hex.norm("00 01 08 00 06 04 00 02 | 02 00 00 00 00 02 0a 00 00 02"
                    + "02 00 00 00 00 01 0a 00 00 01"), Hex.dump(buf, 0, 28));
        });
    }

    @Test
    void arpMalformed() {
        String good = "00 01 08 00 06 04 00 01 020000000001 0a000001 000000000000 0a000002";
        Hex.with(good.substring(0, good.length() - 2), buf ->
                assertEquals(WireError.TRUNCATED, new ArpPacket().wrap(buf, 0, buf.capacity()).check()));
        for (String bad : new String[] {
            "00 06 08 00 06 04",   // htype IEEE 802
            "00 01 86 dd 06 04",   // ptype IPv6
            "00 01 08 00 08 04",   // hlen 8
            "00 01 08 00 06 10"}) { // plen 16
            Hex.with(bad + good.substring(17), buf -> {
                ArpPacket arp = new ArpPacket().wrap(buf, 0, buf.capacity());
                assertEquals(WireError.BAD_HARDWARE_TYPE, arp.check());
                assertEquals(WireError.BAD_HARDWARE_TYPE,
                        assertThrows(WireFormatException.class, () -> ArpMessage.parse(arp)).error());
            });
        }
    }
}
