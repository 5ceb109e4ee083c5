package org.netstack4j.wire;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * An Ethernet/IPv4 ARP packet as a value (RFC 826); see {@link ArpPacket} for the layout.
 *
 * @param operation       0..0xFFFF, e.g. {@link ArpPacket#OP_REQUEST}
 * @param senderHardware  sender MAC
 * @param senderProtocol  sender IPv4 address
 * @param targetHardware  target MAC ({@link MacAddress#ZERO} in a request)
 * @param targetProtocol  target IPv4 address
 */
public record ArpMessage(int operation, MacAddress senderHardware, Ipv4Address senderProtocol,
                         MacAddress targetHardware, Ipv4Address targetProtocol) {

    /** Validates the fields. */
    public ArpMessage {
        if ((operation & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("ARP operation out of range 0..0xFFFF: " + operation);
        }
        Objects.requireNonNull(senderHardware, "senderHardware");
        Objects.requireNonNull(senderProtocol, "senderProtocol");
        Objects.requireNonNull(targetHardware, "targetHardware");
        Objects.requireNonNull(targetProtocol, "targetProtocol");
    }

    /** A request asking who has {@code target} (target hardware zero, RFC 826 "Packet Generation"). */
    public static ArpMessage request(MacAddress senderHardware, Ipv4Address senderProtocol, Ipv4Address target) {
        return new ArpMessage(ArpPacket.OP_REQUEST, senderHardware, senderProtocol, MacAddress.ZERO, target);
    }

    /** The reply to this request from the owner of the target address, with {@code ownHardware}. */
    public ArpMessage replyFrom(MacAddress ownHardware) {
        return new ArpMessage(ArpPacket.OP_REPLY, ownHardware, targetProtocol, senderHardware, senderProtocol);
    }

    /** Reads a packet. */
    public static ArpMessage parse(ArpPacket packet) {
        WireFormatException.throwIf(packet.check(), "ARP packet");
        return new ArpMessage(packet.operation(), new MacAddress(packet.senderHardware()),
                new Ipv4Address(packet.senderProtocol()), new MacAddress(packet.targetHardware()),
                new Ipv4Address(packet.targetProtocol()));
    }

    /** Writes all 28 bytes, including the Ethernet/IPv4 type and length fields, at absolute {@code offset}. */
    public void emit(ByteBuf buf, int offset) {
        buf = LeakTracking.untracked(buf); // see LeakTracking: no stack trace per header field
        ArpPacket view = new ArpPacket().wrap(buf, offset, ArpPacket.LENGTH);
        view.setEthernetIpv4Types();
        view.setOperation(operation);
        view.setSenderHardware(senderHardware.bits());
        view.setSenderProtocol(senderProtocol.bits());
        view.setTargetHardware(targetHardware.bits());
        view.setTargetProtocol(targetProtocol.bits());
    }
}
