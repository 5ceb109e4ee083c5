package org.netstack4j.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** For every record type: parse(view(emit(x))).equals(x), and the emitted bytes pass check(). */
class RecordRoundTripProperties {

    private static final int SLACK = 3;   // emit at a non-zero offset to catch relative/absolute index mix-ups

    @Property(tries = 500)
    void ethernet(@ForAll("ethernet") EthernetHeader header, @ForAll @IntRange(max = SLACK) int at) {
        ByteBuf buf = Unpooled.buffer(at + EthernetHeader.LENGTH);
        try {
            header.emit(buf, at);
            EthernetFrame view = new EthernetFrame().wrap(buf, at, EthernetHeader.LENGTH);
            assertNull(view.check());
            assertEquals(header, EthernetHeader.parse(view));
        } finally {
            buf.release();
        }
    }

    @Property(tries = 500)
    void arp(@ForAll("arp") ArpMessage message, @ForAll @IntRange(max = SLACK) int at) {
        ByteBuf buf = Unpooled.buffer(at + ArpPacket.LENGTH);
        try {
            message.emit(buf, at);
            ArpPacket view = new ArpPacket().wrap(buf, at, ArpPacket.LENGTH);
            assertNull(view.check());
            assertEquals(message, ArpMessage.parse(view));
        } finally {
            buf.release();
        }
    }

    @Property(tries = 500)
    void ipv4(@ForAll("ipv4") Ipv4Header header, @ForAll @IntRange(max = SLACK) int at) {
        ByteBuf buf = Unpooled.buffer(at + header.totalLength());
        try {
            header.emit(buf, at);
            Ipv4Packet view = new Ipv4Packet().wrap(buf, at, header.totalLength());
            assertNull(view.check());
            assertEquals(header.headerLength(), view.headerLength());
            assertEquals(header.payloadLength(), view.payloadLength());
            assertEquals(header, Ipv4Header.parse(view));
        } finally {
            buf.release();
        }
    }

    @Property(tries = 500)
    void icmp(@ForAll("icmp") IcmpHeader header, @ForAll byte[] payload, @ForAll @IntRange(max = SLACK) int at) {
        ByteBuf buf = Unpooled.buffer(at + IcmpPacket.HEADER_LENGTH + payload.length);
        try {
            buf.setBytes(at + IcmpPacket.HEADER_LENGTH, payload);
            header.emit(buf, at, payload.length);
            IcmpPacket view = new IcmpPacket().wrap(buf, at, IcmpPacket.HEADER_LENGTH + payload.length);
            assertNull(view.check());
            assertEquals(header, IcmpHeader.parse(view));
        } finally {
            buf.release();
        }
    }

    @Property(tries = 500)
    void udp(@ForAll("udp") UdpHeader header, @ForAll int sourceIp, @ForAll int destinationIp,
             @ForAll @IntRange(max = SLACK) int at) {
        ByteBuf buf = Unpooled.buffer(at + header.length());
        try {
            for (int i = UdpDatagram.HEADER_LENGTH; i < header.length(); i++) {
                buf.setByte(at + i, i * 31 + sourceIp);
            }
            header.emit(buf, at, sourceIp, destinationIp);
            UdpDatagram view = new UdpDatagram().wrap(buf, at, header.length());
            assertNull(view.check());
            assertTrue(view.checksum() != 0, "a sent checksum is never 0");
            assertTrue(view.checksumValid(sourceIp, destinationIp));
            assertEquals(header, UdpHeader.parse(view));
        } finally {
            buf.release();
        }
    }

    @Property(tries = 1000)
    void tcp(@ForAll("tcp") TcpHeader header, @ForAll byte[] payload, @ForAll int sourceIp,
             @ForAll int destinationIp, @ForAll @IntRange(max = SLACK) int at) {
        int length = header.headerLength() + payload.length;
        ByteBuf buf = Unpooled.buffer(at + length);
        try {
            buf.setBytes(at + header.headerLength(), payload);
            header.emit(buf, at, payload.length, sourceIp, destinationIp);
            TcpSegment view = new TcpSegment().wrap(buf, at, length);
            assertNull(view.check());
            assertEquals(header.headerLength(), view.headerLength());
            assertEquals(payload.length, view.payloadLength());
            assertTrue(view.checksumValid(sourceIp, destinationIp));
            assertEquals(header, TcpHeader.parse(view));
        } finally {
            buf.release();
        }
    }

    @Provide
    Arbitrary<EthernetHeader> ethernet() {
        return WireArbitraries.ethernetHeaders();
    }

    @Provide
    Arbitrary<ArpMessage> arp() {
        return WireArbitraries.arpMessages();
    }

    @Provide
    Arbitrary<Ipv4Header> ipv4() {
        return WireArbitraries.ipv4Headers();
    }

    @Provide
    Arbitrary<IcmpHeader> icmp() {
        return WireArbitraries.icmpHeaders();
    }

    @Provide
    Arbitrary<UdpHeader> udp() {
        return WireArbitraries.udpHeaders();
    }

    @Provide
    Arbitrary<TcpHeader> tcp() {
        return WireArbitraries.tcpHeaders();
    }
}
