package org.netstack4j.wire;


/**
 * Flyweight view of an IPv4 packet (RFC 791 section 3.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |Type of Service|          Total Length         |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |  8
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          | 12
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        | 16
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    | 20
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Flags: bit 0 reserved (must be zero), bit 1 DF, bit 2 MF.
 * </pre>
 *
 * <p>{@link #wrap} takes the bytes available (e.g. an Ethernet payload, which can carry padding past Total
 * Length); {@link #payloadLength} is derived from Total Length. Absolute accessors only; never allocates.
 */
public final class Ipv4Packet extends WireView<Ipv4Packet> {

    /** Header length without options. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** Largest header: IHL 15. */
    public static final int MAX_HEADER_LENGTH = 60;
    /** Protocol number of ICMP. */
    public static final int PROTO_ICMP = 1;
    /** Protocol number of TCP. */
    public static final int PROTO_TCP = 6;
    /** Protocol number of UDP. */
    public static final int PROTO_UDP = 17;

    static final int VERSION_IHL = 0;
    static final int TOS = 1;
    static final int TOTAL_LENGTH = 2;
    static final int IDENTIFICATION = 4;
    static final int FLAGS_FRAGMENT = 6;
    static final int TTL = 8;
    static final int PROTOCOL = 9;
    static final int CHECKSUM = 10;
    static final int SOURCE = 12;
    static final int DESTINATION = 16;
    static final int OPTIONS = 20;

    static final int FLAG_DF = 0x4000;
    static final int FLAG_MF = 0x2000;
    static final int FRAGMENT_MASK = 0x1FFF;



    /** {@link #check()} without the header checksum: lengths and version only. */
    public WireError checkStructure() {
        if (length < MIN_HEADER_LENGTH) {
            return WireError.TRUNCATED;
        }
        if (version() != 4) {
            return WireError.BAD_VERSION;
        }
        int headerLength = headerLength();
        if (headerLength < MIN_HEADER_LENGTH || headerLength > length) {
            return WireError.BAD_HEADER_LENGTH;
        }
        int totalLength = totalLength();
        if (totalLength < headerLength || totalLength > length) {
            return WireError.BAD_TOTAL_LENGTH;
        }
        // RFC 791 3.2 / RFC 815: a fragment may not extend past the largest datagram (65535 octets).
        if (fragmentOffset() + totalLength - headerLength > 0xFFFF) {
            return WireError.BAD_LENGTH;
        }
        return null;
    }

    /**
     * Null if the packet is well formed, else the first problem, in order: TRUNCATED (fewer than 20 bytes),
     * BAD_VERSION, BAD_HEADER_LENGTH (IHL &lt; 5 or past the bytes), BAD_TOTAL_LENGTH (below the header or past
     * the bytes), BAD_LENGTH (fragment end past 65535), BAD_CHECKSUM (RFC 791 3.1 "Header Checksum").
     */
    public WireError check() {
        WireError structural = checkStructure();
        if (structural != null) {
            return structural;
        }
        return InternetChecksum.verify(buf, offset, headerLength(), 0) ? null : WireError.BAD_CHECKSUM;
    }

    /** Version field. */
    public int version() {
        return buf.getUnsignedByte(offset + VERSION_IHL) >>> 4;
    }

    /** Header length in bytes (IHL * 4). */
    public int headerLength() {
        return (buf.getUnsignedByte(offset + VERSION_IHL) & 0x0F) * 4;
    }

    /** Type of service / DSCP+ECN byte. */
    public int tos() {
        return buf.getUnsignedByte(offset + TOS);
    }

    /** Total Length: header plus payload, in bytes. */
    public int totalLength() {
        return buf.getUnsignedShort(offset + TOTAL_LENGTH);
    }

    /** Identification. */
    public int identification() {
        return buf.getUnsignedShort(offset + IDENTIFICATION);
    }

    /** The DF flag. */
    public boolean dontFragment() {
        return (buf.getUnsignedShort(offset + FLAGS_FRAGMENT) & FLAG_DF) != 0;
    }

    /** The MF flag. */
    public boolean moreFragments() {
        return (buf.getUnsignedShort(offset + FLAGS_FRAGMENT) & FLAG_MF) != 0;
    }

    /** Fragment offset in bytes (the field counts 8-byte units). */
    public int fragmentOffset() {
        return (buf.getUnsignedShort(offset + FLAGS_FRAGMENT) & FRAGMENT_MASK) * 8;
    }

    /** Time to live. */
    public int ttl() {
        return buf.getUnsignedByte(offset + TTL);
    }

    /** Protocol number, e.g. {@link #PROTO_TCP}. */
    public int protocol() {
        return buf.getUnsignedByte(offset + PROTOCOL);
    }

    /** Stored header checksum. */
    public int headerChecksum() {
        return buf.getUnsignedShort(offset + CHECKSUM);
    }

    /** Source address. */
    public int source() {
        return buf.getInt(offset + SOURCE);
    }

    /** Destination address. */
    public int destination() {
        return buf.getInt(offset + DESTINATION);
    }

    /** Absolute index of the options (if any). */
    public int optionsOffset() {
        return offset + OPTIONS;
    }

    /** Bytes of options and padding (headerLength - 20). */
    public int optionsLength() {
        return headerLength() - MIN_HEADER_LENGTH;
    }

    /** Absolute index of the payload. */
    public int payloadOffset() {
        return offset + headerLength();
    }

    /** Payload bytes: totalLength - headerLength (padding beyond Total Length excluded). */
    public int payloadLength() {
        return totalLength() - headerLength();
    }

    /** True if this is a fragment: MF set or a non-zero offset. */
    public boolean isFragment() {
        return (buf.getUnsignedShort(offset + FLAGS_FRAGMENT) & (FLAG_MF | FRAGMENT_MASK)) != 0;
    }

    /** Sets the TTL; the checksum is not updated. */
    public void setTtl(int ttl) {
        buf.setByte(offset + TTL, ttl);
    }

    /** Sets the source address; the checksum is not updated. */
    public void setSource(int ip) {
        buf.setInt(offset + SOURCE, ip);
    }

    /** Sets the destination address; the checksum is not updated. */
    public void setDestination(int ip) {
        buf.setInt(offset + DESTINATION, ip);
    }

    /** Sets Total Length; the checksum is not updated. */
    public void setTotalLength(int totalLength) {
        buf.setShort(offset + TOTAL_LENGTH, totalLength);
    }

    /** Sets Identification; the checksum is not updated. */
    public void setIdentification(int identification) {
        buf.setShort(offset + IDENTIFICATION, identification);
    }

    /** Stores a header checksum. */
    public void setHeaderChecksum(int checksum) {
        buf.setShort(offset + CHECKSUM, checksum);
    }

    /** Recomputes and stores the header checksum over {@link #headerLength()} bytes. */
    public void fillChecksum() {
        buf.setShort(offset + CHECKSUM, 0);
        buf.setShort(offset + CHECKSUM, InternetChecksum.compute(buf, offset, headerLength()));
    }



}
