package org.netstack4j.wire;


/**
 * Flyweight view of an Ethernet II frame header (IEEE 802.3, DIX framing; no FCS, no VLAN tag).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Destination address (6 bytes)                |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                    Source address (6 bytes)                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           EtherType           |  Payload ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Reusable through {@link #wrap}; absolute accessors only; never allocates.
 */
public final class EthernetFrame extends WireView<EthernetFrame> {

    /** Length of the header. */
    public static final int HEADER_LENGTH = 14;
    /** EtherType of IPv4 (RFC 894). */
    public static final int TYPE_IPV4 = 0x0800;
    /** EtherType of ARP (RFC 826). */
    public static final int TYPE_ARP = 0x0806;
    /** EtherType of IPv6 (RFC 2464). */
    public static final int TYPE_IPV6 = 0x86DD;

    static final int DESTINATION = 0;
    static final int SOURCE = 6;
    static final int ETHER_TYPE = 12;



    /** Null if the frame holds a whole header, else {@link WireError#TRUNCATED}. */
    public WireError check() {
        return length < HEADER_LENGTH ? WireError.TRUNCATED : null;
    }

    /** Destination MAC as 48 bits. */
    public long destination() {
        return MacAddress.readBits(buf, offset + DESTINATION);
    }

    /** Source MAC as 48 bits. */
    public long source() {
        return MacAddress.readBits(buf, offset + SOURCE);
    }

    /** The EtherType, 0..0xFFFF. */
    public int etherType() {
        return buf.getUnsignedShort(offset + ETHER_TYPE);
    }

    /** Absolute index of the payload. */
    public int payloadOffset() {
        return offset + HEADER_LENGTH;
    }

    /** Bytes after the header, including any padding to the 60-byte minimum frame. */
    public int payloadLength() {
        return length - HEADER_LENGTH;
    }

    /** Sets the destination MAC (low 48 bits). */
    public void setDestination(long mac) {
        MacAddress.writeBits(buf, offset + DESTINATION, mac);
    }

    /** Sets the source MAC (low 48 bits). */
    public void setSource(long mac) {
        MacAddress.writeBits(buf, offset + SOURCE, mac);
    }

    /** Sets the EtherType. */
    public void setEtherType(int etherType) {
        buf.setShort(offset + ETHER_TYPE, etherType);
    }



}
