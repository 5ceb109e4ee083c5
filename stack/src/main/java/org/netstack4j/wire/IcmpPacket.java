package org.netstack4j.wire;


/**
 * Flyweight view of an ICMPv4 message (RFC 792).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Rest of header                          |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Data ...
 * +-+-+-+-+-+-+-+-+-
 * Rest of header: Echo = Identifier | Sequence Number;
 *                 Destination Unreachable code 4 = unused | Next-Hop MTU (RFC 1191); otherwise unused.
 * </pre>
 *
 * <p>The checksum covers the whole message ({@code length} bytes). Absolute accessors only; never allocates.
 */
public final class IcmpPacket extends WireView<IcmpPacket> {

    /** Length of the fixed header. */
    public static final int HEADER_LENGTH = 8;
    /** Echo Reply. */
    public static final int TYPE_ECHO_REPLY = 0;
    /** Destination Unreachable. */
    public static final int TYPE_DEST_UNREACHABLE = 3;
    /** Echo (request). */
    public static final int TYPE_ECHO_REQUEST = 8;
    /** Time Exceeded. */
    public static final int TYPE_TIME_EXCEEDED = 11;
    /** Destination Unreachable: net unreachable. */
    public static final int CODE_NET_UNREACHABLE = 0;
    /** Destination Unreachable: host unreachable. */
    public static final int CODE_HOST_UNREACHABLE = 1;
    /** Destination Unreachable: protocol unreachable. */
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    /** Destination Unreachable: port unreachable. */
    public static final int CODE_PORT_UNREACHABLE = 3;
    /** Destination Unreachable: fragmentation needed and DF set. */
    public static final int CODE_FRAGMENTATION_NEEDED = 4;
    /** Time Exceeded: TTL exceeded in transit. */
    public static final int CODE_TTL_EXCEEDED = 0;
    /** Time Exceeded: fragment reassembly time exceeded. */
    public static final int CODE_REASSEMBLY_TIME_EXCEEDED = 1;

    static final int TYPE = 0;
    static final int CODE = 1;
    static final int CHECKSUM = 2;
    static final int REST = 4;
    static final int IDENTIFIER = 4;
    static final int SEQUENCE = 6;
    static final int NEXT_HOP_MTU = 6;



    /** Null if well formed; TRUNCATED below 8 bytes; BAD_CHECKSUM if the checksum over all bytes fails. */
    public WireError check() {
        if (length < HEADER_LENGTH) {
            return WireError.TRUNCATED;
        }
        return InternetChecksum.verify(buf, offset, length, 0) ? null : WireError.BAD_CHECKSUM;
    }

    /** Type. */
    public int type() {
        return buf.getUnsignedByte(offset + TYPE);
    }

    /** Code. */
    public int code() {
        return buf.getUnsignedByte(offset + CODE);
    }

    /** Stored checksum. */
    public int checksum() {
        return buf.getUnsignedShort(offset + CHECKSUM);
    }

    /** Bytes 4..7 as a big-endian int. */
    public int restOfHeader() {
        return buf.getInt(offset + REST);
    }

    /** Echo identifier (bytes 4..5). */
    public int identifier() {
        return buf.getUnsignedShort(offset + IDENTIFIER);
    }

    /** Echo sequence number (bytes 6..7). */
    public int sequence() {
        return buf.getUnsignedShort(offset + SEQUENCE);
    }

    /** Next-hop MTU of a "fragmentation needed" message (bytes 6..7, RFC 1191 section 4). */
    public int nextHopMtu() {
        return buf.getUnsignedShort(offset + NEXT_HOP_MTU);
    }

    /** Absolute index of the data after the 8-byte header. */
    public int payloadOffset() {
        return offset + HEADER_LENGTH;
    }

    /** Bytes of data after the header. */
    public int payloadLength() {
        return length - HEADER_LENGTH;
    }

    /** Sets the type. */
    public void setType(int type) {
        buf.setByte(offset + TYPE, type);
    }

    /** Sets the code. */
    public void setCode(int code) {
        buf.setByte(offset + CODE, code);
    }

    /** Sets bytes 4..7. */
    public void setRestOfHeader(int rest) {
        buf.setInt(offset + REST, rest);
    }

    /** Stores a checksum. */
    public void setChecksum(int checksum) {
        buf.setShort(offset + CHECKSUM, checksum);
    }

    /** Recomputes and stores the checksum over all {@link #length()} bytes. */
    public void fillChecksum() {
        buf.setShort(offset + CHECKSUM, 0);
        buf.setShort(offset + CHECKSUM, InternetChecksum.compute(buf, offset, length));
    }



}
