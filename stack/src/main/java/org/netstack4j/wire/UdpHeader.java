package org.netstack4j.wire;

import io.netty.buffer.ByteBuf;

/**
 * A UDP header as a value (RFC 768); see {@link UdpDatagram} for the layout. The checksum is not a field:
 * {@code parse} does not verify it and {@code emit} computes it.
 *
 * @param sourcePort       0..65535
 * @param destinationPort  0..65535
 * @param length           header plus data, 8..65535
 */
public record UdpHeader(int sourcePort, int destinationPort, int length) {

    /** Validates the fields. */
    public UdpHeader {
        if ((sourcePort & ~0xFFFF) != 0 || (destinationPort & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("UDP port out of range 0..65535: " + sourcePort + "/"
                    + destinationPort);
        }
        if (length < UdpDatagram.HEADER_LENGTH || length > 0xFFFF) {
            throw new IllegalArgumentException("UDP length out of range 8..65535: " + length);
        }
    }

    /** Reads the header; the checksum is not verified. */
    public static UdpHeader parse(UdpDatagram datagram) {
        WireFormatException.throwIf(datagram.check(), "UDP datagram");
        return new UdpHeader(datagram.sourcePort(), datagram.destinationPort(), datagram.lengthField());
    }

    /** Data bytes: length - 8. */
    public int payloadLength() {
        return length - UdpDatagram.HEADER_LENGTH;
    }

    /**
     * Writes the 8 header bytes at absolute {@code offset} and the checksum over the pseudo-header, the header
     * and the {@code length - 8} data bytes already present after it.
     */
    public void emit(ByteBuf buf, int offset, int sourceIp, int destinationIp) {
        buf = LeakTracking.untracked(buf); // see LeakTracking: no stack trace per header field
        UdpDatagram view = new UdpDatagram().wrap(buf, offset, length);
        view.setSourcePort(sourcePort);
        view.setDestinationPort(destinationPort);
        view.setLengthField(length);
        view.fillChecksum(sourceIp, destinationIp);
    }
}
