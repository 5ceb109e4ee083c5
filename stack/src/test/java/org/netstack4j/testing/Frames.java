package org.netstack4j.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.netstack4j.wire.ArpMessage;
import org.netstack4j.wire.Bytes;
import org.netstack4j.wire.EthernetFrame;
import org.netstack4j.wire.EthernetHeader;
import org.netstack4j.wire.IcmpHeader;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv4Header;
import org.netstack4j.wire.Ipv4Packet;
import org.netstack4j.wire.MacAddress;
import org.netstack4j.wire.UdpHeader;

/** Builds frames for tests that play a peer, with the wire records (so tests share the one emitter). */
public final class Frames {
    private Frames() {
    }

    /** An Ethernet frame around {@code payload}. */
    public static ByteBuf ethernet(MacAddress dst, MacAddress src, int type, byte[] payload) {
        ByteBuf f = Unpooled.buffer(EthernetFrame.HEADER_LENGTH + payload.length);
        new EthernetHeader(dst, src, type).emit(f, 0);
        f.writerIndex(EthernetFrame.HEADER_LENGTH);
        f.writeBytes(payload);
        return f;
    }

    /** An ARP packet in an Ethernet frame. */
    public static ByteBuf arp(MacAddress ethDst, ArpMessage m) {
        ByteBuf f = Unpooled.buffer(42);
        new EthernetHeader(ethDst, m.senderHardware(), EthernetFrame.TYPE_ARP).emit(f, 0);
        m.emit(f, EthernetFrame.HEADER_LENGTH);
        f.writerIndex(42);
        return f;
    }

    /** An IPv4 packet (header as given, payload after it) in an Ethernet frame. */
    public static ByteBuf ipv4(MacAddress dst, MacAddress src, Ipv4Header h, byte[] payload) {
        ByteBuf f = Unpooled.buffer(EthernetFrame.HEADER_LENGTH + h.headerLength() + payload.length);
        new EthernetHeader(dst, src, EthernetFrame.TYPE_IPV4).emit(f, 0);
        h.emit(f, EthernetFrame.HEADER_LENGTH);
        f.writerIndex(EthernetFrame.HEADER_LENGTH + h.headerLength());
        f.writeBytes(payload);
        return f;
    }

    /** One fragment of a datagram: {@code data} at byte {@code offset} of the payload. */
    public static ByteBuf fragment(MacAddress dst, MacAddress src, Ipv4Address from, Ipv4Address to, int protocol,
                                   int id, int offset, boolean more, byte[] data) {
        Ipv4Header h = new Ipv4Header(0, Ipv4Packet.MIN_HEADER_LENGTH + data.length, id, false, more, offset, 64,
                protocol, from, to, Bytes.EMPTY);
        return ipv4(dst, src, h, data);
    }

    /** A UDP datagram with a correct checksum as IPv4 payload bytes. */
    public static byte[] udp(Ipv4Address from, int fromPort, Ipv4Address to, int toPort, byte[] data) {
        ByteBuf b = Unpooled.buffer(8 + data.length);
        try {
            b.setBytes(8, data);
            new UdpHeader(fromPort, toPort, 8 + data.length).emit(b, 0, from.bits(), to.bits());
            b.writerIndex(8 + data.length);
            byte[] out = new byte[b.readableBytes()];
            b.getBytes(0, out);
            return out;
        } finally {
            b.release();
        }
    }

    /** An ICMP message with a correct checksum as IPv4 payload bytes. */
    public static byte[] icmp(IcmpHeader h, byte[] data) {
        ByteBuf b = Unpooled.buffer(8 + data.length);
        try {
            b.setBytes(8, data);
            h.emit(b, 0, data.length);
            b.writerIndex(8 + data.length);
            byte[] out = new byte[b.readableBytes()];
            b.getBytes(0, out);
            return out;
        } finally {
            b.release();
        }
    }

    /** The readable bytes of {@code buf}, which is released. */
    public static byte[] drain(ByteBuf buf) {
        try {
            byte[] out = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), out);
            return out;
        } finally {
            buf.release();
        }
    }
}
