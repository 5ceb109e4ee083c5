package org.netstack4j.wire;


/**
 * Flyweight view of an ARP packet for Ethernet and IPv4 (RFC 826, "Packet format").
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Hardware type (1 = Ethernet) |  Protocol type (0x0800)     |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | HW len (6)    | Proto len (4) |  Operation (1 req, 2 reply)   |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Sender hardware address (6 bytes)               |  8
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               | Sender protocol address ...   | 12
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  ... (4 bytes)                | Target hardware address ...   | 16
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                        ... (6 bytes)                          | 20
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Target protocol address (4 bytes)               | 24
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>Reusable through {@link #wrap}; absolute accessors only; never allocates.
 */
public final class ArpPacket extends WireView<ArpPacket> {

    /** Length of an Ethernet/IPv4 ARP packet. */
    public static final int LENGTH = 28;
    /** ares_op$REQUEST. */
    public static final int OP_REQUEST = 1;
    /** ares_op$REPLY. */
    public static final int OP_REPLY = 2;
    /** ares_hrd$Ethernet. */
    public static final int HARDWARE_ETHERNET = 1;

    static final int HARDWARE_TYPE = 0;
    static final int PROTOCOL_TYPE = 2;
    static final int HARDWARE_LENGTH = 4;
    static final int PROTOCOL_LENGTH = 5;
    static final int OPERATION = 6;
    static final int SENDER_HARDWARE = 8;
    static final int SENDER_PROTOCOL = 14;
    static final int TARGET_HARDWARE = 18;
    static final int TARGET_PROTOCOL = 24;



    /**
     * Null if this is a whole Ethernet/IPv4 ARP packet; {@link WireError#TRUNCATED} if shorter than 28 bytes;
     * {@link WireError#BAD_HARDWARE_TYPE} unless htype 1, ptype 0x0800, hlen 6 and plen 4.
     */
    public WireError check() {
        if (length < LENGTH) {
            return WireError.TRUNCATED;
        }
        if (buf.getUnsignedShort(offset + HARDWARE_TYPE) != HARDWARE_ETHERNET
                || buf.getUnsignedShort(offset + PROTOCOL_TYPE) != EthernetFrame.TYPE_IPV4
                || buf.getUnsignedByte(offset + HARDWARE_LENGTH) != 6
                || buf.getUnsignedByte(offset + PROTOCOL_LENGTH) != 4) {
            return WireError.BAD_HARDWARE_TYPE;
        }
        return null;
    }

    /** The operation, e.g. {@link #OP_REQUEST}. */
    public int operation() {
        return buf.getUnsignedShort(offset + OPERATION);
    }

    /** Sender hardware address as 48 bits. */
    public long senderHardware() {
        return MacAddress.readBits(buf, offset + SENDER_HARDWARE);
    }

    /** Sender protocol (IPv4) address. */
    public int senderProtocol() {
        return buf.getInt(offset + SENDER_PROTOCOL);
    }

    /** Target hardware address as 48 bits. */
    public long targetHardware() {
        return MacAddress.readBits(buf, offset + TARGET_HARDWARE);
    }

    /** Target protocol (IPv4) address. */
    public int targetProtocol() {
        return buf.getInt(offset + TARGET_PROTOCOL);
    }

    /** Writes the fixed htype/ptype/hlen/plen fields for Ethernet and IPv4. */
    public void setEthernetIpv4Types() {
        buf.setShort(offset + HARDWARE_TYPE, HARDWARE_ETHERNET);
        buf.setShort(offset + PROTOCOL_TYPE, EthernetFrame.TYPE_IPV4);
        buf.setByte(offset + HARDWARE_LENGTH, 6);
        buf.setByte(offset + PROTOCOL_LENGTH, 4);
    }

    /** Sets the operation. */
    public void setOperation(int operation) {
        buf.setShort(offset + OPERATION, operation);
    }

    /** Sets the sender hardware address (low 48 bits). */
    public void setSenderHardware(long mac) {
        MacAddress.writeBits(buf, offset + SENDER_HARDWARE, mac);
    }

    /** Sets the sender protocol address. */
    public void setSenderProtocol(int ip) {
        buf.setInt(offset + SENDER_PROTOCOL, ip);
    }

    /** Sets the target hardware address (low 48 bits). */
    public void setTargetHardware(long mac) {
        MacAddress.writeBits(buf, offset + TARGET_HARDWARE, mac);
    }

    /** Sets the target protocol address. */
    public void setTargetProtocol(int ip) {
        buf.setInt(offset + TARGET_PROTOCOL, ip);
    }



}
