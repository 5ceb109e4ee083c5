package org.netstack4j.wire;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * An IPv4 header as a value (RFC 791 section 3.1); see {@link Ipv4Packet} for the layout.
 *
 * <p>Options are carried raw and not interpreted. The reserved flag bit is not represented: it is written as
 * zero and ignored on parse. {@code parse} does not verify the header checksum (use {@link Ipv4Packet#check()});
 * {@code emit} always writes a correct one.
 *
 * @param tos             type of service byte, 0..255
 * @param totalLength     header plus payload, headerLength()..65535
 * @param identification  0..65535
 * @param dontFragment    DF flag
 * @param moreFragments   MF flag
 * @param fragmentOffset  in bytes, a multiple of 8, with fragmentOffset + payload length at most 65535
 * @param ttl             0..255
 * @param protocol        0..255
 * @param source          source address
 * @param destination     destination address
 * @param options         raw options including padding; length a multiple of 4, at most 40
 */
public record Ipv4Header(int tos, int totalLength, int identification, boolean dontFragment,
                         boolean moreFragments, int fragmentOffset, int ttl, int protocol, Ipv4Address source,
                         Ipv4Address destination, Bytes options) {

    /** Validates the fields so that every instance emits a header {@link Ipv4Packet#check()} accepts. */
    public Ipv4Header {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(options, "options");
        requireRange("tos", tos, 0xFF);
        requireRange("identification", identification, 0xFFFF);
        requireRange("ttl", ttl, 0xFF);
        requireRange("protocol", protocol, 0xFF);
        if (options.length() % 4 != 0 || options.length() > 40) {
            throw new IllegalArgumentException("IPv4 options length must be a multiple of 4 and at most 40: "
                    + options.length());
        }
        int headerLength = Ipv4Packet.MIN_HEADER_LENGTH + options.length();
        if (totalLength < headerLength || totalLength > 0xFFFF) {
            throw new IllegalArgumentException("IPv4 total length out of range " + headerLength + "..65535: "
                    + totalLength);
        }
        if (fragmentOffset < 0 || fragmentOffset % 8 != 0
                || fragmentOffset + totalLength - headerLength > 0xFFFF) {
            throw new IllegalArgumentException("IPv4 fragment offset must be a multiple of 8 with the fragment "
                    + "ending at most at 65535: " + fragmentOffset);
        }
    }

    private static void requireRange(String name, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException("IPv4 " + name + " out of range 0.." + max + ": " + value);
        }
    }

    /** An unfragmented datagram header without options, DF clear. */
    public static Ipv4Header of(int protocol, Ipv4Address source, Ipv4Address destination, int payloadLength,
                                int ttl, int identification) {
        return new Ipv4Header(0, Ipv4Packet.MIN_HEADER_LENGTH + payloadLength, identification, false, false, 0,
                ttl, protocol, source, destination, Bytes.EMPTY);
    }

    /** Reads a header; lengths must be valid, the checksum is not verified. */
    public static Ipv4Header parse(Ipv4Packet packet) {
        WireFormatException.throwIf(packet.checkStructure(), "IPv4 header");
        return new Ipv4Header(packet.tos(), packet.totalLength(), packet.identification(), packet.dontFragment(),
                packet.moreFragments(), packet.fragmentOffset(), packet.ttl(), packet.protocol(),
                new Ipv4Address(packet.source()), new Ipv4Address(packet.destination()),
                Bytes.copyOf(packet.buffer(), packet.optionsOffset(), packet.optionsLength()));
    }

    /** Header length in bytes: 20 plus options. */
    public int headerLength() {
        return Ipv4Packet.MIN_HEADER_LENGTH + options.length();
    }

    /** Payload length in bytes: totalLength - headerLength. */
    public int payloadLength() {
        return totalLength - headerLength();
    }

    /** Writes {@link #headerLength()} bytes at absolute {@code offset}, with a correct header checksum. */
    public void emit(ByteBuf buf, int offset) {
        writeFields(buf, offset, headerLength(), tos, totalLength, identification, dontFragment, moreFragments,
                fragmentOffset, ttl, protocol, source.bits(), destination.bits());
        options.write(buf, offset + Ipv4Packet.OPTIONS);
        buf.setShort(offset + Ipv4Packet.CHECKSUM, InternetChecksum.compute(buf, offset, headerLength()));
    }

    /**
     * Writes a header without options at absolute {@code offset}, with a correct checksum, from plain values:
     * the output path's way of emitting a header without building a record per packet. The values must satisfy
     * the record's checks; nothing is validated here.
     */
    public static void emit(ByteBuf buf, int offset, int tos, int totalLength, int identification,
                            boolean dontFragment, boolean moreFragments, int fragmentOffset, int ttl, int protocol,
                            int source, int destination) {
        writeFields(buf, offset, Ipv4Packet.MIN_HEADER_LENGTH, tos, totalLength, identification, dontFragment,
                moreFragments, fragmentOffset, ttl, protocol, source, destination);
        buf.setShort(offset + Ipv4Packet.CHECKSUM, InternetChecksum.compute(buf, offset, Ipv4Packet.MIN_HEADER_LENGTH));
    }

    private static void writeFields(ByteBuf buf, int offset, int headerLength, int tos, int totalLength,
                                    int identification, boolean dontFragment, boolean moreFragments,
                                    int fragmentOffset, int ttl, int protocol, int source, int destination) {
        buf = LeakTracking.untracked(buf); // see LeakTracking: no stack trace per header field
        buf.setByte(offset + Ipv4Packet.VERSION_IHL, 0x40 | (headerLength / 4));
        buf.setByte(offset + Ipv4Packet.TOS, tos);
        buf.setShort(offset + Ipv4Packet.TOTAL_LENGTH, totalLength);
        buf.setShort(offset + Ipv4Packet.IDENTIFICATION, identification);
        int flagsFragment = (dontFragment ? Ipv4Packet.FLAG_DF : 0) | (moreFragments ? Ipv4Packet.FLAG_MF : 0)
                | (fragmentOffset / 8);
        buf.setShort(offset + Ipv4Packet.FLAGS_FRAGMENT, flagsFragment);
        buf.setByte(offset + Ipv4Packet.TTL, ttl);
        buf.setByte(offset + Ipv4Packet.PROTOCOL, protocol);
        buf.setShort(offset + Ipv4Packet.CHECKSUM, 0);
        buf.setInt(offset + Ipv4Packet.SOURCE, source);
        buf.setInt(offset + Ipv4Packet.DESTINATION, destination);
    }
}
