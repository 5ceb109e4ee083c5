package org.netstack4j.tracediff;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Optional;
import org.netstack4j.wire.Ipv4Address;
import org.netstack4j.wire.Ipv4Packet;
import org.netstack4j.wire.TcpHeader;
import org.netstack4j.wire.TcpSegment;

/**
 * One TCP segment of a capture, as the comparison needs it: who sent it to whom, its header, and how many payload
 * bytes it carried (from the IP total length, so a short snap length does not matter).
 */
public record TcpPacket(long timeMicros, Ipv4Address source, Ipv4Address destination, TcpHeader header,
                        int payloadLength) {

    /** The segment in {@code p}, or empty when it is not an unfragmented, well-formed IPv4 TCP segment. */
    public static Optional<TcpPacket> of(PcapReader.Packet p) {
        ByteBuf buf = Unpooled.wrappedBuffer(p.ipv4());
        try {
            Ipv4Packet ip = new Ipv4Packet().wrap(buf, 0, buf.capacity());
            if (ip.checkStructure() != null || ip.protocol() != Ipv4Packet.PROTO_TCP || ip.isFragment()) {
                return Optional.empty();
            }
            int end = Math.min(ip.totalLength(), buf.capacity());
            TcpSegment tcp = new TcpSegment().wrap(buf, ip.payloadOffset(), end - ip.payloadOffset());
            if (tcp.check() != null) {
                return Optional.empty();
            }
            int payload = ip.totalLength() - ip.headerLength() - tcp.headerLength();
            return Optional.of(new TcpPacket(p.timeMicros(), new Ipv4Address(ip.source()),
                    new Ipv4Address(ip.destination()), TcpHeader.parse(tcp), Math.max(0, payload)));
        } finally {
            buf.release();
        }
    }

    /** The endpoint that sent it, as {@code address:port}. */
    public String from() {
        return source + ":" + header.sourcePort();
    }

    /** The endpoint it went to, as {@code address:port}. */
    public String to() {
        return destination + ":" + header.destinationPort();
    }

    /** Sequence space the segment occupies: payload plus one for SYN and one for FIN. */
    public long sequenceLength() {
        return payloadLength + (has(TcpSegment.SYN) ? 1 : 0) + (has(TcpSegment.FIN) ? 1 : 0);
    }

    /** Whether the header has every bit of {@code flag}. */
    public boolean has(int flag) {
        return (header.flags() & flag) == flag;
    }
}
