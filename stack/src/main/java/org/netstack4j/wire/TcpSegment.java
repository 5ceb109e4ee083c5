package org.netstack4j.wire;


/**
 * Flyweight view of a TCP segment (RFC 9293 section 3.1).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |  8
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             | 12
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        | 16
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           [Options]                           | 20
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             Data ...
 * </pre>
 *
 * <p>{@link #wrap} takes the IP payload. The checksum covers the pseudo-header and all wrapped bytes. Options are
 * read without allocating through {@link TcpOptionReader}. Absolute accessors only; never allocates.
 */
public final class TcpSegment extends WireView<TcpSegment> {

    /** Header length without options. */
    public static final int MIN_HEADER_LENGTH = 20;
    /** Largest header: data offset 15. */
    public static final int MAX_HEADER_LENGTH = 60;
    /** No more data from sender. */
    public static final int FIN = 0x01;
    /** Synchronize sequence numbers. */
    public static final int SYN = 0x02;
    /** Reset the connection. */
    public static final int RST = 0x04;
    /** Push function. */
    public static final int PSH = 0x08;
    /** Acknowledgment field is significant. */
    public static final int ACK = 0x10;
    /** Urgent pointer field is significant. */
    public static final int URG = 0x20;
    /** ECN-Echo (RFC 3168). */
    public static final int ECE = 0x40;
    /** Congestion Window Reduced (RFC 3168). */
    public static final int CWR = 0x80;

    static final int SOURCE_PORT = 0;
    static final int DESTINATION_PORT = 2;
    static final int SEQUENCE = 4;
    static final int ACKNOWLEDGMENT = 8;
    static final int DATA_OFFSET = 12;
    static final int FLAGS = 13;
    static final int WINDOW = 14;
    static final int CHECKSUM = 16;
    static final int URGENT_POINTER = 18;
    static final int OPTIONS = 20;



    /**
     * Null if well formed; TRUNCATED below 20 bytes; BAD_HEADER_LENGTH if the data offset is below 5 or past the
     * bytes; BAD_OPTION if an option is malformed (see {@link TcpOptionReader#validate}). The checksum needs the
     * pseudo-header: see {@link #checksumValid}.
     */
    public WireError check() {
        if (length < MIN_HEADER_LENGTH) {
            return WireError.TRUNCATED;
        }
        int headerLength = headerLength();
        if (headerLength < MIN_HEADER_LENGTH || headerLength > length) {
            return WireError.BAD_HEADER_LENGTH;
        }
        return TcpOptionReader.validate(buf, offset + OPTIONS, offset + headerLength);
    }

    /** Source port. */
    public int sourcePort() {
        return buf.getUnsignedShort(offset + SOURCE_PORT);
    }

    /** Destination port. */
    public int destinationPort() {
        return buf.getUnsignedShort(offset + DESTINATION_PORT);
    }

    /** Sequence number, unsigned 32-bit. */
    public long sequenceNumber() {
        return buf.getUnsignedInt(offset + SEQUENCE);
    }

    /** Acknowledgment number, unsigned 32-bit. */
    public long acknowledgmentNumber() {
        return buf.getUnsignedInt(offset + ACKNOWLEDGMENT);
    }

    /** Header length in bytes (data offset * 4). */
    public int headerLength() {
        return (buf.getUnsignedByte(offset + DATA_OFFSET) >>> 4) * 4;
    }

    /** The eight flag bits (CWR..FIN); reserved bits are not included. */
    public int flags() {
        return buf.getUnsignedByte(offset + FLAGS);
    }

    /** True if every bit of {@code flag} is set. */
    public boolean has(int flag) {
        return (flags() & flag) == flag;
    }

    /** Window field (unscaled). */
    public int window() {
        return buf.getUnsignedShort(offset + WINDOW);
    }

    /** Stored checksum. */
    public int checksum() {
        return buf.getUnsignedShort(offset + CHECKSUM);
    }

    /** Urgent pointer. */
    public int urgentPointer() {
        return buf.getUnsignedShort(offset + URGENT_POINTER);
    }

    /** Absolute index of the options. */
    public int optionsOffset() {
        return offset + OPTIONS;
    }

    /** Bytes of options including padding: headerLength - 20. */
    public int optionsLength() {
        return headerLength() - MIN_HEADER_LENGTH;
    }

    /** Absolute index of the data. */
    public int payloadOffset() {
        return offset + headerLength();
    }

    /** Data bytes: length - headerLength. */
    public int payloadLength() {
        return length - headerLength();
    }

    /** True if the checksum over pseudo-header and all wrapped bytes verifies (RFC 9293 section 3.1). */
    public boolean checksumValid(int sourceIp, int destinationIp) {
        int pseudo = InternetChecksum.pseudoHeader(sourceIp, destinationIp, Ipv4Packet.PROTO_TCP, length);
        return InternetChecksum.verify(buf, offset, length, pseudo);
    }

    /** Computes and stores the checksum over pseudo-header and all wrapped bytes. */
    public void fillChecksum(int sourceIp, int destinationIp) {
        buf.setShort(offset + CHECKSUM, 0);
        int pseudo = InternetChecksum.pseudoHeader(sourceIp, destinationIp, Ipv4Packet.PROTO_TCP, length);
        buf.setShort(offset + CHECKSUM, InternetChecksum.finish(InternetChecksum.accumulate(buf, offset, length,
                pseudo)));
    }

    /**
     * Stores only the folded pseudo-header sum, for a device that completes the checksum (checksum offload):
     * summing the segment from its first byte onto that and complementing gives the checksum, which is how
     * virtio's NEEDS_CSUM and Linux's CHECKSUM_PARTIAL leave the field.
     */
    public void fillPartialChecksum(int sourceIp, int destinationIp) {
        buf.setShort(offset + CHECKSUM, InternetChecksum.pseudoHeader(sourceIp, destinationIp, Ipv4Packet.PROTO_TCP,
                length));
    }

    /** Sets the source port. */
    public void setSourcePort(int port) {
        buf.setShort(offset + SOURCE_PORT, port);
    }

    /** Sets the destination port. */
    public void setDestinationPort(int port) {
        buf.setShort(offset + DESTINATION_PORT, port);
    }

    /** Sets the sequence number (low 32 bits). */
    public void setSequenceNumber(long seq) {
        buf.setInt(offset + SEQUENCE, (int) seq);
    }

    /** Sets the acknowledgment number (low 32 bits). */
    public void setAcknowledgmentNumber(long ack) {
        buf.setInt(offset + ACKNOWLEDGMENT, (int) ack);
    }

    /** Sets the header length in bytes (a multiple of 4, 20..60); clears the reserved bits. */
    public void setHeaderLength(int headerLength) {
        buf.setByte(offset + DATA_OFFSET, (headerLength / 4) << 4);
    }

    /** Sets the eight flag bits. */
    public void setFlags(int flags) {
        buf.setByte(offset + FLAGS, flags);
    }

    /** Sets the window field. */
    public void setWindow(int window) {
        buf.setShort(offset + WINDOW, window);
    }

    /** Stores a checksum. */
    public void setChecksum(int checksum) {
        buf.setShort(offset + CHECKSUM, checksum);
    }

    /** Sets the urgent pointer. */
    public void setUrgentPointer(int urgentPointer) {
        buf.setShort(offset + URGENT_POINTER, urgentPointer);
    }



}
