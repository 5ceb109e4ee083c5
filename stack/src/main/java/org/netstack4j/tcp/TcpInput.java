package org.netstack4j.tcp;

import io.netty.buffer.ByteBuf;

/**
 * The fields of one arriving segment that the state machine needs, read once from the wire view (sequence
 * numbers as wrap-safe ints, options decoded). One instance is reused for every segment, so it must not be
 * kept beyond the call that handles the segment.
 */
final class TcpInput {
    int seq;
    int ack;
    int flags;
    /** The window field; after {@link TcpConnection#arrive} has scaled it (RFC 7323 2.3), in bytes. */
    int window;
    /** MSS option, 0 when absent. */
    int mss;
    /** Window-scale shift as sent (not clamped), -1 when absent (RFC 7323 2.2). */
    int wscale;
    /** A SACK-permitted option was present (RFC 2018 2). */
    boolean sackPermitted;
    /** A timestamps option was present, with TSval and TSecr (RFC 7323 3.2). */
    boolean hasTimestamps;
    int tsVal;
    int tsEcr;
    /** SACK blocks received (RFC 2018 3), for the send side: [sackLeft[i], sackRight[i]) for i below sackBlocks. */
    int sackBlocks;
    final int[] sackLeft = new int[4];
    final int[] sackRight = new int[4];
    ByteBuf buffer;
    int payloadOffset;
    int payloadLength;

    boolean has(int flag) {
        return (flags & flag) != 0;
    }
}
