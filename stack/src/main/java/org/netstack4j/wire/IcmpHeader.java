package org.netstack4j.wire;

import io.netty.buffer.ByteBuf;

/**
 * The 8-byte ICMPv4 header as a value (RFC 792); see {@link IcmpPacket} for the layout. The checksum is not a
 * field: {@code parse} does not verify it (use {@link IcmpPacket#check()}) and {@code emit} computes it.
 *
 * @param type          0..255
 * @param code          0..255
 * @param restOfHeader  bytes 4..7 as a big-endian int
 */
public record IcmpHeader(int type, int code, int restOfHeader) {

    /** Validates type and code. */
    public IcmpHeader {
        if ((type & ~0xFF) != 0 || (code & ~0xFF) != 0) {
            throw new IllegalArgumentException("ICMP type and code must be 0..255: " + type + "/" + code);
        }
    }

    /** An Echo Reply (RFC 792 "Echo or Echo Reply Message"). */
    public static IcmpHeader echoReply(int identifier, int sequence) {
        return new IcmpHeader(IcmpPacket.TYPE_ECHO_REPLY, 0, echoRest(identifier, sequence));
    }

    /** An Echo request. */
    public static IcmpHeader echoRequest(int identifier, int sequence) {
        return new IcmpHeader(IcmpPacket.TYPE_ECHO_REQUEST, 0, echoRest(identifier, sequence));
    }

    /** A Destination Unreachable with {@code code}; the rest of the header is unused (zero). */
    public static IcmpHeader destinationUnreachable(int code) {
        return new IcmpHeader(IcmpPacket.TYPE_DEST_UNREACHABLE, code, 0);
    }

    /** "Fragmentation needed and DF set" carrying the next-hop MTU (RFC 1191 section 4). */
    public static IcmpHeader fragmentationNeeded(int nextHopMtu) {
        return new IcmpHeader(IcmpPacket.TYPE_DEST_UNREACHABLE, IcmpPacket.CODE_FRAGMENTATION_NEEDED,
                nextHopMtu & 0xFFFF);
    }

    /** A Time Exceeded with {@code code}. */
    public static IcmpHeader timeExceeded(int code) {
        return new IcmpHeader(IcmpPacket.TYPE_TIME_EXCEEDED, code, 0);
    }

    private static int echoRest(int identifier, int sequence) {
        if ((identifier & ~0xFFFF) != 0 || (sequence & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("ICMP echo identifier and sequence must be 0..65535: "
                    + identifier + "/" + sequence);
        }
        return (identifier << 16) | sequence;
    }

    /** Echo identifier: the high half of the rest of the header. */
    public int identifier() {
        return restOfHeader >>> 16;
    }

    /** Echo sequence number, or next-hop MTU: the low half of the rest of the header. */
    public int sequence() {
        return restOfHeader & 0xFFFF;
    }

    /** Reads the header; the checksum is not verified. */
    public static IcmpHeader parse(IcmpPacket packet) {
        if (packet.length() < IcmpPacket.HEADER_LENGTH) {
            throw new WireFormatException(WireError.TRUNCATED, "ICMP message shorter than 8 bytes");
        }
        return new IcmpHeader(packet.type(), packet.code(), packet.restOfHeader());
    }

    /**
     * Writes the 8 header bytes at absolute {@code offset} and the checksum over them plus the
     * {@code payloadLength} bytes already present after them.
     */
    public void emit(ByteBuf buf, int offset, int payloadLength) {
        buf = LeakTracking.untracked(buf); // see LeakTracking: no stack trace per header field
        IcmpPacket view = new IcmpPacket().wrap(buf, offset, IcmpPacket.HEADER_LENGTH + payloadLength);
        view.setType(type);
        view.setCode(code);
        view.setRestOfHeader(restOfHeader);
        view.fillChecksum();
    }
}
