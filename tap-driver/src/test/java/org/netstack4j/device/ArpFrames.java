package org.netstack4j.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/**
 * Hand-built ARP-over-Ethernet frames (RFC 826) for device tests, written with plain buffer writes so these
 * tests do not depend on the stack's wire classes.
 */
final class ArpFrames {

    static final int ETHERTYPE_ARP = 0x0806;
    private static final int OP_REQUEST = 1;
    private static final int OP_REPLY = 2;
    /** Ethernet's minimum frame without FCS; short frames are padded with zeros. */
    private static final int MIN_FRAME = 60;
    private static final int ARP_END = 42;

    private ArpFrames() {
    }

    /** A broadcast "who has {@code targetIp}? tell {@code senderIp}" frame, in a direct pooled buffer. */
    static ByteBuf request(byte[] senderMac, byte[] senderIp, byte[] targetIp) {
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(MIN_FRAME);
        frame.writeBytes(new byte[] {-1, -1, -1, -1, -1, -1});
        frame.writeBytes(senderMac);
        frame.writeShort(ETHERTYPE_ARP);
        frame.writeShort(1);        // hardware type: Ethernet
        frame.writeShort(0x0800);   // protocol type: IPv4
        frame.writeByte(6);
        frame.writeByte(4);
        frame.writeShort(OP_REQUEST);
        frame.writeBytes(senderMac);
        frame.writeBytes(senderIp);
        frame.writeZero(6);         // target MAC: unknown, that is the question
        frame.writeBytes(targetIp);
        frame.writeZero(MIN_FRAME - frame.writerIndex());
        return frame;
    }

    /** A heap copy of {@code frame}, which is released. */
    static ByteBuf onHeap(ByteBuf frame) {
        ByteBuf heap = Unpooled.buffer(frame.readableBytes()).writeBytes(frame);
        frame.release();
        return heap;
    }

    /** Whether {@code frame} is an ARP reply. */
    static boolean isReply(byte[] frame) {
        return frame.length >= ARP_END && u16(frame, 12) == ETHERTYPE_ARP && u16(frame, 20) == OP_REPLY;
    }

    /** Whether {@code frame} is an ARP frame at all. */
    static boolean isArp(byte[] frame) {
        return frame.length >= 14 && u16(frame, 12) == ETHERTYPE_ARP;
    }

    /** Whether {@code frame} came from {@code mac}. */
    static boolean isFrom(byte[] frame, byte[] mac) {
        return frame.length >= 12 && Arrays.equals(frame, 6, 12, mac, 0, 6);
    }

    /** Asserts that {@code reply} answers our request: "{@code peerIp} is at {@code peerMac}", sent to us. */
    static void assertReplyTo(byte[] reply, byte[] ourMac, byte[] ourIp, byte[] peerIp, byte[] peerMac) {
        assertArrayEquals(ourMac, Arrays.copyOfRange(reply, 0, 6), "Ethernet destination is our MAC");
        assertArrayEquals(peerMac, Arrays.copyOfRange(reply, 6, 12), "Ethernet source is the kernel's MAC");
        assertEquals(OP_REPLY, u16(reply, 20), "ARP opcode");
        assertArrayEquals(peerMac, Arrays.copyOfRange(reply, 22, 28), "sender hardware address");
        assertArrayEquals(peerIp, Arrays.copyOfRange(reply, 28, 32), "sender protocol address");
        assertArrayEquals(ourMac, Arrays.copyOfRange(reply, 32, 38), "target hardware address");
        assertArrayEquals(ourIp, Arrays.copyOfRange(reply, 38, 42), "target protocol address");
    }

    private static int u16(byte[] b, int offset) {
        return (b[offset] & 0xff) << 8 | (b[offset + 1] & 0xff);
    }
}
