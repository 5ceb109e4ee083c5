package org.netstack4j.wire;

import java.util.Objects;

/**
 * Flyweight view of a UDP datagram (RFC 768).
 *
 * <pre>
 *  0      7 8     15 16    23 24    31
 * +--------+--------+--------+--------+
 * |     Source      |   Destination   |  0
 * |      Port       |      Port       |
 * +--------+--------+--------+--------+
 * |     Length      |    Checksum     |  4
 * +--------+--------+--------+--------+
 * |          data octets ...
 * +---------------- ...
 * </pre>
 *
 * <p>{@link #wrap} takes the IP payload; the Length field may be smaller (trailing bytes are ignored). The
 * checksum covers the pseudo-header and {@link #lengthField()} bytes. Absolute accessors only; never allocates.
 */
public final class UdpDatagram extends WireView<UdpDatagram> {

    /** Length of the header. */
    public static final int HEADER_LENGTH = 8;

    static final int SOURCE_PORT = 0;
    static final int DESTINATION_PORT = 2;
    static final int LENGTH = 4;
    static final int CHECKSUM = 6;



    /**
     * Null if well formed; TRUNCATED below 8 bytes; BAD_LENGTH if the Length field is below 8 or beyond the
     * available bytes. The checksum needs the pseudo-header: see {@link #checksumValid}.
     */
    public WireError check() {
        if (length < HEADER_LENGTH) {
            return WireError.TRUNCATED;
        }
        int lengthField = lengthField();
        if (lengthField < HEADER_LENGTH || lengthField > length) {
            return WireError.BAD_LENGTH;
        }
        return null;
    }

    /** Source port. */
    public int sourcePort() {
        return buf.getUnsignedShort(offset + SOURCE_PORT);
    }

    /** Destination port. */
    public int destinationPort() {
        return buf.getUnsignedShort(offset + DESTINATION_PORT);
    }

    /** Length field: header plus data. */
    public int lengthField() {
        return buf.getUnsignedShort(offset + LENGTH);
    }

    /** Stored checksum; 0 means none was computed. */
    public int checksum() {
        return buf.getUnsignedShort(offset + CHECKSUM);
    }

    /** Absolute index of the data. */
    public int payloadOffset() {
        return offset + HEADER_LENGTH;
    }

    /** Data bytes: lengthField - 8. */
    public int payloadLength() {
        return lengthField() - HEADER_LENGTH;
    }

    /** True if the checksum verifies, or is 0 ("no checksum", RFC 768 "Fields"). Call after {@link #check()}. */
    public boolean checksumValid(int sourceIp, int destinationIp) {
        if (checksum() == 0) {
            return true;
        }
        int lengthField = lengthField();
        int pseudo = InternetChecksum.pseudoHeader(sourceIp, destinationIp, Ipv4Packet.PROTO_UDP, lengthField);
        return InternetChecksum.verify(buf, offset, lengthField, pseudo);
    }

    /** Computes and stores the checksum over pseudo-header, header and data; a computed 0 is sent as 0xFFFF. */
    public void fillChecksum(int sourceIp, int destinationIp) {
        int lengthField = lengthField();
        buf.setShort(offset + CHECKSUM, 0);
        int pseudo = InternetChecksum.pseudoHeader(sourceIp, destinationIp, Ipv4Packet.PROTO_UDP, lengthField);
        int checksum = InternetChecksum.finish(InternetChecksum.accumulate(buf, offset, lengthField, pseudo));
        // RFC 768: "If the computed checksum is zero, it is transmitted as all ones".
        buf.setShort(offset + CHECKSUM, checksum == 0 ? 0xFFFF : checksum);
    }

    /** Sets the source port. */
    public void setSourcePort(int port) {
        buf.setShort(offset + SOURCE_PORT, port);
    }

    /** Sets the destination port. */
    public void setDestinationPort(int port) {
        buf.setShort(offset + DESTINATION_PORT, port);
    }

    /** Sets the Length field. */
    public void setLengthField(int lengthField) {
        buf.setShort(offset + LENGTH, lengthField);
    }

    /** Stores a checksum. */
    public void setChecksum(int checksum) {
        buf.setShort(offset + CHECKSUM, checksum);
    }



}
