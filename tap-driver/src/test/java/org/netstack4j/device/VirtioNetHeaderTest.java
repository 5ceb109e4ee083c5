package org.netstack4j.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.netstack4j.wire.InternetChecksum;

/** The virtio-net header: checksum promises on receive, and checksum offload and TSO on transmit. */
class VirtioNetHeaderTest {
    private static final int SRC = 0x0a4d0001;
    private static final int DST = 0x0a4d0002;
    private static final ValueLayout.OfShort HOST_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.nativeOrder());

    /** A virtio header followed by an Ethernet/IPv4/TCP frame with {@code payload} random bytes. */
    private static ByteBuf frame(int payload, int protocol) {
        int tcpLength = 20 + payload;
        ByteBuf b = Unpooled.buffer(VirtioNetHeader.SIZE + 14 + 20 + tcpLength);
        b.writeZero(VirtioNetHeader.SIZE);
        b.writeZero(12).writeShort(0x0800);
        b.writeByte(0x45).writeByte(0).writeShort(Math.min(65535, 20 + tcpLength)).writeInt(0)
                .writeByte(64).writeByte(protocol).writeShort(0).writeInt(SRC).writeInt(DST);
        b.writeShort(5201).writeShort(40000).writeInt(1).writeInt(2).writeByte(5 << 4).writeByte(0x18)
                .writeShort(65535).writeShort(0).writeShort(0);
        byte[] data = new byte[payload];
        new Random(payload).nextBytes(data);
        b.writeBytes(data);
        return b;
    }

    private static int tcpAt() {
        return VirtioNetHeader.SIZE + 14 + 20;
    }

    private static void needsChecksum(ByteBuf b, int start, int offset) {
        b.setByte(0, VirtioNetHeader.F_NEEDS_CSUM);
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            b.setShortLE(6, start).setShortLE(8, offset);
        } else {
            b.setShort(6, start).setShort(8, offset);
        }
    }

    @Test
    void aPartialChecksumIsVouchedForAndLeftAsItIs() {
        for (int payload : new int[] {0, 1, 1460, 65000}) {
            ByteBuf b = frame(payload, 6);
            int pseudo = InternetChecksum.pseudoHeader(SRC, DST, 6, 20 + payload);
            b.setShort(tcpAt() + 16, pseudo); // what the kernel leaves there with NEEDS_CSUM
            needsChecksum(b, 34, 16);
            ByteBuf before = b.copy();
            int frameLength = b.readableBytes() - VirtioNetHeader.SIZE;
            assertEquals(VirtioNetHeader.Verdict.ACCEPT_CHECKSUM_VERIFIED, VirtioNetHeader.apply(b, 0, frameLength),
                    "payload " + payload);
            assertEquals(before, b, "the frame was changed");
            b.release();
            before.release();
        }
    }

    @Test
    void aChecksumTheKernelVerifiedIsVouchedFor() {
        ByteBuf b = frame(100, 6);
        b.setByte(0, VirtioNetHeader.F_DATA_VALID);
        assertEquals(VirtioNetHeader.Verdict.ACCEPT_CHECKSUM_VERIFIED,
                VirtioNetHeader.apply(b, 0, b.readableBytes() - VirtioNetHeader.SIZE));
        b.release();
    }

    @Test
    void framesWithoutFlagsAreLeftAlone() {
        ByteBuf b = frame(100, 6);
        ByteBuf copy = b.copy();
        assertEquals(VirtioNetHeader.Verdict.ACCEPT, VirtioNetHeader.apply(b, 0, b.readableBytes() - 10));
        assertEquals(copy, b);
        b.release();
        copy.release();
    }

    @Test
    void checksumOffsetsOutsideTheFrameAndUnrequestedGsoTypesAreDropped() {
        ByteBuf b = frame(10, 6);
        int frameLength = b.readableBytes() - VirtioNetHeader.SIZE;
        needsChecksum(b, frameLength - 1, 0);
        assertEquals(VirtioNetHeader.Verdict.DROP, VirtioNetHeader.apply(b, 0, frameLength));
        needsChecksum(b, 34, 65535);
        assertEquals(VirtioNetHeader.Verdict.DROP, VirtioNetHeader.apply(b, 0, frameLength));
        needsChecksum(b, 34, 16);
        b.setByte(1, 3); // VIRTIO_NET_HDR_GSO_UDP: never enabled
        assertEquals(VirtioNetHeader.Verdict.DROP, VirtioNetHeader.apply(b, 0, frameLength));
        b.setByte(1, VirtioNetHeader.GSO_TCPV4 | VirtioNetHeader.GSO_ECN);
        assertEquals(VirtioNetHeader.Verdict.ACCEPT_CHECKSUM_VERIFIED, VirtioNetHeader.apply(b, 0, frameLength));
        b.release();
    }

    @Test
    void smallFramesGoOutWithAnEmptyHeader() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment h = arena.allocate(VirtioNetHeader.SIZE);
            h.fill((byte) 0x55);
            ByteBuf b = frame(1460, 6);
            assertTrue(VirtioNetHeader.writeForTransmit(h, b, VirtioNetHeader.SIZE, b.readableBytes() - 10, 1500,
                    false));
            for (int i = 0; i < VirtioNetHeader.SIZE; i++) {
                assertEquals(0, h.get(ValueLayout.JAVA_BYTE, i));
            }
            b.release();
        }
    }

    @Test
    void largeTcpFramesGetATsoHeaderAndAPseudoHeaderChecksum() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment h = arena.allocate(VirtioNetHeader.SIZE);
            ByteBuf b = frame(64240, 6);
            int length = b.readableBytes() - VirtioNetHeader.SIZE;
            assertTrue(VirtioNetHeader.writeForTransmit(h, b, VirtioNetHeader.SIZE, length, 1500, false));
            assertEquals(VirtioNetHeader.F_NEEDS_CSUM, h.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(VirtioNetHeader.GSO_TCPV4, h.get(ValueLayout.JAVA_BYTE, 1));
            assertEquals(54, h.get(HOST_SHORT, 2), "header length: Ethernet, IPv4, TCP");
            assertEquals(1460, h.get(HOST_SHORT, 4), "segment payload for MTU 1500");
            assertEquals(34, h.get(HOST_SHORT, 6));
            assertEquals(16, h.get(HOST_SHORT, 8));
            assertEquals(InternetChecksum.pseudoHeader(SRC, DST, 6, 20 + 64240), b.getUnsignedShort(tcpAt() + 16));
            b.release();
        }
    }

    @Test
    void largeFramesThatAreNotTcpCannotBeSent() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment h = arena.allocate(VirtioNetHeader.SIZE);
            ByteBuf b = frame(3000, 17);
            assertFalse(VirtioNetHeader.writeForTransmit(h, b, VirtioNetHeader.SIZE, b.readableBytes() - 10, 1500,
                    false));
            b.release();
        }
    }

    @Test
    void withPartialChecksumsEveryTcpFrameIsMarkedAndItsChecksumLeftAlone() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment h = arena.allocate(VirtioNetHeader.SIZE);
            for (int payload : new int[] {0, 1460, 64240}) {
                ByteBuf b = frame(payload, 6);
                int pseudo = InternetChecksum.pseudoHeader(SRC, DST, 6, 20 + payload);
                b.setShort(tcpAt() + 16, pseudo); // as the stack leaves it with the offload
                int length = b.readableBytes() - VirtioNetHeader.SIZE;
                assertTrue(VirtioNetHeader.writeForTransmit(h, b, VirtioNetHeader.SIZE, length, 1500, true));
                assertEquals(VirtioNetHeader.F_NEEDS_CSUM, h.get(ValueLayout.JAVA_BYTE, 0), "payload " + payload);
                assertEquals(34, h.get(HOST_SHORT, 6));
                assertEquals(16, h.get(HOST_SHORT, 8));
                assertEquals(payload > 1460 ? VirtioNetHeader.GSO_TCPV4 : VirtioNetHeader.GSO_NONE,
                        h.get(ValueLayout.JAVA_BYTE, 1), "payload " + payload);
                assertEquals(pseudo, b.getUnsignedShort(tcpAt() + 16), "the stack's partial sum was changed");
                b.release();
            }
        }
    }

    @Test
    void withPartialChecksumsOtherFramesGoOutAsTheyAre() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment h = arena.allocate(VirtioNetHeader.SIZE);
            ByteBuf udp = frame(100, 17);
            assertTrue(VirtioNetHeader.writeForTransmit(h, udp, VirtioNetHeader.SIZE, udp.readableBytes() - 10, 1500,
                    true));
            assertEquals(0, h.get(ValueLayout.JAVA_BYTE, 0), "UDP checksums are complete");
            udp.release();
            ByteBuf fragment = frame(100, 6);
            fragment.setShort(VirtioNetHeader.SIZE + 14 + 6, 0x2000); // MF: the first fragment of a datagram
            assertTrue(VirtioNetHeader.writeForTransmit(h, fragment, VirtioNetHeader.SIZE,
                    fragment.readableBytes() - 10, 1500, true));
            assertEquals(0, h.get(ValueLayout.JAVA_BYTE, 0), "a fragment holds no whole segment to checksum");
            fragment.release();
        }
    }
}
