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
 * {@code DATA_VALID} (receive only): the kernel has verified the checksum. A frame with either flag comes from
 * the kernel's own memory, not from a wire, so the stack takes its transport checksum as good without summing
 * the payload, as Linux does for CHECKSUM_PARTIAL and CHECKSUM_UNNECESSARY.
 * A {@code gso_type} other than NONE marks a super-frame larger than the MTU that is to be cut into segments of
 * {@code gso_size} payload bytes (TSO). Offsets count from the start of the Ethernet frame.
 */
final class VirtioNetHeader {
    /** Size of the header without the mergeable-buffers count (TUNSETVNETHDRSZ). */
    static final int SIZE = 10;
    static final int F_NEEDS_CSUM = 1;
    static final int F_DATA_VALID = 2;
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
        /** The frame is complete as it is, and its transport checksum is to be verified as usual. */
        ACCEPT,
        /**
         * The kernel vouches for the transport checksum (NEEDS_CSUM or DATA_VALID): the stack skips verifying
         * it. With NEEDS_CSUM the checksum field still holds the pseudo-header sum only.
         */
        ACCEPT_CHECKSUM_VERIFIED,
        /** Malformed or an offload we never enabled: drop the frame. */
        DROP
    }

    private VirtioNetHeader() {
    }

    private static int u16(ByteBuf buf, int index) {
        return (LITTLE ? buf.getShortLE(index) : buf.getShort(index)) & 0xFFFF;
    }

    /**
     * Reads the header at {@code index} in front of a frame of {@code frameLength} bytes: accepts TCPv4
     * super-frames as they are (the stack takes IPv4 packets larger than the MTU from a device that offloads),
     * and tells whether the kernel vouches for the transport checksum. A partial checksum is left as it is:
     * completing it would cost a pass over the payload only for the stack to verify what the kernel promised.
     * Anything else the header asks for, or a checksum position outside the frame, is refused.
     */
    static Verdict apply(ByteBuf buf, int index, int frameLength) {
        int flags = buf.getUnsignedByte(index);
        int gsoType = buf.getUnsignedByte(index + 1) & ~GSO_ECN;
        if (gsoType != GSO_NONE && gsoType != GSO_TCPV4) {
            return Verdict.DROP;
        }
        if ((flags & F_NEEDS_CSUM) != 0) {
            int field = u16(buf, index + 6) + u16(buf, index + 8);
            return field + 2 > frameLength ? Verdict.DROP : Verdict.ACCEPT_CHECKSUM_VERIFIED;
        }
        return (flags & F_DATA_VALID) != 0 ? Verdict.ACCEPT_CHECKSUM_VERIFIED : Verdict.ACCEPT;
    }

    /**
     * Writes into {@code header} the header for the outgoing frame at {@code index} in {@code frame}. An IPv4/TCP
     * packet larger than {@code mtu} is marked for the kernel to cut into segments that fit the MTU (GSO), with
     * NEEDS_CSUM, since the kernel completes the checksum per segment. With {@code partialTcpChecksums} the
     * stack left every TCP checksum partial (the folded pseudo-header sum, as NEEDS_CSUM expects), so every
     * TCP frame is marked NEEDS_CSUM; without it, a frame that fits the MTU goes out as it is (all-zero header)
     * and a super-frame's complete checksum is replaced by the pseudo-header sum.
     *
     * @return true if the frame can be sent with this header; false for a frame too large for the MTU that is
     *         not a TCP segment (the device drops it)
     */
    static boolean writeForTransmit(MemorySegment header, ByteBuf frame, int index, int length, int mtu,
                                    boolean partialTcpChecksums) {
        header.fill((byte) 0);
        boolean large = length - ETHERNET_HEADER > mtu;
        if (!large && !partialTcpChecksums) {
            return true;
        }
        if (length < ETHERNET_HEADER + 20 + 20 || frame.getUnsignedShort(index + 12) != ETHERTYPE_IPV4) {
            return !large;
        }
        int ip = index + ETHERNET_HEADER;
        int ipHeader = (frame.getUnsignedByte(ip) & 0x0F) * 4;
        if (frame.getUnsignedByte(ip + 9) != PROTO_TCP || ipHeader < 20 || length < ETHERNET_HEADER + ipHeader + 20
                || (frame.getUnsignedShort(ip + 6) & 0x3FFF) != 0) { // a fragment is no whole TCP segment
            return !large;
        }
        int tcp = ip + ipHeader;
        int tcpHeader = (frame.getUnsignedByte(tcp + 12) >>> 4) * 4;
        int tcpLength = length - ETHERNET_HEADER - ipHeader;
        if (tcpHeader < 20 || tcpHeader > tcpLength || (large && mtu - ipHeader - tcpHeader <= 0)) {
            return !large;
        }
        if (!partialTcpChecksums) {
            int pseudo = InternetChecksum.pseudoHeader(frame.getInt(ip + 12), frame.getInt(ip + 16), PROTO_TCP,
                    tcpLength);
            frame.setShort(tcp + TCP_CHECKSUM_OFFSET, pseudo);
        }
        header.set(ValueLayout.JAVA_BYTE, 0, (byte) F_NEEDS_CSUM);
        header.set(HOST_SHORT, 6, (short) (ETHERNET_HEADER + ipHeader));
        header.set(HOST_SHORT, 8, (short) TCP_CHECKSUM_OFFSET);
        if (large) {
            header.set(ValueLayout.JAVA_BYTE, 1, (byte) GSO_TCPV4);
            header.set(HOST_SHORT, 2, (short) (ETHERNET_HEADER + ipHeader + tcpHeader));
            header.set(HOST_SHORT, 4, (short) (mtu - ipHeader - tcpHeader));
        }
        return true;
    }
}
