package org.netstack4j.tcp;

import io.netty.buffer.ByteBuf;
import org.netstack4j.wire.TcpOption;

/**
 * The option area of one outgoing segment, built in the order and with the padding Linux uses
 * (tcp_options_write), so that kernel peers and packetdrill scripts see byte-for-byte what they expect:
 * <pre>
 * SYN, SYN-ACK:  mss, sackOK, TS, nop, wscale      (with timestamps and SACK)
 *                mss, nop, nop, sackOK, nop, wscale (SACK without timestamps)
 *                mss, nop, nop, TS, nop, wscale     (timestamps without SACK)
 * other segments: nop, nop, TS, nop, nop, SACK
 * </pre>
 * Every option starts on the alignment its fields want and the area is a multiple of 4 bytes (RFC 7323
 * appendix A's layout). One instance is reused by the stack's thread; {@link #length} and {@link #writeTo} read
 * what the last {@code syn} or {@code segment} call built.
 */
final class SegmentOptions {
    /** Largest option area (RFC 9293 3.1: data offset 15 words). */
    static final int MAX_LENGTH = 40;
    /** Bytes of the aligned timestamps option: nop, nop, TS. */
    static final int TIMESTAMPS_LENGTH = 12;
    /** Bytes of an aligned SACK option without blocks: nop, nop, kind, length. */
    static final int SACK_BASE_LENGTH = 4;
    /** Bytes per SACK block. */
    static final int SACK_BLOCK_LENGTH = 8;

    private final byte[] area = new byte[MAX_LENGTH];
    private int length;

    /** Bytes built (a multiple of 4). */
    int length() {
        return length;
    }

    /**
     * The options of a SYN or SYN-ACK: MSS always; the others when {@code sackPermitted}, {@code timestamps}
     * (with TSval and TSecr), or {@code wscale >= 0}.
     */
    void syn(int mss, boolean sackPermitted, boolean timestamps, int tsVal, int tsEcr, int wscale) {
        length = 0;
        put(TcpOption.KIND_MSS);
        put(TcpOption.Mss.LENGTH);
        putShort(mss);
        if (timestamps) {
            if (sackPermitted) {
                putSackPermitted();
            } else {
                put(TcpOption.KIND_NOP);
                put(TcpOption.KIND_NOP);
            }
            putTimestamps(tsVal, tsEcr);
        } else if (sackPermitted) {
            put(TcpOption.KIND_NOP);
            put(TcpOption.KIND_NOP);
            putSackPermitted();
        }
        if (wscale >= 0) {
            put(TcpOption.KIND_NOP);
            put(TcpOption.KIND_WINDOW_SCALE);
            put(TcpOption.WindowScale.LENGTH);
            put(wscale);
        }
    }

    /** The options of a non-SYN segment: timestamps if in use, then {@code blocks} SACK blocks (0 for none). */
    void segment(boolean timestamps, int tsVal, int tsEcr, int[] left, int[] right, int blocks) {
        length = 0;
        if (timestamps) {
            put(TcpOption.KIND_NOP);
            put(TcpOption.KIND_NOP);
            putTimestamps(tsVal, tsEcr);
        }
        if (blocks > 0) {
            put(TcpOption.KIND_NOP);
            put(TcpOption.KIND_NOP);
            put(TcpOption.KIND_SACK);
            put(2 + SACK_BLOCK_LENGTH * blocks);
            for (int i = 0; i < blocks; i++) {
                putInt(left[i]);
                putInt(right[i]);
            }
        }
    }

    /**
     * Copies the area to absolute {@code index} of {@code buf}, a 32-bit word at a time (the area is always padded
     * to whole words): a byte-array copy into a pooled direct buffer would build its NIO view, an object per frame.
     */
    void writeTo(ByteBuf buf, int index) {
        for (int i = 0; i < length; i += 4) {
            buf.setInt(index + i, (area[i] & 0xFF) << 24 | (area[i + 1] & 0xFF) << 16 | (area[i + 2] & 0xFF) << 8
                    | area[i + 3] & 0xFF);
        }
    }

    private void putSackPermitted() {
        put(TcpOption.KIND_SACK_PERMITTED);
        put(TcpOption.SackPermitted.LENGTH);
    }

    private void putTimestamps(int tsVal, int tsEcr) {
        put(TcpOption.KIND_TIMESTAMPS);
        put(TcpOption.Timestamps.LENGTH);
        putInt(tsVal);
        putInt(tsEcr);
    }

    private void put(int b) {
        area[length++] = (byte) b;
    }

    private void putShort(int v) {
        put(v >>> 8);
        put(v);
    }

    private void putInt(int v) {
        putShort(v >>> 16);
        putShort(v);
    }
}
