package org.netstack4j.device;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.netstack4j.wire.InternetChecksum;

/**
 * The {@code struct virtio_net_hdr} (10 bytes, virtio 1.x section 5.1.6) that a TAP opened with IFF_VNET_HDR
 * puts in front of every frame, in both directions. It carries the offload state of the frame:
 *
 * <pre>
 *  0      1          2         4          6           8            10
 *  +------+----------+---------+----------+-----------+------------+
 *  |flags | gso_type | hdr_len | gso_size | csum_start| csum_offset|   16-bit fields in host byte order
 *  +------+----------+---------+----------+-----------+------------+
 * </pre>
 *
 * <p>{@code NEEDS_CSUM}: the checksum at {@code csum_start + csum_offset} holds only the folded pseudo-header
 * sum, and the sum over the bytes from {@code csum_start} to the end must still be added and complemented.
 * A {@code gso_type} other than NONE marks a super-frame larger than the MTU that is to be cut into segments of
 * {@code gso_size} payload bytes (TSO). Offsets count from the start of the Ethernet frame.
 */
final class VirtioNetHeader {
    /** Size of the header without the mergeable-buffers count (TUNSETVNETHDRSZ). */
    static final int SIZE = 10;
    static final int F_NEEDS_CSUM = 1;
    static final int GSO_NONE = 0;
    static final int GSO_TCPV4 = 1;
    /** Set together with a GSO type when the segments carry ECN's CWR in the first one only. */
    static final int GSO_ECN = 0x80;

    private static final ValueLayout.OfShort HOST_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder());
    private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final int ETHERNET_HEADER = 14;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int PROTO_TCP = 6;
    private static final int TCP_CHECKSUM_OFFSET = 16;

    /** What a received header asks of the frame behind it. */
    enum Verdict {
        /** The frame is complete as it is (checksum completed where one was needed). */
        ACCEPT,
        /** Malformed or an offload we never enabled: drop the frame. */
        DROP
    }

    private VirtioNetHeader() {
    }

    private static int u16(ByteBuf buf, int index) {
        return (LITTLE ? buf.getShortLE(index) : buf.getShort(index)) & 0xFFFF;
    }

    /**
     * Applies the header at {@code index} to the frame of {@code frameLength} bytes behind it: completes a
     * partial checksum, and accepts TCPv4 super-frames as they are (the stack takes IPv4 packets larger than
     * the MTU from a device that offloads). Anything else the header asks for is refused.
     */
    static Verdict apply(ByteBuf buf, int index, int frameLength) {
        int flags = buf.getUnsignedByte(index);
        int gsoType = buf.getUnsignedByte(index + 1) & ~GSO_ECN;
        if (gsoType != GSO_NONE && gsoType != GSO_TCPV4) {
            return Verdict.DROP;
        }
        if ((flags & F_NEEDS_CSUM) == 0) {
            return Verdict.ACCEPT;
        }
        int start = u16(buf, index + 6);
        int field = start + u16(buf, index + 8);
        if (field + 2 > frameLength) {
            return Verdict.DROP;
        }
        int frame = index + SIZE;
        // The field already holds the folded pseudo-header sum, so the sum from csum_start to the end is the
        // whole sum, and its complement the checksum (RFC 1071). A result of 0 is sent as 0xFFFF, its other
        // one's complement form, which UDP needs (RFC 768) and TCP accepts alike.
        int checksum = InternetChecksum.finish(InternetChecksum.accumulate(buf, frame + start, frameLength - start, 0));
        buf.setShort(frame + field, checksum == 0 ? 0xFFFF : checksum);
        return Verdict.ACCEPT;
    }

    /**
     * Writes into {@code header} the header for the outgoing frame at {@code index} in {@code frame}: all zero
     * (checksums complete, no segmentation) unless the frame is an IPv4/TCP packet larger than {@code mtu},
     * which the kernel is to cut into segments that fit the MTU. For such a frame it also replaces the TCP
     * checksum by the folded pseudo-header sum that NEEDS_CSUM expects (the kernel completes it per segment).
     *
     * @return true if the frame can be sent with this header; false for a frame too large for the MTU that is
     *         not a TCP segment (the device drops it)
     */
    static boolean writeForTransmit(MemorySegment header, ByteBuf frame, int index, int length, int mtu) {
        header.fill((byte) 0);
        if (length - ETHERNET_HEADER <= mtu) {
            return true;
        }
        if (length < ETHERNET_HEADER + 20 + 20 || frame.getUnsignedShort(index + 12) != ETHERTYPE_IPV4) {
            return false;
        }
        int ip = index + ETHERNET_HEADER;
        int ipHeader = (frame.getUnsignedByte(ip) & 0x0F) * 4;
        if (frame.getUnsignedByte(ip + 9) != PROTO_TCP || ipHeader < 20 || length < ETHERNET_HEADER + ipHeader + 20) {
            return false;
        }
        int tcp = ip + ipHeader;
        int tcpHeader = (frame.getUnsignedByte(tcp + 12) >>> 4) * 4;
        int tcpLength = length - ETHERNET_HEADER - ipHeader;
        if (tcpHeader < 20 || tcpHeader > tcpLength || mtu - ipHeader - tcpHeader <= 0) {
            return false;
        }
        int pseudo = InternetChecksum.pseudoHeader(frame.getInt(ip + 12), frame.getInt(ip + 16), PROTO_TCP, tcpLength);
        frame.setShort(tcp + TCP_CHECKSUM_OFFSET, pseudo);
        header.set(ValueLayout.JAVA_BYTE, 0, (byte) F_NEEDS_CSUM);
        header.set(ValueLayout.JAVA_BYTE, 1, (byte) GSO_TCPV4);
        header.set(HOST_SHORT, 2, (short) (ETHERNET_HEADER + ipHeader + tcpHeader));
        header.set(HOST_SHORT, 4, (short) (mtu - ipHeader - tcpHeader));
        header.set(HOST_SHORT, 6, (short) (ETHERNET_HEADER + ipHeader));
        header.set(HOST_SHORT, 8, (short) TCP_CHECKSUM_OFFSET);
        return true;
    }
}
