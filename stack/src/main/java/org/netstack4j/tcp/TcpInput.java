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
    int window;
    int mss;
    /** The SYN carried SACK-permitted (RFC 2018 section 2). */
    boolean sackPermitted;
    /** SACK blocks (RFC 2018 section 3): {@code sackCount} of them, edges as wrap-safe ints. */
    int sackCount;
    final int[] sackLeft = new int[4];
    final int[] sackRight = new int[4];
    ByteBuf buffer;
    int payloadOffset;
    int payloadLength;

    boolean has(int flag) {
        return (flags & flag) != 0;
    }
}
